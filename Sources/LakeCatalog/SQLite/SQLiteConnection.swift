import LakeCore
internal import CSQLite3
import Foundation

/// A SQLite failure: the extended result code, SQLite's message read at the moment of failure, and the SQL.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var sql: String?
    public var path: String?

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " while executing `\(sql.prefix(200))`" }
        if let path { text += " (catalog \(path))" }
        return text
    }

    /// SQLITE_BUSY or SQLITE_LOCKED: another process holds the lock past the busy timeout.
    public var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }
    /// SQLITE_CONSTRAINT: a unique or check constraint refused the change.
    public var isConstraint: Bool { code & 0xff == SQLITE_CONSTRAINT }
}

/// One connection to a SQLite database file; owns the `sqlite3*` handle.
///
/// Not Sendable: a connection has one owner (a process connects once and keeps it).
public final class SQLiteConnection: CatalogDatabase {
    private let handle: OpaquePointer
    public let path: String
    private var statements: [String: OpaquePointer] = [:]
    /// Open `transaction` calls: an inner one joins the outer.
    private var depth = 0

    public var dialect: SQLDialect { .sqlite }
    public var location: String { path }

    /// Opens (creating if needed) the database at `path` in WAL mode with a busy timeout.
    /// - Throws: `SQLiteError` when the file cannot be opened. The corresponding C function is `sqlite3_open_v2`.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 30_000) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot allocate a connection"
            sqlite3_close(db)  // a failed open still returns a handle to free
            throw SQLiteError(code: code, message: message, sql: nil, path: path)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        // WAL lets readers run beside one writer. FULL: every commit is on disk when COMMIT returns (the commit
        // protocol publishes files only after that); `unflushedTransaction` drops to NORMAL for one commit.
        try switchToWAL(timeoutMilliseconds: busyTimeoutMilliseconds)
        try execute("PRAGMA synchronous=FULL")
        try execute("PRAGMA foreign_keys=ON")
    }

    /// Sets WAL mode, retrying while another connection holds a lock. The busy handler alone is not enough:
    /// switching a new database out of rollback mode reads the schema under a shared lock and then needs an
    /// exclusive one, and SQLite returns SQLITE_BUSY at once (without waiting) when another connection is doing
    /// the same, since waiting could deadlock. Two processes creating one catalog hit this.
    private func switchToWAL(timeoutMilliseconds: Int32) throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutMilliseconds))
        var pauseMicroseconds: UInt32 = 2_000
        while true {
            do {
                try execute("PRAGMA journal_mode=WAL")
                return
            } catch let error as SQLiteError where error.isBusy && ContinuousClock.now < deadline {
                usleep(pauseMicroseconds)
                pauseMicroseconds = min(pauseMicroseconds * 2, 100_000)
            }
        }
    }

    deinit {
        for (_, statement) in statements { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    private func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)),
                    sql: sql, path: path)
    }

    /// Runs one or more statements without arguments or results.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: text, sql: sql, path: path)
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            return statement
        }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, sql: sql) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ arguments: [any SQLBindable], to statement: OpaquePointer, sql: String) throws {
        for (i, argument) in arguments.enumerated() {
            let index = Int32(i + 1)
            let code: Int32
            switch argument.sqlValue {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let v): code = sqlite3_bind_int64(statement, index, v)
            case .real(let v): code = sqlite3_bind_double(statement, index, v)
            case .text(let v):
                code = v.withCString { CSQLite3_bind_text_transient(statement, index, $0, -1) }
            }
            guard code == SQLITE_OK else { throw error(code, sql: sql) }
        }
    }

    /// Runs a statement with arguments and returns the rows it produces.
    @discardableResult
    public func query(_ sql: String, _ arguments: any SQLBindable...) throws -> [SQLRow] {
        try query(sql, arguments: arguments)
    }

    @discardableResult
    public func query(_ sql: String, arguments: [any SQLBindable]) throws -> [SQLRow] {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement) }
        try bind(arguments, to: statement, sql: sql)
        var rows: [SQLRow] = []
        let columnCount = sqlite3_column_count(statement)
        let names = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw error(code, sql: sql) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columnCount))
            for c in 0..<columnCount {
                switch sqlite3_column_type(statement, c) {
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, c)))
                case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, c)))
                case SQLITE_NULL: values.append(.null)
                default:
                    if let text = sqlite3_column_text(statement, c) {
                        values.append(.text(String(cString: text)))
                    } else {
                        values.append(.null)
                    }
                }
            }
            rows.append(SQLRow(values: values, columns: names))
        }
        return rows
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try run(sql, arguments: arguments)
    }

    @discardableResult
    public func run(_ sql: String, arguments: [any SQLBindable]) throws -> Int {
        try query(sql, arguments: arguments)
        return Int(sqlite3_changes(handle))
    }

    /// Runs `body` in one transaction. `BEGIN IMMEDIATE` takes the write lock up front, so two writers queue on
    /// the busy timeout instead of failing halfway with SQLITE_BUSY on upgrade.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if depth > 0 { return try body() }
        try execute("BEGIN IMMEDIATE")
        depth += 1
        do {
            let result = try body()
            Failpoint.hit("commit")
            try execute("COMMIT")
            depth -= 1
            Failpoint.hit("committed")
            return result
        } catch {
            depth -= 1
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// With `synchronous=NORMAL` a WAL commit is appended but not fsynced; the next FULL commit's fsync of the WAL
    /// covers it, and a power loss before that drops it with every later frame (sqlite.org/wal.html). A catalog
    /// in SQLite is one machine's: a power loss that drops the commit also stops every process that saw it.
    @discardableResult
    public func unflushedTransaction<T>(_ body: () throws -> T) throws -> T {
        if depth > 0 { return try body() }
        try execute("PRAGMA synchronous=NORMAL")
        let result: T
        do {
            result = try transaction(body)
        } catch {
            try execute("PRAGMA synchronous=FULL")
            throw error
        }
        try execute("PRAGMA synchronous=FULL")
        return result
    }

    /// `BEGIN IMMEDIATE` already keeps every other writer out, on a new file too.
    public func exclusiveTransaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(body)
    }

    public func tableNames() throws -> [String] {
        try query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
            .compactMap { $0[0].string }
    }
}
