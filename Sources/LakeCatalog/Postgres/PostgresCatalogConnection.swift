import Foundation
import LakeCore
public import LakePostgres

/// The catalog on a shared PostgreSQL server, over the project's libpq wrapper.
///
/// Isolation: every `transaction` runs at SERIALIZABLE. The catalog's write paths read and then write (the commit
/// sequence counter, "is this content committed yet", "are these compaction inputs still active", lease
/// holders, schema version numbers); on SQLite one writer at a time makes that safe, and SERIALIZABLE gives
/// PostgreSQL the same meaning without rewriting each path, including ones written later against SQLite. The
/// price is that PostgreSQL may abort a transaction that overlapped another (SQLSTATE 40001, or 40P01 for a
/// deadlock); `transaction` then rolls back, waits a short random backoff and runs the body again, up to
/// `maxAttempts` times. Transactions are short (no lake I/O inside them), so retries are cheap. Statements
/// outside a transaction run on their own (autocommit), like SQLite's.
///
/// Placeholders: `?` becomes `$1`, `$2`, ... (outside quotes and comments); values travel as text apart from the
/// SQL and the server types them from where they sit. Results come back as the same `SQLValue` cases as on
/// SQLite: bigint, integer, smallint and integral numeric (`SUM` of bigint) as `.integer`, real and double as
/// `.real`, boolean as `.integer` 0 or 1, everything else as `.text`.
///
/// Not Sendable: one owner, one statement at a time (libpq forbids concurrent use of a connection).
public final class PostgresCatalogConnection: CatalogDatabase {
    private let connection: PostgresConnection
    private var translated: [String: String] = [:]
    private var depth = 0
    /// How often a transaction aborted by the server for overlapping another runs again before giving up.
    public var maxAttempts = 30

    public var dialect: SQLDialect { .postgres }
    public var location: String { connection.url.identity }
    /// The server, without its password.
    public var url: PostgresURL { connection.url }

    /// The key of the advisory lock that creation and migration take (`pg_advisory_xact_lock`): "batchlak" in
    /// ASCII. Advisory locks are per database, so catalogs in different databases do not wait for each other.
    static let migrationLockKey: Int64 = 0x6261_7463_686C_616B

    /// Connects to the catalog's database.
    /// - Throws: `LakeError(.serviceUnavailable)` when the server cannot be reached, `LakeError(.badSpec)` when it
    ///   refuses the login or knows no such database; messages name the server without its password.
    public init(_ url: PostgresURL) throws {
        connection = try PostgresConnection(url, role: "catalog")
        // A process stopped (not killed) inside a transaction would hold its row locks until the server gives
        // up on it; a minute is far longer than any catalog transaction. Every lease also expires (Catalog).
        try connection.execute("SET idle_in_transaction_session_timeout = '60s'")
        try connection.execute("SET client_min_messages = warning")
    }

    public func execute(_ sql: String) throws {
        try reconnectIfIdle()
        try connection.execute(sql)
    }

    public func query(_ sql: String, arguments: [any SQLBindable]) throws -> [SQLRow] {
        try perform(sql, arguments).rows
    }

    @discardableResult
    public func run(_ sql: String, arguments: [any SQLBindable]) throws -> Int {
        try perform(sql, arguments).affected
    }

    private func perform(_ sql: String, _ arguments: [any SQLBindable]) throws -> (rows: [SQLRow], affected: Int) {
        try reconnectIfIdle()
        let text: String
        if let known = translated[sql] {
            text = known
        } else {
            text = PostgresCatalogConnection.numberPlaceholders(sql)
            translated[sql] = text
        }
        let parameters: [String?] = arguments.map { argument in
            switch argument.sqlValue {
            case .null: return nil
            case .integer(let v): return String(v)
            case .real(let v): return PostgresCatalogConnection.text(of: v)
            case .text(let v): return v
            }
        }
        let result = try connection.query(text, parameters: parameters)
        let converters = result.types.map(PostgresCatalogConnection.converter(forType:))
        let rows = result.rows.map { fields in
            SQLRow(values: zip(fields, converters).map { field, convert in field.map(convert) ?? .null },
                   columns: result.columns)
        }
        return (rows, result.affectedRows)
    }

