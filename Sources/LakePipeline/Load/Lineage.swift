import Foundation
import LakeCatalog
public import LakeCore
import LakeStorage

/// What `batchlake lineage` traces: a batch (its input file name, path or batch id), a partition, or a listing.
public enum LineageSubject: Sendable, Equatable {
    case batch(String)
    case partition(PartitionSelector)
    case listing(String)

    public var kind: String {
        switch self {
        case .batch: return "batch"
        case .partition: return "partition"
        case .listing: return "listing"
        }
    }
}

/// One hop of a trace with its row counts: `match` (equal), `explained` (they differ for a reason the catalog
/// records, given in `note`), `pending` (the warehouse holds an older data version), `mismatch` (unexplained).
public struct LineageCheck: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable { case match, explained, pending, mismatch }
    public var hop: String
    public var state: State
    public var rowsIn: Int?
    public var rowsOut: Int?
    public var note: String
}

/// A lake file on the way, with where its rows went when it is no longer active.
public struct LineageFile: Sendable, Codable, Equatable {
    public var path: String
    public var format: String
    public var rows: Int
    public var bytes: Int64
    public var sha256: String
    public var status: String
    /// The batch that wrote it (ingest), or the compaction run (compaction output).
    public var batchID: String?
    public var compactionID: String?
    /// Active files now holding this file's rows (after one or more compactions); empty while it is active.
    public var compactedInto: [String] = []
    /// CSV.gz only: whether the partition's manifest lists it (or, when retired, its successor).
    public var inManifest: Bool?
}

/// A partition's manifest on disk against the catalog's active CSV files.
public struct LineageManifest: Sendable, Codable, Equatable {
    public var path: String
    public var entries: Int
    public var activeCSVFiles: Int
    /// Active CSV files the manifest does not list, and entries that are not active CSV files.
    public var missing: [String]
    public var extra: [String]
}

/// One warehouse load of a (table, partition).
public struct LineageLoad: Sendable, Codable, Equatable {
    public var loadID: String
    public var warehouse: String
    public var schema: String
    public var kind: String
    public var status: String
    public var rows: Int?
    public var dataVersion: Int
    /// Whether the partition's data version is still the one loaded.
    public var current: Bool
    /// Batch traces: whether the load read this batch's rows (its file, or a compaction output holding them).
    public var carriesSubject: Bool?
    public var startedAt: String
    public var error: String?
}

/// A (table, partition) on the way: catalog totals, the files of the subject, the manifest and the loads.
public struct LineageTable: Sendable, Codable, Equatable {
    public var table: String
    public var partition: String
    public var dataVersion: Int
    public var partitionRows: Int
    public var partitionFiles: Int
    /// Rows the subject brought into this table (batch: its ingest files; partition: all active rows;
    /// listing: versions found by the scan).
    public var rows: Int
    public var files: [LineageFile]
    public var manifest: LineageManifest?
    public var loads: [LineageLoad]
}

/// A batch with its line counts and the raw object it left.
public struct LineageBatch: Sendable, Codable, Equatable {
    public var batchID: String
    public var fileName: String
    public var inputURI: String
    public var sha256: String
    public var bytes: Int64
    public var partition: String
    public var hourRule: String
    public var status: String
    public var supersedes: String?
    public var supersededBy: String?
    public var records: Int
    public var good: Int
    public var bad: Int
    public var duplicates: Int
    public var knownVersions: Int
    public var blankLines: Int
    public var committedAt: String?
    public var error: String?
    public var raw: [LineageFile]
    public var quarantine: [LineageFile]
}

/// One stored version of a listing and where it lives.
public struct LineageVersion: Sendable, Codable, Equatable {
    public var listingID: String
    public var modifiedAt: String
    public var batchID: String
    public var fileName: String?
    public var partition: String?
    /// The active flats files that may hold it (the batch's file, or the compaction output that took it in).
    public var files: [String]
    /// Whether a scan of that partition with `listing_id = …` returned this version.
    public var found: Bool
}

/// What `batchlake lineage` prints.
public struct LineageReport: Sendable, Codable {
    public var kind: String
    public var subject: String
    public var batches: [LineageBatch] = []
    public var tables: [LineageTable] = []
    public var versions: [LineageVersion] = []
    public var checks: [LineageCheck] = []

    /// No hop has an unexplained difference.
    public var consistent: Bool { !checks.contains { $0.state == .mismatch } }
}

