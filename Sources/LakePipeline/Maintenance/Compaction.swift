import Foundation
import LakeCatalog
public import LakeCore
import LakeFormat
import LakeStorage

/// Options of `batchlake compact`.
public struct CompactionOptions: Sendable {
    public var table: String?
    public var selector: PartitionSelector?
    /// Only partitions whose newest file is older than this many seconds.
    public var olderThan: Double?
    /// Outputs aim at this many bytes of columnar data per file.
    public var targetBytes: Int64 = 128 << 20
    public var dryRun = false

    public init() {}
}

/// What one compaction run did.
public struct CompactionReport: Sendable, Codable {
    public struct Partition: Sendable, Codable {
        public var table: String
        public var partition: String
        public var filesIn: Int
        public var filesOut: Int
        public var rowsIn: Int
        public var rowsOut: Int
        public var bytesIn: Int64
        public var bytesOut: Int64
        /// Why a candidate was left alone (lease held elsewhere, changed meanwhile), if it was.
        public var skipped: String?
    }

    public var runID: String
    public var partitions: [Partition] = []
    public var seconds: Double = 0
    public var dryRun = false

    /// Whether the run changed anything.
    public var compactedCount: Int { partitions.filter { $0.skipped == nil }.count }
}

extension Lake {
    /// The owner string of leases taken by this process.
    var leaseOwner: String { "\(ownerHost):\(ownerPID)" }

    /// Merges the active files of every partition that has more than one into as few files as the target size
    /// allows, dropping exact duplicate rows and sorting by the table's sort key; rewrites the partition's CSV.gz
    /// and manifest to match. Per partition: outputs staged and fsynced, one catalog transaction (inputs retired,
    /// outputs active, lineage, no data-version change), then publish. Killed anywhere, either the old set or the
    /// new one is active; recovery finishes a committed run.
    public func compact(_ options: CompactionOptions) throws -> CompactionReport {
        try recover()
        let started = Date()
        let runID = "c" + Catalog.now().filter(\.isNumber).prefix(14) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        var report = CompactionReport(runID: runID, dryRun: options.dryRun)
        let candidates = try compactionCandidates(options)
        if options.dryRun || candidates.isEmpty {
            for (tp, files) in candidates {
                report.partitions.append(.init(
                    table: tp.table, partition: tp.partition.path, filesIn: files.count, filesOut: 0,
                    rowsIn: files.filter { $0.format == .columnar }.reduce(0) { $0 + $1.rows }, rowsOut: 0,
                    bytesIn: files.reduce(0) { $0 + $1.bytes }, bytesOut: 0, skipped: options.dryRun ? "dry run" : nil))
            }
            report.seconds = Date().timeIntervalSince(started)
            return report
        }
        var run = CompactionRecord(runID: runID, status: "running", startedAt: Catalog.now())
        run.ownerHost = ownerHost
        run.ownerPID = ownerPID
        run.leaseUntil = leaseDeadline()
        try catalog.startCompaction(run)
        do {
            let staging = try store.beginStaging(runID: runID)
            for (tp, inputs) in candidates {
                report.partitions.append(try compactPartition(tp, inputs: inputs, staging: staging, options: options))
                try catalog.transaction("renewing compaction \(runID)") {
                    try catalog.db.run("UPDATE compactions SET lease_until = ? WHERE run_id = ?", leaseDeadline(), runID)
                }
            }
        } catch {
            try? store.removeStaging(runID: runID)
            try? catalog.finishCompaction(runID: runID, status: "failed", error: "\(error)")
            throw error
        }
        report.seconds = Date().timeIntervalSince(started)
        try catalog.finishCompaction(runID: runID, status: "published", seconds: report.seconds)
        try store.removeStaging(runID: runID)
        return report
    }

    /// Partitions with more than one active columnar file, with all their active data files.
    func compactionCandidates(_ options: CompactionOptions) throws -> [(TablePartition, [FileRecord])] {
        var byPartition: [TablePartition: [FileRecord]] = [:]
        for format in [FileFormat.columnar, .csvGzip] {
            for file in try catalog.files(table: options.table, selector: options.selector, format: format) {
                byPartition[TablePartition(table: file.table, partition: file.partition), default: []].append(file)
            }
        }
        let cutoff = options.olderThan.map { Catalog.now(offsetSeconds: -$0) }
        return byPartition.keys.sorted().compactMap { tp in
            let files = byPartition[tp]!
            guard files.filter({ $0.format == .columnar }).count > 1 else { return nil }
            if let cutoff, files.contains(where: { $0.createdAt > cutoff }) { return nil }
            return (tp, files)
        }
    }

