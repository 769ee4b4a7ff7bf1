import Crypto
import Foundation
import LakeCore

/// One table of two catalogs side by side: row counts and a content hash of each.
public struct CatalogTableComparison: Sendable, Encodable, Equatable {
    public var table: String
    /// Nil when the catalog has no such table.
    public var rowsFrom: Int?
    public var rowsTo: Int?
    public var sha256From: String?
    public var sha256To: String?
    public var isEqual: Bool { rowsFrom == rowsTo && sha256From == sha256To }

    enum CodingKeys: String, CodingKey { case table, rowsFrom, rowsTo, sha256From, sha256To, isEqual }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(table, forKey: .table)
        try c.encode(rowsFrom, forKey: .rowsFrom)
        try c.encode(rowsTo, forKey: .rowsTo)
        try c.encode(sha256From, forKey: .sha256From)
        try c.encode(sha256To, forKey: .sha256To)
        try c.encode(isEqual, forKey: .isEqual)
    }
}

extension Catalog {
    /// The tables that hold catalog content: all but `schema_migrations`, whose rows record when each catalog
    /// was migrated (compared by version and name only).
    public func contentTables() throws -> [String] {
        try db.tableNames().filter { $0 != "schema_migrations" }
    }

    /// Row count and SHA-256 of a table's content, independent of the server: each row is encoded with its
    /// columns in name order and its values typed (an integral DOUBLE PRECISION counts as the integer), and the
    /// encoded rows are hashed in sorted order, so row order and column order do not matter.
    public func digest(table: String) throws -> (rows: Int, sha256: String) {
        let sql = table == "schema_migrations"
            ? "SELECT version, name FROM schema_migrations" : "SELECT * FROM \(Catalog.quote(table))"
        let rows = try db.query(sql)
        var encoded: [[UInt8]] = []
        encoded.reserveCapacity(rows.count)
        for row in rows {
            var bytes: [UInt8] = []
            for i in row.columns.indices.sorted(by: { row.columns[$0] < row.columns[$1] }) {
                bytes += Array(row.columns[i].utf8)
                bytes.append(0x3D)
                switch row.values[i] {
                case .null: bytes.append(0x4E)
                case .integer(let v): bytes += Array("I\(v)".utf8)
                case .real(let v):
                    if v.rounded() == v, abs(v) < 9.0e18 {
                        bytes += Array("I\(Int64(v))".utf8)
                    } else {
                        bytes += Array("R\(v.bitPattern)".utf8)
                    }
                case .text(let v):
                    let utf8 = Array(v.utf8)
                    bytes += Array("T\(utf8.count):".utf8) + utf8
                }
                bytes.append(0x1F)
            }
            encoded.append(bytes)
        }
        encoded.sort { $0.lexicographicallyPrecedes($1) }
        var hash = SHA256()
        for row in encoded {
            hash.update(data: row)
            hash.update(data: [0x0A])
        }
        return (rows.count, hash.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// Compares two catalogs table by table (every table either has, plus `schema_migrations`).
    public static func compare(_ from: Catalog, _ to: Catalog) throws -> [CatalogTableComparison] {
        let fromTables = Set(try from.db.tableNames())
        let toTables = Set(try to.db.tableNames())
        return try fromTables.union(toTables).sorted().map { table in
            let a = fromTables.contains(table) ? try from.digest(table: table) : nil
            let b = toTables.contains(table) ? try to.digest(table: table) : nil
            return CatalogTableComparison(table: table, rowsFrom: a?.rows, rowsTo: b?.rows, sha256From: a?.sha256,
                                          sha256To: b?.sha256)
        }
    }

    /// Copies every table of `source` into this catalog in one transaction, and returns the rows copied per
    /// table. Both catalogs are at the newest schema (opening migrates them).
    /// - Parameter replacing: replace what this catalog holds; without it a catalog holding anything (a batch,
    ///   a file, a lease, a moved counter...) is refused, so a copy never mixes two lakes.
    /// - Throws: `LakeError(.usage)` for a non-empty target without `replacing`; `LakeError(.badSpec)` when the
    ///   schemas differ.
    @discardableResult
    public func copy(from source: Catalog, replacing: Bool) throws -> [String: Int] {
        let tables = try source.contentTables()
        let mine = Set(try contentTables())
        if let missing = tables.first(where: { !mine.contains($0) }) {
            throw LakeError(.badSpec, "the catalog \(location) has no table \(missing), which \(source.location) has",
                            remedy: "use the same batchlake version on both")
        }
        // Read the source first: the target transaction may run more than once (PostgreSQL retries).
        var content: [(table: String, rows: [SQLRow])] = []
        for table in tables { content.append((table, try source.db.query("SELECT * FROM \(Catalog.quote(table))"))) }

        return try transaction("copying the catalog \(source.location)") {
            if !replacing {
                var held: [String] = []
                for table in tables {
                    let count = try db.query(table == "counters"
                        ? "SELECT COUNT(*) FROM counters WHERE value != 0" : "SELECT COUNT(*) FROM \(Catalog.quote(table))")
                    if let n = count.first?[0].int, n > 0 { held.append("\(table) (\(n))") }
                }
                if !held.isEmpty {
                    throw LakeError(.usage, "the catalog \(location) is not empty: it holds rows in "
                                        + held.joined(separator: ", "),
                                    remedy: "copy into an empty database, or pass --force to replace its contents")
                }
            }
            var copied: [String: Int] = [:]
            for (table, rows) in content {
                try db.run("DELETE FROM \(Catalog.quote(table))")
                copied[table] = rows.count
                guard let columns = rows.first?.columns, !columns.isEmpty else { continue }
                let perStatement = max(1, 8_000 / columns.count)
                let head = "INSERT INTO \(Catalog.quote(table)) (\(columns.map(Catalog.quote).joined(separator: ", "))) VALUES "
                let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
                var start = 0
                while start < rows.count {
                    let chunk = rows[start..<min(rows.count, start + perStatement)]
                    let sql = head + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
                    try db.run(sql, arguments: chunk.flatMap { $0.values.map { $0 as any SQLBindable } })
                    start += chunk.count
                }
            }
            return copied
        }
    }

    /// A table or column name as an SQL identifier.
    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