extension Lake {
    /// Decides what an argument of `lineage` names: a partition (`dt=…`), a batch (input file name or path, or
    /// batch id), else a listing id the catalog knows.
    /// - Throws: `LakeError(.usage)` when the lake knows no such thing.
    public func lineageSubject(_ argument: String) throws -> LineageSubject {
        if let selector = PartitionSelector.parse(argument) { return .partition(selector) }
        if try !batchIDs(matching: argument).isEmpty { return .batch(argument) }
        if try !catalog.db.query("SELECT 1 FROM listing_versions WHERE listing_id = ? LIMIT 1", argument).isEmpty {
            return .listing(argument)
        }
        throw LakeError(.usage, "the lake knows no batch file, partition or listing '\(argument)'",
                        remedy: "give an input file name (`batchlake catalog batches`), a partition dt=YYYY-MM-DD/"
                            + "hour=HH (`batchlake catalog partitions`) or a listing id")
    }

    private func batchIDs(matching argument: String) throws -> [String] {
        let name = (argument as NSString).lastPathComponent
        return try catalog.db.query("""
            SELECT batch_id FROM batches WHERE batch_id = ? OR file_name = ? OR input_uri = ?
            ORDER BY started_at, batch_id
            """, argument, name, argument).compactMap { $0[0].string }
    }

    /// Traces a subject from input file to warehouse loads, reconciling row counts at each hop.
    /// - Parameter table: only this table's hops.
    public func lineage(_ subject: LineageSubject, table: String? = nil) throws -> LineageReport {
        if let table { _ = try self.schema(of: table) }
        let graph = try LineageGraph(catalog: catalog)
        switch subject {
        case .batch(let argument):
            var report = LineageReport(kind: "batch", subject: argument)
            for id in try batchIDs(matching: argument) {
                guard let batch = try catalog.batch(id: id) else { continue }
                try traceBatch(batch, table: table, graph: graph, into: &report)
            }
            guard !report.batches.isEmpty else {
                throw LakeError(.usage, "no batch from an input named '\(argument)'",
                                remedy: "list batches with `batchlake catalog batches`")
            }
            return report
        case .partition(let selector):
            var report = LineageReport(kind: "partition", subject: selector.description)
            try tracePartitions(selector, table: table, graph: graph, into: &report)
            return report
        case .listing(let id):
            var report = LineageReport(kind: "listing", subject: id)
            try traceListing(id, table: table, graph: graph, into: &report)
            return report
        }
    }

    /// A batch as lineage shows it: its counts and its raw and quarantine files.
    private func lineageBatch(_ batch: BatchRecord, files: [FileRecord], graph: LineageGraph) -> LineageBatch {
        let c = batch.counts
        return LineageBatch(
            batchID: batch.batchID, fileName: batch.fileName, inputURI: batch.inputURI, sha256: batch.sha256,
            bytes: batch.bytes, partition: batch.partition.path, hourRule: batch.hourRule.rawValue,
            status: batch.status.rawValue, supersedes: batch.supersedes, supersededBy: batch.supersededBy,
            records: c.records, good: c.good, bad: c.bad, duplicates: c.duplicates, knownVersions: c.knownVersions,
            blankLines: c.blankLines, committedAt: batch.committedAt, error: batch.error,
            raw: files.filter { $0.format == .raw }.map { graph.describe($0) },
            quarantine: files.filter { $0.format == .quarantine }.map { graph.describe($0) })
    }

    // MARK: Batch

