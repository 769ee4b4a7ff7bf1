import Foundation
import LakeCatalog
import Synchronization
import TestSupport

/// The two servers the catalog suite runs on.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    var description: String { rawValue }
}

/// A fresh, empty catalog location on one backend: a SQLite file in a temp folder, or a new database on the
/// test process's PostgreSQL server (started on first use; a server that cannot start fails the test).
final class CatalogPlace: Sendable {
    let backend: Backend
    let location: String
    let database: String?
    private let directory: TemporaryDirectory

    init(_ backend: Backend, _ label: String) throws {
        self.backend = backend
        directory = TemporaryDirectory(label)
        switch backend {
        case .sqlite:
            location = directory.file("catalog.sqlite")
            database = nil
        case .postgres:
            let server = try PostgresServer.start()
            let name = try server.createDatabase(label.replacingOccurrences(of: "-", with: "_"))
            location = server.url(database: name)
            database = name
        }
    }

    func open() throws -> Catalog { try Catalog(location: location) }

    /// Runs SQL through a second path (psql or sqlite3 through Python), not through batchlake's connection.
    func independentQuery(_ sql: String) throws -> String {
        switch backend {
        case .postgres:
            return try PostgresServer.start().psql(sql, database: database!)
        case .sqlite:
            return try python("""
                import sqlite3, sys
                rows = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()
                print("\\n".join("|".join("" if v is None else str(v) for v in r) for r in rows))
                """, arguments: [location, sql]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

/// Runs `body` on `count` threads of their own and returns the results by index. Each thread prepares (opens
/// its own connection), then calls the `startTogether` it is given, which returns once every thread got there.
func together<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (_ index: Int, _ startTogether: () -> Void) -> T)
    -> [T]
{
    let shared = Rendezvous<T>()
    let done = DispatchGroup()
    for i in 0..<count {
        done.enter()
        Thread {
            let value = body(i) {
                shared.ready.add(1, ordering: .sequentiallyConsistent)
                while shared.ready.load(ordering: .sequentiallyConsistent) < count { usleep(200) }
            }
            shared.results.withLock { $0[i] = value }
            done.leave()
        }.start()
    }
    done.wait()
    return shared.results.withLock { r in (0..<count).map { r[$0]! } }
}

private final class Rendezvous<T: Sendable>: Sendable {
    let ready = Atomic<Int>(0)
    let results = Mutex<[Int: T]>([:])
}