    private func compactPartition(_ tp: TablePartition, inputs: [FileRecord], staging: StagingRun,
                                  options: CompactionOptions) throws -> CompactionReport.Partition {
        let runID = staging.runID
        let schema = try self.schema(of: tp.table)
        let table = compiled.tables.first { $0.name == tp.table }
        var entry = CompactionReport.Partition(
            table: tp.table, partition: tp.partition.path, filesIn: inputs.count, filesOut: 0, rowsIn: 0, rowsOut: 0,
            bytesIn: inputs.reduce(0) { $0 + $1.bytes }, bytesOut: 0)
        let lease = "partition:\(tp.table)/\(tp.partition.path)"
        guard try catalog.acquireLease(lease, owner: leaseOwner, seconds: leaseSeconds, isGone: leaseOwnerIsGone) else {
            entry.skipped = "another process holds the partition's lease"
            return entry
        }
        defer { try? catalog.releaseLease(lease, owner: leaseOwner) }

        // Read every row of the columnar inputs; drop exact duplicates; sort by the table's key.
        var merged = schema.columns.map { ColumnVector(type: $0.type) }
        var seen: [Int: [Int]] = [:]  // row hash -> rows of `merged` with that hash
        var hasher = RowHasher()
        // Oldest first, so that for a dimension the last row of a key is its newest content.
        let columnar = inputs.filter { $0.format == .columnar }.sorted { ($0.createdAt, $0.path) < ($1.createdAt, $1.path) }
        for file in columnar {
            let reader = try columnarReader(file)
            guard reader.schema.columns.map(\.name) == schema.columns.map(\.name) else {
                entry.skipped = "\(file.path) has another schema than the spec's; left alone"
                return entry
            }
            for g in reader.rowGroups.indices {
                let vectors = try reader.read(rowGroup: g, columns: Array(schema.columns.indices))
                let count = vectors.first?.count ?? 0
                entry.rowsIn += count
                for r in 0..<count {
                    if table?.kind != .dimension {  // dimensions keep their newest row per key below
                        let h = hasher.hash(vectors, row: r)
                        if let same = seen[h], same.contains(where: { RowHasher.equal(merged, $0, vectors, r) }) {
                            continue
                        }
                        seen[h, default: []].append(merged.first?.count ?? 0)
                    }
                    for c in vectors.indices { merged[c].append(from: vectors[c], row: r) }
                }
            }
        }
        var order = Array(0..<(merged.first?.count ?? 0))
        if let table, table.kind == .dimension {
            // A dimension keeps one row per natural key in a partition: the newest content (what a load's upsert
            // would end with), so that no older duplicate can win after the files are merged.
            var last: [String: Int] = [:]
            for row in order {
                last[table.keyColumns.map { merged[$0].value(at: row).description }.joined(separator: "\u{1f}")] = row
            }
            order = last.values.sorted()
        }
        let rowCount = order.count
        if let sort = table?.sortColumn, let c = schema.index(of: sort) {
            let column = merged[c]
            order.sort { a, b in
                let x = column.value(at: a), y = column.value(at: b)
                if x.isNull != y.isNull { return x.isNull }
                return (Value.compare(x, y) ?? 0) < 0
            }
        }
        // Split into files of about the target size, judged by the inputs' columnar bytes per row.
        let bytesPerRow = max(1, columnar.reduce(Int64(0)) { $0 + $1.bytes } / Int64(max(1, entry.rowsIn)))
        let rowsPerFile = max(1, Int(options.targetBytes / bytesPerRow))
        let now = Catalog.now()
        var outputs: [FileRecord] = []
        var part = 0
        var start = 0
        while start < rowCount {
            let end = min(rowCount, start + rowsPerFile)
            var slice = schema.columns.map { ColumnVector(type: $0.type, capacity: end - start) }
            for i in start..<end {
                for c in slice.indices { slice[c].append(from: merged[c], row: order[i]) }
            }
            let fileID = "\(runID)-\(tp.table)-\(tp.partition.dateString)-\(pad(tp.partition.hour, 2))-\(part)"
            let output = TableOutput(
                table: table ?? CompiledSpec.Table(name: tp.table, kind: .fact, schema: schema, columns: [],
                                                   keyColumns: [], sortColumn: nil, bloomColumns: []),
                partition: tp.partition, fileID: fileID, layout: layout, batchID: runID)
            try output.append(slice)
            outputs += try output.finish(now: now).map { file in
                var file = file
                file.batchID = nil
                file.fileID = fileID + (file.format == .columnar ? ".bcol" : ".csv")
                return file
            }
            entry.rowsOut += end - start
            part += 1
            start = end
        }
        try store.persistStaging(staging)
        guard try catalog.commitCompaction(runID: runID, PartitionCompaction(
            table: tp.table, partition: tp.partition, inputs: inputs, outputs: outputs)) else {
            for output in outputs { try? store.remove(layout.stagedKey(batchID: runID, key: output.path)) }
            entry.skipped = "its files changed meanwhile (a batch superseded one); rerun compact"
            return entry
        }
        try publishCompaction(runID: runID, outputs: outputs, inputs: inputs, partitions: [tp])
        entry.filesOut = outputs.count
        entry.bytesOut = outputs.reduce(0) { $0 + $1.bytes }
        return entry
    }

