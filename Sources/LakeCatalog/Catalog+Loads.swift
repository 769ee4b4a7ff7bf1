public import LakeCore
import Foundation

/// A load's life: `running` while its transaction is open (a crash leaves it so; the next load redoes the
/// partition), `loaded` once the warehouse committed, `failed` with the reason.
public enum LoadStatus: String, Sendable, Codable {
    case running, loaded, failed
}

/// One lake file a load read, with the checksum the catalog holds for it.
public struct LoadedFile: Sendable, Codable, Equatable {
    public var path: String
    public var sha256: String
    public var rows: Int

    public init(path: String, sha256: String, rows: Int) {
        self.path = path
        self.sha256 = sha256
        self.rows = rows
    }
}

/// One (table, partition) loaded into one warehouse. `warehouse` is `scheme://user@host:port/database`, never a
/// password (CONTRACT.md).
public struct LoadRecord: Sendable, Codable {
    public var loadID: String
    public var warehouse: String
    public var schema: String
    public var table: String
    public var partition: PartitionKey
    public var dataVersion: Int
    /// `load` or `reload`.
    public var kind: String
    public var files: [LoadedFile]
    public var rows: Int?
    public var status: LoadStatus
    public var startedAt: String
    public var endedAt: String?
    public var seconds: Double?
    public var error: String?
    /// Redshift: the COPY's query id (`pg_last_copy_id()`) and row count (`pg_last_copy_count()`).
    public var queryID: Int?
    public var copyCount: Int?

    public init(loadID: String, warehouse: String, schema: String, table: String, partition: PartitionKey,
                dataVersion: Int, kind: String, files: [LoadedFile], status: LoadStatus, startedAt: String) {
        self.loadID = loadID
        self.warehouse = warehouse
        self.schema = schema
        self.table = table
        self.partition = partition
        self.dataVersion = dataVersion
        self.kind = kind
        self.files = files
        self.status = status
        self.startedAt = startedAt
    }
}

extension Catalog {
    /// Records a load as started (status `running`, or `failed` for one that never reached the warehouse).
    public func insertLoad(_ load: LoadRecord) throws {
        let files = String(decoding: (try? JSONEncoder().encode(load.files)) ?? Data("[]".utf8), as: UTF8.self)
        try transaction("recording the load of \(load.table) \(load.partition.path)") {
            try db.run("""
                INSERT INTO loads (load_id, warehouse, schema_name, table_name, dt, hour, data_version, kind, files,
                    rows, status, started_at, ended_at, seconds, error, query_id, copy_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, load.loadID, load.warehouse, load.schema, load.table, load.partition.dateString,
                       load.partition.hour, load.dataVersion, load.kind, files, load.rows, load.status.rawValue,
                       load.startedAt, load.endedAt, load.seconds, load.error, load.queryID, load.copyCount)
        }
    }

    /// Records how a load ended.
    public func finishLoad(_ load: LoadRecord) throws {
        let files = String(decoding: (try? JSONEncoder().encode(load.files)) ?? Data("[]".utf8), as: UTF8.self)
        try transaction("recording the end of load \(load.loadID)") {
            try db.run("""
                UPDATE loads SET status = ?, rows = ?, ended_at = ?, seconds = ?, error = ?, query_id = ?,
                    copy_count = ?, files = ?
                WHERE load_id = ?
                """, load.status.rawValue, load.rows, load.endedAt, load.seconds, load.error, load.queryID,
                       load.copyCount, files, load.loadID)
        }
    }

    /// Loads, newest first, filtered by warehouse identity, table and partition.
    public func loads(warehouse: String? = nil, table: String? = nil, selector: PartitionSelector? = nil,
                      status: LoadStatus? = nil) throws -> [LoadRecord] {
        var sql = """
            SELECT load_id, warehouse, schema_name, table_name, dt, hour, data_version, kind, files, rows, status,
                started_at, ended_at, seconds, error, query_id, copy_count FROM loads WHERE 1 = 1
            """
        var arguments: [any SQLBindable] = []
        if let warehouse { sql += " AND warehouse = ?"; arguments.append(warehouse) }
        if let table { sql += " AND table_name = ?"; arguments.append(table) }
        if let status { sql += " AND status = ?"; arguments.append(status.rawValue) }
        Catalog.restrict(&sql, &arguments, to: selector)
        sql += " ORDER BY started_at DESC, load_id DESC"
        return try db.query(sql, arguments: arguments).map { row in
            let partition = PartitionKey.parse("dt=\(row["dt"].string ?? "")/hour=\(pad(Int(row["hour"].int ?? 0), 2))")
                ?? PartitionKey(year: 1970, month: 1, day: 1, hour: 0)
            let files = (try? JSONDecoder().decode([LoadedFile].self, from: Data((row["files"].string ?? "[]").utf8)))
                ?? []
            var load = LoadRecord(
                loadID: row["load_id"].string ?? "", warehouse: row["warehouse"].string ?? "",
                schema: row["schema_name"].string ?? "", table: row["table_name"].string ?? "", partition: partition,
                dataVersion: Int(row["data_version"].int ?? 0), kind: row["kind"].string ?? "", files: files,
                status: LoadStatus(rawValue: row["status"].string ?? "") ?? .failed,
                startedAt: row["started_at"].string ?? "")
            load.rows = row["rows"].int.map(Int.init)
            load.endedAt = row["ended_at"].string
            load.seconds = row["seconds"].double
            load.error = row["error"].string
            load.queryID = row["query_id"].int.map(Int.init)
            load.copyCount = row["copy_count"].int.map(Int.init)
            return load
        }
    }

    /// The newest data version of each (table, partition) that a warehouse schema holds.
    public func loadedVersions(warehouse: String, schema: String) throws -> [String: Int] {
        var versions: [String: Int] = [:]
        for row in try db.query("""
            SELECT table_name, dt, hour, MAX(data_version) FROM loads
            WHERE warehouse = ? AND schema_name = ? AND status = 'loaded' GROUP BY table_name, dt, hour
            """, warehouse, schema) {
            versions["\(row[0].string ?? "")/dt=\(row[1].string ?? "")/hour=\(pad(Int(row[2].int ?? 0), 2))"] =
                Int(row[3].int ?? 0)
        }
        return versions
    }
}
