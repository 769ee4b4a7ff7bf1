public import LakeCore

extension Catalog {
    static let fileColumns = """
        file_id, batch_id, table_name, dt, hour, format, path, rows, bytes, sha256, status, schema_fingerprint, stats,
        created_at, retired_at, compaction_id
        """

    static func file(from row: SQLRow) -> FileRecord {
        let partition = PartitionKey.parse("dt=\(row["dt"].string ?? "")/hour=\(pad(Int(row["hour"].int ?? 0), 2))")
            ?? PartitionKey(year: 1970, month: 1, day: 1, hour: 0)
        var record = FileRecord(
            fileID: row["file_id"].string ?? "", batchID: row["batch_id"].string, table: row["table_name"].string ?? "",
            partition: partition, format: FileFormat(rawValue: row["format"].string ?? "") ?? .raw,
            path: row["path"].string ?? "", rows: Int(row["rows"].int ?? 0), bytes: row["bytes"].int ?? 0,
            sha256: row["sha256"].string ?? "", status: FileStatus(rawValue: row["status"].string ?? "") ?? .deleted,
            schemaFingerprint: row["schema_fingerprint"].string, stats: row["stats"].string,
            createdAt: row["created_at"].string ?? "")
        record.retiredAt = row["retired_at"].string
        record.compactionID = row["compaction_id"].string
        return record
    }

