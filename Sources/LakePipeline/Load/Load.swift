import Foundation
public import LakeCatalog
public import LakeCore
import LakeCompression
import LakeFormat
import LakeStorage
public import LakeWarehouse

/// What `load` and `reload` are asked to do.
public struct LoadOptions: Sendable {
    /// `postgres://user[:password]@host:port/db` or `redshift://...`; the password never leaves libpq.
    public var warehouse: String
    /// The warehouse schema the tables live in.
    public var schema = "public"
    public var table: String?
    public var selector: PartitionSelector?
    /// Only partitions at or after this hour.
    public var since: PartitionKey?
    /// Print the SQL instead of running it; no connection is made.
    public var dryRun = false
    /// Replace the selected partitions even when the warehouse holds their data version.
    public var reload = false
    /// Redshift: where COPY finds the lake in S3, and how it authenticates.
    public var redshift: RedshiftCopySource?

    public init(warehouse: String) { self.warehouse = warehouse }
}

/// One (table, partition) as `load` handled it.
public struct PartitionLoad: Sendable, Codable {
    public var table: String
    public var partition: String
    public var dataVersion: Int
    public var status: String
    public var rows: Int
    public var files: Int
    public var seconds: Double
    /// `reload` only: the warehouse's rows of the partition before and after.
    public var rowsBefore: Int?
    public var rowsAfter: Int?
    public var loadID: String?
    public var error: String?
}

/// What `load` did.
public struct LoadReport: Sendable, Codable {
    public var warehouse: String
    public var schema: String
    public var dryRun: Bool
    public var partitions: [PartitionLoad] = []
    /// Partitions skipped because the warehouse already holds their data version.
    public var upToDate = 0
    public var rows = 0
    public var seconds = 0.0
    public var rowsPerSecond = 0.0
    public var failed = 0
    /// `--dry-run`: the statements, in order.
    public var sql: [String] = []
}

extension Lake {
    /// The warehouse form of a spec table.
    public func warehouseTable(_ name: String) throws -> WarehouseTable {
        guard let table = spec.table(named: name) else {
            throw LakeError(.usage, "no table '\(name)' in the pipeline spec",
                            remedy: "tables: " + spec.tables.map(\.name).joined(separator: ", "))
        }
        let schema = try self.schema(of: name)
        for column in schema.columns where WarehouseTable.partitionColumns.contains(column.name) {
            throw LakeError(.badSpec, "table '\(name)' has a column '\(column.name)', a name the warehouse uses for "
                            + "the partition", remedy: "rename the column in the pipeline spec")
        }
        return WarehouseTable(schema: schema, kind: table.kind == .fact ? .fact : .dimension, key: table.key,
                              sortBy: table.sortBy)
    }

    /// The (table, partition)s a load would handle, oldest first: those whose data version the warehouse schema
    /// does not hold yet (all selected ones for a reload).
    /// - Throws: `LakeError(.usage)` for an unknown table, or a reload of a partition the lake does not have.
    public func pendingLoads(_ options: LoadOptions) throws -> [PartitionRecord] {
        let url = try WarehouseURL(options.warehouse)
        if let table = options.table { _ = try warehouseTable(table) }
        var partitions = try catalog.partitions(table: options.table, selector: options.selector)
            .filter { p in spec.table(named: p.table) != nil && options.since.map { p.partition >= $0 } ?? true }
        if options.reload {
            guard !partitions.isEmpty else {
                throw LakeError(.usage, "the lake has no partition \(options.selector?.description ?? "")"
                                + (options.table.map { " of table \($0)" } ?? ""),
                                remedy: "list partitions with `batchlake catalog partitions`")
            }
        } else {
            let loaded = try catalog.loadedVersions(warehouse: url.identity, schema: options.schema)
            partitions = partitions.filter { loaded["\($0.table)/\($0.partition.path)"] != $0.dataVersion }
        }
        let order = Dictionary(uniqueKeysWithValues: spec.tables.enumerated().map { ($1.name, $0) })
        return partitions.sorted { ($0.partition, order[$0.table] ?? 0) < ($1.partition, order[$1.table] ?? 0) }
    }

