public import LakeCore
public import LakePostgres
import Foundation

/// The lake's catalog: batches, files, partitions, schema versions, lineage and the keys that make ingest
/// idempotent. Every state change that readers may observe happens in one transaction here.
///
/// It lives in a SQLite file (one machine, the default) or in a PostgreSQL database shared by several machines;
/// the same migrations and the same queries run on both (`CatalogDatabase`).
///
/// Not Sendable: one connection per process, owned by the command that runs.
public final class Catalog {
    public let db: any CatalogDatabase
    /// The file path, or the server's URL without its password.
    public let location: String

    /// Opens the catalog at `location`: a `postgres://` (or `postgresql://`) URL, else a SQLite file path.
    /// - Throws: as `init(path:)` and `init(postgres:)`; `LakeError(.usage)` for a URL of another scheme (its
    ///   text, which may hold a password, is not repeated).
    public convenience init(location: String) throws {
        if PostgresURL.isURL(location) {
            try self.init(postgres: PostgresURL(location))
        } else if let scheme = location.range(of: "://").map({ location[..<$0.lowerBound] }),
                  !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" }) {
            throw LakeError(.usage, "the catalog URL scheme '\(scheme)' is not postgres://",
                            remedy: "give a SQLite file path or a postgres://user@host:port/database URL")
        } else {
            try self.init(path: location)
        }
    }

    /// Opens the SQLite catalog at `path`, creating its folder and migrating it to the newest schema.
    /// Creation and migration run inside `BEGIN IMMEDIATE`, so processes starting at once on a new catalog
    /// queue on the lock instead of racing.
    /// - Throws: `LakeError(.io)` when the folder cannot be made; `LakeError(.temporary)` when the catalog stays
    ///   locked past the busy timeout.
    public init(path: String) throws {
        location = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw LakeError(.io, "cannot create the catalog folder \(folder): \(error.localizedDescription)",
                                remedy: "check the path and its permissions, or pass --catalog")
            }
        }
        do {
            db = try SQLiteConnection(path: path)
            try migrate()
        } catch let error as SQLiteError {
            throw Catalog.lakeError(error, doing: "opening the catalog")
        }
    }

    /// Opens the catalog in a PostgreSQL database, creating its tables and migrating them to the newest schema
    /// under an advisory lock, so processes starting at once on an empty database queue instead of racing.
    /// The password comes from the URL, `PGPASSWORD` or `~/.pgpass` (libpq reads them); the catalog never
    /// stores or prints it.
    /// - Throws: `LakeError(.serviceUnavailable)` when the server cannot be reached; `LakeError(.badSpec)` when
    ///   it refuses the login or has no such database.
    public init(postgres url: PostgresURL) throws {
        location = url.identity
        do {
            db = try PostgresCatalogConnection(url)
            try migrate()
        } catch let error as PostgresError {
            throw Catalog.lakeError(error, location: url.identity, doing: "opening the catalog")
        }
    }

    /// The newest migration this build knows.
    public static var schemaVersion: Int { Migrations.all.map(\.version).max()! }

    private func migrate() throws {
        try db.exclusiveTransaction {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
                """)
            let applied = Set(try db.query("SELECT version FROM schema_migrations").compactMap { $0[0].int.map(Int.init) })
            if let newest = applied.max(), newest > Catalog.schemaVersion {
                throw LakeError(.badSpec,
                                "catalog \(location) has schema version \(newest), newer than this build knows "
                                    + "(\(Catalog.schemaVersion))",
                                remedy: "upgrade batchlake")
            }
            for migration in Migrations.all.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
                try db.execute(Migrations.sql(migration.sql, for: db.dialect))
                try db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                           migration.version, migration.name, Catalog.now())
            }
        }
    }

    /// Maps a SQLite failure to the error the CLI shows.
    public static func lakeError(_ error: SQLiteError, doing what: String) -> LakeError {
        if error.isBusy {
            return LakeError(.temporary, "the catalog \(error.path ?? "") stayed locked while \(what)",
                             remedy: "another batchlake process is writing; rerun when it is done", cause: error)
        }
        return LakeError(.io, "catalog failure while \(what)", remedy: "run `batchlake verify`", cause: error)
    }

    /// Maps a PostgreSQL failure to the error the CLI shows.
    public static func lakeError(_ error: PostgresError, location: String, doing what: String) -> LakeError {
        if error.isSerializationFailure {
            return LakeError(.temporary, "the catalog \(location) kept refusing a transaction that overlapped "
                                 + "others while \(what)",
                             remedy: "many processes are writing at once; rerunning is safe", cause: error)
        }
        if error.isConnectionFailure {
            return LakeError(.serviceUnavailable, "lost the catalog \(location) while \(what)",
                             remedy: "check that the server runs; rerunning is safe", cause: error)
        }
        return LakeError(.io, "catalog \(location) failure while \(what)", remedy: "run `batchlake verify`",
                         cause: error)
    }

    /// Runs `body` in one catalog transaction, mapping database errors. On PostgreSQL `body` may run more than
    /// once (see `PostgresCatalogConnection`): keep everything but catalog reads and writes out of it.
    /// - Parameter flushed: false for records recovery rebuilds or that expire (`unflushedTransaction`).
    @discardableResult
    public func transaction<T>(_ what: String, flushed: Bool = true, _ body: () throws -> T) throws -> T {
        do {
            return try flushed ? db.transaction(body) : db.unflushedTransaction(body)
        } catch let error as SQLiteError {
            throw Catalog.lakeError(error, doing: what)
        } catch let error as PostgresError {
            throw Catalog.lakeError(error, location: location, doing: what)
        }
    }

    /// Current time as ISO-8601 UTC with milliseconds, the catalog's time format.
    public static func now() -> String { format(Date()) }

    static func format(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let micros = ms * 1000
        var out: [UInt8] = []
        ValueFormatter.appendTimestamp(micros, to: &out)
        // "YYYY-MM-DD HH:MM:SS.fff+00" -> "YYYY-MM-DDTHH:MM:SS.fffZ"
        var text = String(decoding: out, as: UTF8.self)
        text = text.replacingOccurrences(of: " ", with: "T").replacingOccurrences(of: "+00", with: "Z")
        return text
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = formatter.date(from: text) { return d }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

extension Catalog {
    /// The time `seconds` from now, in the catalog's format (lease deadlines).
    public static func now(offsetSeconds seconds: Double) -> String {
        format(Date().addingTimeInterval(seconds))
    }
}