    /// A connection that broke between transactions (server restart, network drop) is reopened once; inside a
    /// transaction the failure stands, because the transaction is gone with the connection.
    private func reconnectIfIdle() throws {
        guard depth == 0, connection.isBroken else { return }
        guard connection.reset() else {
            throw LakeError(.serviceUnavailable, "lost the catalog \(location) and cannot reconnect",
                            remedy: "check that the server runs; rerunning is safe")
        }
        try connection.execute("SET idle_in_transaction_session_timeout = '60s'")
        try connection.execute("SET client_min_messages = warning")
    }

    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", body)
    }

    /// An ordinary, flushed transaction: other machines share the server, and one that saw a commit must not lose
    /// it to a server crash while it goes on (a lease it holds, say).
    @discardableResult
    public func unflushedTransaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(body)
    }

    /// READ COMMITTED under a transaction-scoped advisory lock. Not SERIALIZABLE: its snapshot would be taken by
    /// the statement that waits for the lock, so after the wait it would not see the tables the lock holder just
    /// made and would try to make them again. `CREATE TABLE IF NOT EXISTS` alone is not safe against a
    /// concurrent creator on PostgreSQL (both pass the check, one fails on pg_type's unique index); the lock is.
    public func exclusiveTransaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED") {
            _ = try query("SELECT pg_advisory_xact_lock(?)", PostgresCatalogConnection.migrationLockKey)
            return try body()
        }
    }

    private func transaction<T>(begin: String, _ body: () throws -> T) throws -> T {
        if depth > 0 { return try body() }
        var attempt = 0
        while true {
            attempt += 1
            try reconnectIfIdle()
            try connection.execute(begin)
            depth += 1
            do {
                let result = try body()
                Failpoint.hit("commit")
                try connection.execute("COMMIT")
                depth -= 1
                Failpoint.hit("committed")
                return result
            } catch {
                depth -= 1
                if !connection.isBroken { _ = try? connection.execute("ROLLBACK") }
                guard PostgresCatalogConnection.isSerializationFailure(error), attempt < maxAttempts else { throw error }
                // Full jitter, growing to a quarter second: the overlapping transaction is short.
                let ceiling = min(250_000.0, 2_000.0 * pow(2.0, Double(min(attempt, 10))))
                usleep(UInt32(Double.random(in: 0...ceiling)))
            }
        }
    }

    static func isSerializationFailure(_ error: any Error) -> Bool {
        if let error = error as? PostgresError { return error.isSerializationFailure }
        if let error = error as? LakeError, let cause = error.cause as? PostgresError {
            return cause.isSerializationFailure
        }
        return false
    }

    public func tableNames() throws -> [String] {
        try query("""
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
            """).compactMap { $0[0].string }
    }

    // MARK: Mapping

    /// Rewrites `?` placeholders as `$1`, `$2`, ..., leaving `'...'` literals, `"..."` identifiers and `--` and
    /// `/* */` comments alone.
    static func numberPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var i = sql.startIndex
        func copy(until end: String.Index) {
            out += sql[i..<end]
            i = end
        }
        while i < sql.endIndex {
            let c = sql[i]
            switch c {
            case "?":
                n += 1
                out += "$\(n)"
                i = sql.index(after: i)
            case "'", "\"":
                // A doubled quote inside is the quote itself: scanning on to the next quote handles it.
                let close = sql[sql.index(after: i)...].firstIndex(of: c).map { sql.index(after: $0) } ?? sql.endIndex
                copy(until: close)
            case "-" where sql[i...].hasPrefix("--"):
                copy(until: sql[i...].firstIndex(of: "\n") ?? sql.endIndex)
            case "/" where sql[i...].hasPrefix("/*"):
                let close = sql[sql.index(i, offsetBy: 2)...].range(of: "*/")?.upperBound ?? sql.endIndex
                copy(until: close)
            default:
                out.append(c)
                i = sql.index(after: i)
            }
        }
        return out
    }

    /// A double as PostgreSQL's float8 input reads it back exactly (Swift prints the shortest round-trip form).
    static func text(of value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    /// How to read a column of the type with this OID (`pg_type.oid`).
    static func converter(forType oid: UInt32) -> @Sendable (String) -> SQLValue {
        switch oid {
        case 20, 21, 23, 26:  // int8, int2, int4, oid
            return { Int64($0).map(SQLValue.integer) ?? .text($0) }
        case 700, 701:  // float4, float8
            return { Double($0).map(SQLValue.real) ?? .text($0) }
        case 1700:  // numeric: SUM and AVG of integers; integral ones read as SQLite gives them
            return { Int64($0).map(SQLValue.integer) ?? Double($0).map(SQLValue.real) ?? .text($0) }
        case 16:  // bool
            return { .integer($0 == "t" ? 1 : 0) }
        default:
            return { .text($0) }
        }
    }
}

@available(*, unavailable, message: "a libpq connection has one owner")
extension PostgresCatalogConnection: Sendable {}