    private func traceBatch(_ batch: BatchRecord, table only: String?, graph: LineageGraph,
                            into report: inout LineageReport) throws {
        let files = try catalog.files(batchID: batch.batchID)
        report.batches.append(lineageBatch(batch, files: files, graph: graph))
        let c = batch.counts
        let label = "batch \(batch.fileName) (\(batch.batchID))"
        if batch.status == .failed {
            report.checks.append(LineageCheck(hop: "input -> batch", state: .explained, rowsIn: nil, rowsOut: 0,
                                              note: "\(label) was refused as a whole: \(batch.error ?? "")"))
            return
        }
        if batch.status == .pending {
            report.checks.append(LineageCheck(hop: "input -> batch", state: .pending, rowsIn: nil, rowsOut: nil,
                                              note: "\(label) is still being ingested"))
            return
        }
        // Input lines -> good + bad.
        report.checks.append(LineageCheck(
            hop: "input -> lines", state: c.records == c.good + c.bad ? (c.bad == 0 ? .match : .explained) : .mismatch,
            rowsIn: c.records, rowsOut: c.good,
            note: "\(label): \(c.records) lines read (\(c.blankLines) blank skipped): \(c.good) good, \(c.bad) bad"
                + (c.bad > 0 ? " (quarantined)" : "")))
        let quarantined = files.filter { $0.format == .quarantine }.reduce(0) { $0 + $1.rows }
        if c.bad > 0 || quarantined > 0 {
            report.checks.append(LineageCheck(
                hop: "bad lines -> quarantine", state: quarantined == c.bad ? .match : .mismatch, rowsIn: c.bad,
                rowsOut: quarantined, note: "\(quarantined) lines in the quarantine file, the batch counted \(c.bad)"))
        }
        let raw = files.filter { $0.format == .raw }
        report.checks.append(LineageCheck(
            hop: "input -> raw object", state: raw.contains { $0.sha256 == batch.sha256 } ? .match : .mismatch,
            rowsIn: nil, rowsOut: nil,
            note: raw.isEmpty ? "no raw object recorded" : raw.map { "\($0.path) (\($0.status.rawValue))" }
                .joined(separator: ", ") + (raw.contains { $0.sha256 == batch.sha256 } ? ", same sha256 as the input"
                                               : ", sha256 differs from the input")))

        // Good lines -> fact rows.
        let fact = spec.tables.first { $0.kind == .fact }?.name
        let tables = Dictionary(grouping: files.filter { $0.format == .columnar || $0.format == .csvGzip }, by: \.table)
        if let fact {
            let rows = tables[fact]?.filter { $0.format == .columnar }.reduce(0) { $0 + $1.rows } ?? 0
            let expected = c.good - c.duplicates - c.knownVersions
            var why: [String] = []
            if c.duplicates > 0 { why.append("\(c.duplicates) duplicates within the batch") }
            if c.knownVersions > 0 { why.append("\(c.knownVersions) versions already in the lake from earlier batches") }
            report.checks.append(LineageCheck(
                hop: "lines -> \(fact)", state: rows == expected ? (why.isEmpty ? .match : .explained) : .mismatch,
                rowsIn: c.good, rowsOut: rows,
                note: "\(c.good) good lines -> \(rows) \(fact) rows"
                    + (why.isEmpty ? "" : " (" + why.joined(separator: ", ") + " not stored again)")
                    + (rows == expected ? "" : "; expected \(expected)")))
        }
        for name in spec.tables.map(\.name) where only == nil || only == name {
            guard let tableFiles = tables[name], !tableFiles.isEmpty else { continue }
            let columnar = tableFiles.filter { $0.format == .columnar }.reduce(0) { $0 + $1.rows }
            let csv = tableFiles.filter { $0.format == .csvGzip }.reduce(0) { $0 + $1.rows }
            if name != fact {
                report.checks.append(LineageCheck(
                    hop: "lines -> \(name)", state: .explained, rowsIn: c.good, rowsOut: columnar,
                    note: "\(columnar) \(name) rows: the keys this batch saw first or changed"))
            }
            report.checks.append(LineageCheck(
                hop: "\(name) columnar -> csv.gz", state: columnar == csv ? .match : .mismatch, rowsIn: columnar,
                rowsOut: csv, note: "\(columnar) rows in .bcol, \(csv) in .csv.gz"))
            try traceTable(name, partition: batch.partition, files: tableFiles, rows: columnar, graph: graph,
                           subjectLabel: label, into: &report)
        }
        if batch.status == .superseded {
            report.checks.append(LineageCheck(
                hop: "batch -> clean", state: .explained, rowsIn: nil, rowsOut: 0,
                note: "\(label) was superseded by batch \(batch.supersededBy ?? "?") (a newer content of the same file "
                    + "name): its clean files were retired and its rows are no longer in the lake"))
        }
    }