    func insert(_ file: FileRecord) throws {
        try db.run("""
            INSERT INTO files (file_id, batch_id, table_name, dt, hour, format, path, rows, bytes, sha256, status,
                schema_fingerprint, stats, created_at, retired_at, compaction_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, file.fileID, file.batchID, file.table, file.partition.dateString, file.partition.hour,
                   file.format.rawValue, file.path, file.rows, file.bytes, file.sha256, file.status.rawValue,
                   file.schemaFingerprint, file.stats, file.createdAt, file.retiredAt, file.compactionID)
    }

    /// Records or replaces file rows in one transaction (manifests, rewritten in place under a stable id).
    /// - Parameter flushed: false for rows recovery rebuilds (manifests of a batch not yet marked published).
    public func upsertFiles(_ files: [FileRecord], flushed: Bool = true) throws {
        guard !files.isEmpty else { return }
        try transaction("recording file\(files.count == 1 ? "" : "s") \(files.map(\.path).joined(separator: ", "))",
                        flushed: flushed) {
            for file in files {
                try db.run("DELETE FROM files WHERE file_id = ?", file.fileID)
                try insert(file)
            }
        }
    }

    /// Records that a file row no longer exists on disk (a manifest of a partition left with no data files).
    public func markDeleted(fileID: String) throws {
        try transaction("recording deletion of file \(fileID)") {
            try db.run("UPDATE files SET status = 'deleted' WHERE file_id = ?", fileID)
        }
    }

    public func files(batchID: String) throws -> [FileRecord] {
        try db.query("SELECT \(Catalog.fileColumns) FROM files WHERE batch_id = ? ORDER BY path", batchID)
            .map(Catalog.file(from:))
    }

    /// Files, filtered by any of table, partition selector, format and status.
    public func files(table: String? = nil, selector: PartitionSelector? = nil, format: FileFormat? = nil,
                      status: FileStatus? = .active) throws -> [FileRecord] {
        var sql = "SELECT \(Catalog.fileColumns) FROM files WHERE 1 = 1"
        var arguments: [any SQLBindable] = []
        if let table { sql += " AND table_name = ?"; arguments.append(table) }
        if let format { sql += " AND format = ?"; arguments.append(format.rawValue) }
        if let status { sql += " AND status = ?"; arguments.append(status.rawValue) }
        Catalog.restrict(&sql, &arguments, to: selector)
        sql += " ORDER BY table_name, dt, hour, path"
        return try db.query(sql, arguments: arguments).map(Catalog.file(from:))
    }

    // MARK: Partitions

    /// Recomputes a partition's totals from its active data files; with `bumpVersion`, its data changed.
    func refreshPartition(_ tp: TablePartition, bumpVersion: Bool, now: String) throws {
        let key = tp.partition
        let totals = try db.query("""
            SELECT COALESCE(SUM(CASE WHEN format = 'csv.gz' THEN rows ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN format = 'csv.gz' THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(bytes), 0)
            FROM files WHERE table_name = ? AND dt = ? AND hour = ? AND status = 'active'
                AND format IN ('csv.gz', 'bcol')
            """, tp.table, key.dateString, key.hour)[0]
        let bump = bumpVersion ? 1 : 0
        try db.run("""
            INSERT INTO partitions (table_name, dt, hour, data_version, rows, files, bytes, updated_at)
            VALUES (?, ?, ?, 1, ?, ?, ?, ?)
            ON CONFLICT (table_name, dt, hour) DO UPDATE
            SET data_version = partitions.data_version + ?, rows = excluded.rows, files = excluded.files,
                bytes = excluded.bytes, updated_at = excluded.updated_at
            """, tp.table, key.dateString, key.hour, totals[0], totals[1], totals[2], now, bump)
    }

    public func partitions(table: String? = nil, selector: PartitionSelector? = nil) throws -> [PartitionRecord] {
        var sql = "SELECT table_name, dt, hour, data_version, rows, files, bytes, updated_at FROM partitions WHERE 1 = 1"
        var arguments: [any SQLBindable] = []
        if let table { sql += " AND table_name = ?"; arguments.append(table) }
        Catalog.restrict(&sql, &arguments, to: selector)
        sql += " ORDER BY table_name, dt, hour"
        return try db.query(sql, arguments: arguments).map { row in
            PartitionRecord(
                table: row[0].string ?? "",
                partition: PartitionKey.parse("dt=\(row[1].string ?? "")/hour=\(pad(Int(row[2].int ?? 0), 2))")
                    ?? PartitionKey(year: 1970, month: 1, day: 1, hour: 0),
                dataVersion: Int(row[3].int ?? 0), rows: Int(row[4].int ?? 0), files: Int(row[5].int ?? 0),
                bytes: row[6].int ?? 0, updatedAt: row[7].string ?? "")
        }
    }

    // MARK: Schemas and lineage

    func recordSchema(_ schema: TableSchema, batchID: String, now: String) throws {
        let fingerprint = schema.fingerprint
        let known = try db.query("SELECT version FROM schema_versions WHERE table_name = ? AND fingerprint = ?",
                                 schema.name, fingerprint)
        guard known.isEmpty else { return }
        let next = (try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_versions WHERE table_name = ?",
                                 schema.name).first?[0].int ?? 0) + 1
        let columns = schema.columns.map { "\($0.name) \($0.type)\($0.nullable ? "" : " not null")" }
            .joined(separator: ", ")
        try db.run("""
            INSERT INTO schema_versions (table_name, version, fingerprint, columns, first_batch, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, schema.name, next, fingerprint, columns, batchID, now)
    }

    public func schemaVersions(table: String? = nil) throws -> [SchemaVersionRecord] {
        var sql = "SELECT table_name, version, fingerprint, columns, first_batch, created_at FROM schema_versions"
        var arguments: [any SQLBindable] = []
        if let table { sql += " WHERE table_name = ?"; arguments.append(table) }
        sql += " ORDER BY table_name, version"
        return try db.query(sql, arguments: arguments).map {
            SchemaVersionRecord(table: $0[0].string ?? "", version: Int($0[1].int ?? 0), fingerprint: $0[2].string ?? "",
                                columns: $0[3].string ?? "", firstBatch: $0[4].string, createdAt: $0[5].string ?? "")
        }
    }

    public func lineage(batchID: String? = nil, fileID: String? = nil) throws -> [LineageRecord] {
        var sql = "SELECT child_file_id, parent_kind, parent_id, relation, created_at FROM lineage WHERE 1 = 1"
        var arguments: [any SQLBindable] = []
        if let batchID { sql += " AND parent_kind = 'batch' AND parent_id = ?"; arguments.append(batchID) }
        if let fileID { sql += " AND (child_file_id = ? OR parent_id = ?)"; arguments += [fileID, fileID] }
        sql += " ORDER BY created_at, child_file_id"
        return try db.query(sql, arguments: arguments).map {
            LineageRecord(childFileID: $0[0].string ?? "", parentKind: $0[1].string ?? "", parentID: $0[2].string ?? "",
                          relation: $0[3].string ?? "", createdAt: $0[4].string ?? "")
        }
    }
}

extension Catalog {
    /// The active file at a lake key, if any.
    public func activeFile(path: String) throws -> FileRecord? {
        try db.query("SELECT \(Catalog.fileColumns) FROM files WHERE path = ? AND status = 'active'", path).first
            .map(Catalog.file(from:))
    }
}

extension Catalog {
    /// Adds `AND dt = … [AND hour = …]` for a partition selector (nil adds nothing).
    static func restrict(_ sql: inout String, _ arguments: inout [any SQLBindable], to selector: PartitionSelector?) {
        switch selector {
        case .hour(let key)?:
            sql += " AND dt = ? AND hour = ?"
            arguments += [key.dateString, key.hour]
        case .day(let y, let m, let d)?:
            sql += " AND dt = ?"
            arguments.append("\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))")
        case nil: break
        }
    }
}
