/// The SQL the catalog speaks to one of its two databases. Catalog code writes portable SQL with `?` placeholders
/// (TEXT, INTEGER, DOUBLE PRECISION; `INSERT ... ON CONFLICT`); each connection maps it to its server.
///
/// - SQLite (`SQLiteConnection`): a file, one writer at a time (`BEGIN IMMEDIATE`), for one machine.
/// - PostgreSQL (`PostgresCatalogConnection`): a shared server for several machines. Every `transaction` runs at
///   SERIALIZABLE and is retried on serialization failure or deadlock, so a transaction body must do nothing but
///   catalog reads and writes: it may run more than once. A failed statement aborts the transaction on
///   PostgreSQL (SQLite would carry on): never catch an SQL error inside a transaction and continue; write the
///   statement so it cannot fail (`ON CONFLICT ... DO NOTHING`, conditional `UPDATE`).
///
/// Not Sendable: a connection has one owner (a process connects once and keeps it).
public protocol CatalogDatabase: AnyObject {
    /// Which server this is.
    var dialect: SQLDialect { get }
    /// The file path, or the server's URL without its password: how messages name the catalog.
    var location: String { get }

    /// Runs one or more statements without arguments or results.
    func execute(_ sql: String) throws
    /// Runs a statement with arguments bound to its `?` placeholders and returns the rows it produces.
    @discardableResult
    func query(_ sql: String, arguments: [any SQLBindable]) throws -> [SQLRow]
    /// Runs a statement with arguments and returns the number of rows it inserted, updated or deleted.
    @discardableResult
    func run(_ sql: String, arguments: [any SQLBindable]) throws -> Int
    /// Runs `body` in one write transaction and commits it; rolls back and rethrows when `body` throws. A
    /// transaction begun inside another one joins it.
    @discardableResult
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// `transaction`, except that the commit may return before it is on disk: a power loss can lose it, but only
    /// together with every commit after it (never alone, never half), and the next `transaction` makes it durable
    /// too. For records that recovery rebuilds or that expire: leases, a batch's published mark, its manifests'
    /// rows. PostgreSQL flushes it all the same: a crash of a shared server would not stop the clients that saw it.
    @discardableResult
    func unflushedTransaction<T>(_ body: () throws -> T) throws -> T
    /// Runs `body` in one transaction that no other process runs at the same time, even on a catalog that has
    /// no tables yet: creation and migration.
    func exclusiveTransaction<T>(_ body: () throws -> T) throws -> T
    /// The catalog's tables (without the server's own), sorted by name.
    func tableNames() throws -> [String]
}

/// The two SQL servers the catalog runs on.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

extension CatalogDatabase {
    /// Runs a statement with arguments and returns the rows it produces.
    @discardableResult
    public func query(_ sql: String, _ arguments: any SQLBindable...) throws -> [SQLRow] {
        try query(sql, arguments: arguments)
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try run(sql, arguments: arguments)
    }
}

/// A value bound to or read from a statement. Both servers give back the same case for a column: INTEGER
/// (bigint on PostgreSQL) as `.integer`, DOUBLE PRECISION as `.real`, TEXT as `.text`.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var int: Int64? { if case .integer(let v) = self { return v } else { return nil } }
    public var string: String? { if case .text(let v) = self { return v } else { return nil } }
    public var double: Double? {
        switch self {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }
}

/// Types that bind as a statement argument.
public protocol SQLBindable: Sendable { var sqlValue: SQLValue { get } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Int32: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One row of a result.
public struct SQLRow: Sendable {
    public var values: [SQLValue]
    public var columns: [String]

    public init(values: [SQLValue], columns: [String]) {
        self.values = values
        self.columns = columns
    }

    public subscript(_ name: String) -> SQLValue {
        guard let i = columns.firstIndex(of: name) else { return .null }
        return values[i]
    }
    public subscript(_ index: Int) -> SQLValue { values[index] }
}