    /// The files, manifest and loads of one (table, partition) for a subject's files; appends checks.
    private func traceTable(_ name: String, partition: PartitionKey, files: [FileRecord], rows: Int,
                            graph: LineageGraph, subjectLabel: String, into report: inout LineageReport) throws {
        let record = try catalog.partitions(table: name, selector: .hour(partition)).first
        let manifest = try readManifest(table: name, partition: partition)
        var described: [LineageFile] = []
        var reachable = Set<String>()  // active paths holding the subject's rows
        for file in files {
            var d = graph.describe(file)
            let successors = file.status == .active ? [file] : graph.activeSuccessors(of: file)
            d.compactedInto = file.status == .active ? [] : successors.map(\.path)
            for s in successors { reachable.insert(s.path) }
            if file.format == .csvGzip, let manifest {
                d.inManifest = !successors.isEmpty && successors.allSatisfy { !manifest.missing.contains($0.path) }
            }
            described.append(d)
            // Compaction hop: how the rows moved.
            if file.status != .active, file.format == .columnar, !successors.isEmpty {
                for run in Set(successors.compactMap(\.compactionID)).sorted() {
                    let outputs = successors.filter { $0.compactionID == run }
                    let inputs = graph.inputs(of: outputs).filter { $0.format == .columnar }
                    let rowsIn = inputs.reduce(0) { $0 + $1.rows }
                    let rowsOut = outputs.reduce(0) { $0 + $1.rows }
                    let kind = spec.table(named: name)?.kind
                    report.checks.append(LineageCheck(
                        hop: "\(name) compaction \(run)", state: rowsIn == rowsOut ? .match : .explained,
                        rowsIn: rowsIn, rowsOut: rowsOut,
                        note: "\(file.path) was merged with \(inputs.count - 1) other files into "
                            + outputs.map(\.path).joined(separator: ", ")
                            + (rowsIn == rowsOut ? "" : kind == .dimension
                                ? " (\(rowsIn - rowsOut) older rows of keys changed within the hour dropped; no data change)"
                                : " (\(rowsIn - rowsOut) exact duplicate rows dropped; no data change)")))
                }
            }
        }
        let loads = try catalog.loads(table: name, selector: .hour(partition))
        let currentVersion = record?.dataVersion ?? 0
        var lineageLoads: [LineageLoad] = []
        for load in loads {
            let carries = load.files.contains { reachable.contains($0.path) }
                || files.contains { f in load.files.contains { $0.path == f.path } }
            lineageLoads.append(LineageLoad(
                loadID: load.loadID, warehouse: load.warehouse, schema: load.schema, kind: load.kind,
                status: load.status.rawValue, rows: load.rows, dataVersion: load.dataVersion,
                current: load.dataVersion == currentVersion, carriesSubject: carries, startedAt: load.startedAt,
                error: load.error))
        }
        report.tables.append(LineageTable(
            table: name, partition: partition.path, dataVersion: currentVersion, partitionRows: record?.rows ?? 0,
            partitionFiles: record?.files ?? 0, rows: rows, files: described, manifest: manifest, loads: lineageLoads))
        try checkManifest(manifest, table: name, partition: partition, into: &report)
        checkLoads(lineageLoads, table: name, partition: partition, partitionRows: record?.rows ?? 0,
                   currentVersion: currentVersion, compactedSince: { started in
                       files.contains { graph.activeSuccessors(of: $0).contains { ($0.createdAt) > started } }
                           || graph.activeFiles(table: name, partition: partition)
                               .contains { $0.compactionID != nil && $0.createdAt > started }
                   }, into: &report)
    }