    /// Loads every pending (table, partition) into the warehouse, each in one transaction, recording each load in
    /// the catalog; with `reload`, replaces the selected partitions whatever the warehouse holds.
    /// - Parameter progress: called after each partition.
    /// - Throws: `LakeError(.serviceUnavailable)` when the warehouse cannot be reached (every pending partition is
    ///   recorded as failed); `LakeError(.badInput)` after the other partitions ran when a partition failed its
    ///   pre-flight or the server refused a row.
    public func load(_ options: LoadOptions, progress: (PartitionLoad) -> Void = { _ in }) throws -> LoadReport {
        let url = try WarehouseURL(options.warehouse)
        let sql = WarehouseSQL(dialect: url.dialect, schemaName: options.schema)
        var report = LoadReport(warehouse: url.identity, schema: options.schema, dryRun: options.dryRun)
        let pending = try pendingLoads(options)
        if !options.reload {
            let all = try catalog.partitions(table: options.table, selector: options.selector)
                .filter { p in spec.table(named: p.table) != nil && options.since.map { p.partition >= $0 } ?? true }
            report.upToDate = all.count - pending.count
        }
        let tableNames = options.table.map { [$0] } ?? spec.tables.map(\.name)
        let tables = try tableNames.map(warehouseTable)
        if url.dialect == .redshift && options.redshift == nil {
            throw LakeError(.badSpec, "a Redshift load needs the lake's S3 location and credentials",
                            remedy: "pass --s3-lake s3://bucket/prefix and --iam-role arn:aws:iam::…:role/… "
                                + "(see README, Loading Redshift)")
        }
        if options.dryRun {
            report.sql = dryRunSQL(tables: tables, pending: pending, sql: sql, options: options)
            report.partitions = pending.map {
                PartitionLoad(table: $0.table, partition: $0.partition.path, dataVersion: $0.dataVersion,
                              status: "planned", rows: $0.rows, files: $0.files, seconds: 0)
            }
            return report
        }
        let started = Date()
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(url)
        } catch let error as LakeError {
            try recordNotLoaded(pending, error: error.message, url: url, options: options)
            throw error
        }
        do {
            try ensureTables(tables, sql: sql, connection: connection)
        } catch let error as LakeError where error.code == .serviceUnavailable {
            try recordNotLoaded(pending, error: error.description, url: url, options: options)
            throw error
        }
        var failures: [String] = []
        for (index, p) in pending.enumerated() {
            let table = tables.first { $0.name == p.table }!
            let result: PartitionLoad
            do {
                result = try loadPartition(p, table: table, sql: sql, connection: connection, url: url,
                                           options: options)
            } catch let error as LakeError where error.code == .serviceUnavailable {
                // The server went away mid-load (the partition in hand is recorded failed): the partitions not
                // tried yet are recorded failed too, as when it cannot be reached at all, and a rerun loads them.
                try recordNotLoaded(pending[(index + 1)...], error: "not tried: " + error.description, url: url,
                                    options: options)
                throw error
            }
            report.partitions.append(result)
            report.rows += result.rows
            if let error = result.error {
                report.failed += 1
                failures.append("\(p.table) \(p.partition.path): \(error)")
            }
            progress(result)
        }
        report.seconds = Date().timeIntervalSince(started)
        report.rowsPerSecond = report.seconds > 0 ? Double(report.rows) / report.seconds : 0
        if !failures.isEmpty {
            throw LakeLoadFailure(report: report, error: LakeError(
                .badInput, "\(failures.count) of \(pending.count) partitions did not load:\n  "
                    + failures.joined(separator: "\n  "),
                remedy: "fix the named rows (or the spec) and rerun; loaded partitions are kept"))
        }
        return report
    }

    /// Records partitions that no load reached as failed with `error`.
    private func recordNotLoaded(_ partitions: some Sequence<PartitionRecord>, error: String, url: WarehouseURL,
                                 options: LoadOptions) throws {
        for p in partitions {
            var record = newLoadRecord(p, url: url, options: options)
            record.status = .failed
            record.endedAt = Catalog.now()
            record.error = error
            try catalog.insertLoad(record)
        }
    }

    private func newLoadRecord(_ p: PartitionRecord, url: WarehouseURL, options: LoadOptions) -> LoadRecord {
        LoadRecord(loadID: UUID().uuidString.lowercased(), warehouse: url.identity, schema: options.schema,
                   table: p.table, partition: p.partition, dataVersion: p.dataVersion,
                   kind: options.reload ? "reload" : "load", files: [], status: .running, startedAt: Catalog.now())
    }

    func dryRunSQL(tables: [WarehouseTable], pending: [PartitionRecord], sql: WarehouseSQL,
                   options: LoadOptions) -> [String] {
        var out = [sql.createSchema()]
        for table in tables { out += sql.createTable(table) }
        for p in pending {
            guard let table = tables.first(where: { $0.name == p.table }) else { continue }
            out += partitionStatements(table, partition: p.partition, sql: sql, options: options, redacted: true)
        }
        return out
    }

    /// The statements of one partition's transaction, COPY included (STDIN for PostgreSQL, once per file).
    func partitionStatements(_ table: WarehouseTable, partition: PartitionKey, sql: WarehouseSQL,
                             options: LoadOptions, redacted: Bool) -> [String] {
        var out = ["BEGIN", sql.createStage(table)]
        switch sql.dialect {
        case .postgres:
            out.append(sql.copyFromStdin(table))
        case .redshift:
            out.append(sql.copyFromManifest(table, partition: partition, source: options.redshift!, redacted: redacted))
            out.append(WarehouseSQL.lastCopyQuery)
        }
        out += sql.replacePartition(table, partition: partition)
        out += [sql.dropStage(table), "COMMIT"]
        return out
    }

    /// Creates the schema and missing tables; adds columns the spec gained.
    func ensureTables(_ tables: [WarehouseTable], sql: WarehouseSQL, connection: PostgresConnection) throws {
        do {
            let schemaExists = try connection.query(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = \(WarehouseSQL.literal(sql.schemaName))")
            if schemaExists.isEmpty { try connection.execute(sql.createSchema()) }
            for table in tables {
                let existing = Set(try connection.query(sql.columnsQuery(table.name)).compactMap { $0[0] })
                if existing.isEmpty {
                    for statement in sql.createTable(table) { try connection.execute(statement) }
                    continue
                }
                for column in table.schema.columns where !existing.contains(column.name) {
                    try connection.execute(sql.addColumn(column, to: table.name))
                }
            }
        } catch let error as PostgresError {
            throw Lake.warehouseError(error, doing: "creating the warehouse tables in schema \(sql.schemaName)")
        }
    }

    static func warehouseError(_ error: PostgresError, doing what: String) -> LakeError {
        if error.isConnectionFailure {
            return LakeError(.serviceUnavailable, "lost the warehouse while \(what): \(error.message)",
                             remedy: "start the server (or wait until it is back), then rerun the command: "
                                 + "partitions already loaded are kept, one cut off mid-load is replaced whole")
        }
        return LakeError(.badSpec, "the warehouse refused \(what): \(error)",
                         remedy: "check the user's privileges on the schema")
    }

    /// Loads one (table, partition) in one transaction and records it.
    func loadPartition(_ p: PartitionRecord, table: WarehouseTable, sql: WarehouseSQL,
                       connection: PostgresConnection, url: WarehouseURL, options: LoadOptions) throws -> PartitionLoad {
        let started = Date()
        var record = newLoadRecord(p, url: url, options: options)
        var result = PartitionLoad(table: p.table, partition: p.partition.path, dataVersion: p.dataVersion,
                                   status: "running", rows: 0, files: 0, seconds: 0, loadID: record.loadID)
        let scratch = TemporaryFolder(parent: layout.absolute("_tmp"))
        defer { scratch.remove() }
        do {
            let sources = try csvSources(table: p.table, partition: p.partition, scratch: scratch)
            record.files = sources.map(\.record)
            result.files = sources.count
            try catalog.insertLoad(record)
            // Pre-flight: every file, before the transaction.
            for source in sources {
                var check = CSVPreflight(columns: table.schema.columns, file: source.record.path, dialect: sql.dialect)
                try Lake.inflate(path: source.path) { try check.feed($0) }
                try check.finish()
                guard check.rows == source.record.rows else {
                    throw LakeError(.corruptFile, "\(source.record.path) holds \(check.rows) rows, the catalog says "
                                    + "\(source.record.rows)", remedy: "run `batchlake verify`")
                }
            }
            if options.reload { result.rowsBefore = try count(table, p.partition, sql, connection) }
            let expected = sources.reduce(0) { $0 + $1.record.rows }
            try connection.execute("BEGIN")
            do {
                try connection.execute(sql.createStage(table))
                var staged = 0
                switch sql.dialect {
                case .postgres:
                    for source in sources {
                        Failpoint.hit("copy")
                        do {
                            staged += try connection.copyIn(sql.copyFromStdin(table)) { send in
                                try Lake.inflate(path: source.path, sink: send)
                            }
                        } catch let error as PostgresError where !error.isConnectionFailure {
                            throw LakeError(.badInput, "the warehouse refused a row of \(table.name) "
                                            + "\(p.partition.path): \(error.message)"
                                            + (error.detail.map { " (\($0))" } ?? ""),
                                            remedy: "fix the row or the spec; the partition was rolled back",
                                            location: InputLocation(file: source.record.path, line: error.copyLine,
                                                                    field: error.copyColumn))
                        }
                    }
                case .redshift:
                    try connection.execute(sql.copyFromManifest(table, partition: p.partition,
                                                                source: options.redshift!, redacted: false))
                    let last = try connection.query(WarehouseSQL.lastCopyQuery)
                    record.queryID = last.first?[0].flatMap { Int($0) }
                    record.copyCount = last.first?[1].flatMap { Int($0) }
                    staged = record.copyCount ?? 0
                }
                guard staged == expected else {
                    throw LakeError(.corruptFile, "the warehouse staged \(staged) rows of \(table.name) "
                                    + "\(p.partition.path), the lake holds \(expected)",
                                    remedy: "run `batchlake verify`; the partition was rolled back")
                }
                for statement in sql.replacePartition(table, partition: p.partition) {
                    try connection.execute(statement)
                }
                try connection.execute(sql.dropStage(table))
                Failpoint.hit("warehouse-commit")
                try connection.execute("COMMIT")
                // Killed here, the warehouse holds the partition and the catalog does not know: the next load
                // replaces it whole, so the rows stay exact.
                Failpoint.hit("warehouse-committed")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                if sql.dialect == .redshift, let rows = try? connection.query(WarehouseSQL.loadErrorsQuery),
                   let first = rows.first {
                    throw LakeError(.badInput, "Redshift refused \(table.name) \(p.partition.path): "
                                    + "\(first[4] ?? "") (code \(first[3] ?? ""))",
                                    remedy: "fix the row; the partition was rolled back",
                                    location: InputLocation(file: first[0], line: first[1].flatMap { Int($0) },
                                                            field: first[2]))
                }
                throw error
            }
            if options.reload { result.rowsAfter = try count(table, p.partition, sql, connection) }
            record.status = .loaded
            record.rows = expected
            result.rows = expected
            result.status = "loaded"
        } catch let error as PostgresError {
            let lakeError = Lake.warehouseError(error, doing: "loading \(table.name) \(p.partition.path)")
            try fail(&record, &result, lakeError, started: started)
            if lakeError.code == .serviceUnavailable { throw lakeError }
        } catch let error as LakeError {
            try fail(&record, &result, error, started: started)
            if error.code == .serviceUnavailable || error.code == .temporary || error.code == .io { throw error }
        }
        record.endedAt = Catalog.now()
        record.seconds = Date().timeIntervalSince(started)
        result.seconds = record.seconds ?? 0
        if record.status != .failed { try catalog.finishLoad(record) }
        return result
    }

    private func fail(_ record: inout LoadRecord, _ result: inout PartitionLoad, _ error: LakeError,
                      started: Date) throws {
        record.status = .failed
        record.error = error.description
        record.endedAt = Catalog.now()
        record.seconds = Date().timeIntervalSince(started)
        result.status = "failed"
        result.error = error.description
        if try catalog.loads(warehouse: record.warehouse, table: record.table, selector: .hour(record.partition))
            .contains(where: { $0.loadID == record.loadID }) {
            try catalog.finishLoad(record)
        } else {
            try catalog.insertLoad(record)
        }
    }

    private func count(_ table: WarehouseTable, _ partition: PartitionKey, _ sql: WarehouseSQL,
                       _ connection: PostgresConnection) throws -> Int {
        Int(try connection.query(sql.countPartition(table, partition: partition)).first?[0] ?? "0") ?? 0
    }

    /// Streams a gzip file (concatenated members too) in inflated chunks.
    static func inflate(path: String, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LakeError(.io, "cannot open \(path)", remedy: "run `batchlake verify`")
        }
        defer { try? handle.close() }
        let inflater = try Inflater(format: .gzip)
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < raw.count {
                    if inflater.isFinished { try inflater.reset() }
                    offset += try inflater.inflate(UnsafeRawBufferPointer(rebasing: raw[offset...]), sink: sink)
                }
            }
        }
        guard inflater.isFinished else {
            throw LakeError(.corruptFile, "\(path) ends inside its gzip stream", remedy: "run `batchlake verify`")
        }
    }
}

/// A failed `load` with what it did before failing, so the CLI can print both.
public struct LakeLoadFailure: Error, Sendable {
    public var report: LoadReport
    public var error: LakeError
}

/// A folder for CSV regenerated from columnar files, removed after the partition.
final class TemporaryFolder {
    let path: String
    private var made = false

    init(parent: String) { path = parent + "/load-" + UUID().uuidString.prefix(8).lowercased() }

    func file(_ name: String) throws -> String {
        if !made {
            try LakeFileSystem.makeDirectories(path)
            made = true
        }
        return path + "/" + name
    }

    func remove() { if made { try? LakeFileSystem.removeTree(path) } }
}