    /// Moves a committed compaction's outputs to their keys and its inputs to `_trash/`, and rewrites manifests.
    /// Idempotent, so recovery can run it again.
    func publishCompaction(runID: String, outputs: [FileRecord], inputs: [FileRecord],
                           partitions: [TablePartition]) throws {
        _ = try store.publish(outputs.map { (layout.stagedKey(batchID: runID, key: $0.path), $0.path) })
        try retire(inputs)
        try rewriteManifests(partitions)
    }

    /// Recovery for compactions: a run whose owner died has every committed partition published, and its staging
    /// removed; the run is recorded failed (uncommitted partitions keep their old files, which stay active).
    func recoverCompactions() throws {
        let orphaned = try catalog.compactions(status: "running").filter { ownerIsGone(host: $0.ownerHost, pid: $0.ownerPID) }
        var handled = Set<String>()
        for run in try catalog.expiredCompactions(now: Catalog.now()) + orphaned where handled.insert(run.runID).inserted {
            let outputs = try catalog.files(compactionID: run.runID).filter { $0.status == .active }
            let inputs = try catalog.inputs(ofCompaction: run.runID)
            var touched = Set<TablePartition>()
            for file in outputs { touched.insert(TablePartition(table: file.table, partition: file.partition)) }
            try publishCompaction(runID: run.runID, outputs: outputs, inputs: inputs, partitions: touched.sorted())
            try store.removeStaging(runID: run.runID)
            try catalog.finishCompaction(
                runID: run.runID, status: outputs.isEmpty ? "failed" : "recovered",
                error: "its process (pid \(run.ownerPID ?? 0) on \(run.ownerHost ?? "?")) stopped; committed "
                    + "partitions were published by recovery")
        }
    }
}

/// Hashes a row's values (FNV-1a over canonical bytes), to drop exact duplicate rows.
struct RowHasher {
    private var scratch: [UInt8] = []

    mutating func hash(_ columns: [ColumnVector], row: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        for column in columns {
            if column.isNull(row) {
                mix(0xff); mix(0xfe)
                continue
            }
            switch column.type {
            case .text:
                for b in column.utf8(row) { mix(b) }
            case .float64:
                withUnsafeBytes(of: column.doubles[row].bitPattern) { for b in $0 { mix(b) } }
            default:
                withUnsafeBytes(of: column.integers[row]) { for b in $0 { mix(b) } }
            }
            mix(0x1f); mix(0x00)
        }
        return Int(truncatingIfNeeded: h)
    }

    /// Whether row `i` of `a` and row `j` of `b` hold the same values (NULL equals NULL here).
    static func equal(_ a: [ColumnVector], _ i: Int, _ b: [ColumnVector], _ j: Int) -> Bool {
        for c in a.indices {
            let x = a[c], y = b[c]
            if x.isNull(i) != y.isNull(j) { return false }
            if x.isNull(i) { continue }
            switch x.type {
            case .text: if !x.utf8(i).elementsEqual(y.utf8(j)) { return false }
            case .float64: if x.doubles[i].bitPattern != y.doubles[j].bitPattern { return false }
            default: if x.integers[i] != y.integers[j] { return false }
            }
        }
        return true
    }
}