    private func readManifest(table: String, partition: PartitionKey) throws -> LineageManifest? {
        let key = layout.manifestKey(table: table, partition: partition)
        let active = try catalog.files(table: table, selector: .hour(partition), format: .csvGzip).map(\.path)
        guard let bytes = try store.read(key, limit: 64 << 20) else {
            return active.isEmpty ? nil : LineageManifest(path: key, entries: 0, activeCSVFiles: active.count,
                                                          missing: active, extra: [])
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
        let entries = (object?["entries"] as? [[String: Any]] ?? []).compactMap { $0["url"] as? String }
        let prefix = layout.url + "/"
        let paths = entries.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
        return LineageManifest(path: key, entries: paths.count, activeCSVFiles: active.count,
                               missing: active.filter { !paths.contains($0) },
                               extra: paths.filter { !active.contains($0) })
    }

    private func checkManifest(_ manifest: LineageManifest?, table: String, partition: PartitionKey,
                               into report: inout LineageReport) throws {
        guard let manifest else { return }
        let ok = manifest.missing.isEmpty && manifest.extra.isEmpty
        report.checks.append(LineageCheck(
            hop: "\(table) \(partition.path) csv.gz -> manifest", state: ok ? .match : .mismatch,
            rowsIn: manifest.activeCSVFiles, rowsOut: manifest.entries,
            note: "\(manifest.path) lists \(manifest.entries) files, the catalog has \(manifest.activeCSVFiles) active"
                + (manifest.missing.isEmpty ? "" : "; not listed: " + manifest.missing.joined(separator: ", "))
                + (manifest.extra.isEmpty ? "" : "; listed but not active: " + manifest.extra.joined(separator: ", "))))
    }

    private func checkLoads(_ loads: [LineageLoad], table: String, partition: PartitionKey, partitionRows: Int,
                            currentVersion: Int, compactedSince: (String) -> Bool, into report: inout LineageReport) {
        let hop = "\(table) \(partition.path) -> warehouse"
        guard !loads.isEmpty else {
            report.checks.append(LineageCheck(hop: hop, state: .pending, rowsIn: partitionRows, rowsOut: nil,
                                              note: "never loaded into a warehouse"))
            return
        }
        // The newest load of each warehouse schema.
        var seen = Set<String>()
        for load in loads where seen.insert("\(load.warehouse) \(load.schema)").inserted {
            let target = "\(load.warehouse) schema \(load.schema)"
            guard let newest = loads.first(where: { $0.warehouse == load.warehouse && $0.schema == load.schema
                                                && $0.status == LoadStatus.loaded.rawValue }) else {
                report.checks.append(LineageCheck(
                    hop: hop, state: .pending, rowsIn: partitionRows, rowsOut: nil,
                    note: "\(target): no load succeeded (last: \(load.status)"
                        + (load.error.map { ": " + String($0.split(separator: "\n").first ?? "") } ?? "") + ")"))
                continue
            }
            let rows = newest.rows ?? 0
            if newest.dataVersion != currentVersion {
                report.checks.append(LineageCheck(
                    hop: hop, state: .pending, rowsIn: partitionRows, rowsOut: rows,
                    note: "\(target) holds data version \(newest.dataVersion) (\(rows) rows); the lake is at version "
                        + "\(currentVersion) (\(partitionRows) rows) since a later ingest: `batchlake load` brings it"))
            } else if rows == partitionRows {
                report.checks.append(LineageCheck(
                    hop: hop, state: .match, rowsIn: partitionRows, rowsOut: rows,
                    note: "\(target): \(newest.kind) \(newest.loadID) of version \(currentVersion), \(rows) rows"))
            } else if compactedSince(newest.startedAt) {
                report.checks.append(LineageCheck(
                    hop: hop, state: .explained, rowsIn: partitionRows, rowsOut: rows,
                    note: "\(target) loaded \(rows) rows of version \(currentVersion); a compaction since merged the "
                        + "partition to \(partitionRows) rows (duplicates dropped, no data change)"))
            } else {
                report.checks.append(LineageCheck(
                    hop: hop, state: .mismatch, rowsIn: partitionRows, rowsOut: rows,
                    note: "\(target) loaded \(rows) rows of version \(currentVersion), the lake holds \(partitionRows)"))
            }
        }
    }

    // MARK: Partition

    private func tracePartitions(_ selector: PartitionSelector, table only: String?, graph: LineageGraph,
                                 into report: inout LineageReport) throws {
        let partitions = try catalog.partitions(table: only, selector: selector)
        guard !partitions.isEmpty else {
            throw LakeError(.usage, "the lake has no partition \(selector)" + (only.map { " of table \($0)" } ?? ""),
                            remedy: "list partitions with `batchlake catalog partitions`")
        }
        // The batches of those hours, with their line counts.
        let hours = Set(partitions.map(\.partition))
        for batch in try catalog.batches() where hours.contains(batch.partition) && batch.status != .pending {
            report.batches.append(lineageBatch(batch, files: try catalog.files(batchID: batch.batchID), graph: graph))
        }
        let fact = spec.tables.first { $0.kind == .fact }?.name
        for p in partitions.sorted(by: { ($0.partition, $0.table) < ($1.partition, $1.table) }) {
            let active = graph.activeFiles(table: p.table, partition: p.partition)
            let columnar = active.filter { $0.format == .columnar }.reduce(0) { $0 + $1.rows }
            let csv = active.filter { $0.format == .csvGzip }.reduce(0) { $0 + $1.rows }
            // Where the partition's rows came from: live batches of the hour (fact rows).
            if p.table == fact {
                let live = report.batches.filter { $0.partition == p.partition.path
                    && ($0.status == BatchStatus.published.rawValue || $0.status == BatchStatus.committed.rawValue) }
                let stored = live.reduce(0) { $0 + $1.good - $1.duplicates - $1.knownVersions }
                let dropped = graph.compactionDrops(table: p.table, partition: p.partition)
                let state: LineageCheck.State = stored - dropped == columnar ? (stored == columnar ? .match : .explained)
                    : .mismatch
                report.checks.append(LineageCheck(
                    hop: "batches -> \(p.table) \(p.partition.path)", state: state, rowsIn: stored, rowsOut: columnar,
                    note: "\(live.count) live batches stored \(stored) new versions; the partition holds \(columnar)"
                        + (dropped > 0 ? " (compaction dropped \(dropped) exact duplicate rows)" : "")))
            }
            report.checks.append(LineageCheck(
                hop: "\(p.table) \(p.partition.path) files -> catalog", state: columnar == p.rows && csv == p.rows
                    ? .match : .mismatch, rowsIn: columnar, rowsOut: p.rows,
                note: "\(active.filter { $0.format == .columnar }.count) .bcol files hold \(columnar) rows, "
                    + "\(active.filter { $0.format == .csvGzip }.count) .csv.gz files \(csv); the catalog says \(p.rows)"))
            let label = "partition \(p.table) \(p.partition.path)"
            try traceTable(p.table, partition: p.partition, files: active.filter { $0.format != .manifest },
                           rows: p.rows, graph: graph, subjectLabel: label, into: &report)
        }
    }

    // MARK: Listing

    private func traceListing(_ id: String, table only: String?, graph: LineageGraph,
                              into report: inout LineageReport) throws {
        let rows = try catalog.db.query(
            "SELECT modified_at, batch_id FROM listing_versions WHERE listing_id = ? ORDER BY modified_at", id)
        guard !rows.isEmpty else {
            throw LakeError(.usage, "the lake holds no version of listing \(id)",
                            remedy: "check the id; `batchlake scan --table flats --where \"listing_id = \(id)\"`")
        }
        guard let fact = spec.tables.first(where: { $0.kind == .fact })?.name else { return }
        // What the lake's flats hold for the listing, partition by partition (the scan prunes by Bloom filter).
        var found: [PartitionKey: Set<Int64>] = [:]
        let schema = try self.schema(of: fact)
        let modifiedColumn = fact == "flats" ? "modified_at" : (spec.table(named: fact)?.key.last ?? "modified_at")
        var total = 0
        for p in try catalog.partitions(table: fact) {
            var request = ScanRequest(table: fact)
            request.selector = .hour(p.partition)
            request.columns = [schema.columns.first { $0.name == "listing_id" }?.name ?? "listing_id", modifiedColumn]
            request.predicates = [ScanPredicate(column: "listing_id", op: .equal, literal: id)]
            _ = try scan(request) { row in
                if case .timestamp(let t) = row[1] { found[p.partition, default: []].insert(t) }
                total += 1
                return true
            }
        }
        var batches: [String: BatchRecord] = [:]
        var byPartition: [PartitionKey: [FileRecord]] = [:]
        for row in rows {
            let modified = row[0].int ?? 0
            let batchID = row[1].string ?? ""
            if batches[batchID] == nil { batches[batchID] = try catalog.batch(id: batchID) }
            let batch = batches[batchID]
            let factFiles = try catalog.files(batchID: batchID).filter { $0.table == fact && $0.format != .raw }
            var holders: [FileRecord] = []
            for file in factFiles where file.format == .columnar {
                holders += file.status == .active ? [file] : graph.activeSuccessors(of: file)
            }
            if let key = batch?.partition { byPartition[key, default: []] += factFiles }
            let isFound = batch.map { found[$0.partition]?.contains(modified) ?? false } ?? false
            report.versions.append(LineageVersion(
                listingID: id, modifiedAt: ValueFormatter.text(.timestamp(modified)) ?? "\(modified)",
                batchID: batchID, fileName: batch?.fileName, partition: batch?.partition.path,
                files: holders.map(\.path), found: isFound))
        }
        let foundCount = found.values.reduce(0) { $0 + $1.count }
        report.checks.append(LineageCheck(
            hop: "catalog versions -> \(fact) rows", state: foundCount == rows.count && total == rows.count
                ? .match : .mismatch, rowsIn: rows.count, rowsOut: total,
            note: "the catalog records \(rows.count) versions of listing \(id); a scan with listing_id = \(id) "
                + "returns \(total) rows in \(found.count) partitions"
                + (report.versions.filter { !$0.found }.isEmpty ? ""
                   : "; not found: " + report.versions.filter { !$0.found }.map(\.modifiedAt).joined(separator: ", "))))
        // The address row, keyed by listing id, and the batches carrying the versions.
        for batch in batches.values.sorted(by: { $0.startedAt < $1.startedAt }) {
            report.batches.append(lineageBatch(batch, files: try catalog.files(batchID: batch.batchID), graph: graph))
        }
        for (partition, files) in byPartition.sorted(by: { $0.key < $1.key }) where only == nil || only == fact {
            let versions = found[partition]?.count ?? 0
            try traceTable(fact, partition: partition, files: files, rows: versions, graph: graph,
                           subjectLabel: "listing \(id)", into: &report)
        }
        if only == nil || only == "address",
           let owner = try catalog.dimensionState(table: "address", naturalKey: id) {
            report.checks.append(LineageCheck(
                hop: "listing -> address", state: .match, rowsIn: nil, rowsOut: 1,
                note: "its address row is the one batch \(owner.batchID) brought"))
        }
    }
}

/// The catalog's files and lineage edges in memory, to follow files through compactions.
struct LineageGraph {
    let files: [String: FileRecord]
    /// Parent file id -> child file ids (compaction edges).
    let children: [String: [String]]
    let parents: [String: [String]]

    init(catalog: Catalog) throws {
        let all = try catalog.allFiles()
        files = Dictionary(all.map { ($0.fileID, $0) }, uniquingKeysWith: { a, _ in a })
        var children: [String: [String]] = [:]
        var parents: [String: [String]] = [:]
        for edge in try catalog.lineage() where edge.parentKind == "file" {
            children[edge.parentID, default: []].append(edge.childFileID)
            parents[edge.childFileID, default: []].append(edge.parentID)
        }
        self.children = children
        self.parents = parents
    }

    /// The active files holding a retired file's rows, following compactions (empty when it was superseded).
    func activeSuccessors(of file: FileRecord) -> [FileRecord] {
        var result: [FileRecord] = []
        var queue = [file.fileID]
        var seen = Set(queue)
        while let id = queue.popLast() {
            for child in children[id] ?? [] where seen.insert(child).inserted {
                guard let record = files[child] else { continue }
                if record.status == .active { result.append(record) } else { queue.append(child) }
            }
        }
        return result.sorted { $0.path < $1.path }
    }

    /// The files a set of compaction outputs were made from.
    func inputs(of outputs: [FileRecord]) -> [FileRecord] {
        let ids = Set(outputs.flatMap { parents[$0.fileID] ?? [] })
        return ids.compactMap { files[$0] }.sorted { $0.path < $1.path }
    }

    func activeFiles(table: String, partition: PartitionKey) -> [FileRecord] {
        files.values.filter { $0.table == table && $0.partition == partition && $0.status == .active
            && ($0.format == .columnar || $0.format == .csvGzip) }.sorted { $0.path < $1.path }
    }

    /// Rows compactions of a partition dropped (columnar rows in minus rows out of its active outputs' inputs).
    func compactionDrops(table: String, partition: PartitionKey) -> Int {
        var dropped = 0
        var visited = Set<String>()
        var queue = activeFiles(table: table, partition: partition).filter { $0.format == .columnar && $0.compactionID != nil }
        while let output = queue.popLast() {
            guard visited.insert(output.fileID).inserted else { continue }
            let inputs = (parents[output.fileID] ?? []).compactMap { files[$0] }
            guard !inputs.isEmpty else { continue }
            // Outputs of one run share inputs; count each input set once per run.
            let siblings = files.values.filter { $0.compactionID == output.compactionID && $0.table == table
                && $0.partition == partition && $0.format == .columnar }
            for s in siblings { visited.insert(s.fileID) }
            dropped += inputs.reduce(0) { $0 + $1.rows } - siblings.reduce(0) { $0 + $1.rows }
            queue += inputs.filter { $0.compactionID != nil }
        }
        return dropped
    }

    func describe(_ file: FileRecord) -> LineageFile {
        LineageFile(path: file.path, format: file.format.rawValue, rows: file.rows, bytes: file.bytes,
                    sha256: file.sha256, status: file.status.rawValue, batchID: file.batchID,
                    compactionID: file.compactionID)
    }
}
