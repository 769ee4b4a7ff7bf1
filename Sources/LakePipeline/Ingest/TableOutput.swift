import Dispatch
import Foundation
import LakeCatalog
import LakeCore
import LakeFormat
import LakeStorage
import Synchronization

/// One table's outputs for one batch: the part files written under the batch's staging folder, created on the
/// first row so that a table with no rows this hour gets no file.
///
/// In background mode (`startsWritingInBackground()`), CSV gzip and columnar encoding run on a serial queue of their
/// own, fed rows through a bounded hand-over (at most `queuedChunks` chunks wait), so the thread that parses lines
/// goes on with the next ones and the next batch. `finish(now:)` then waits for the queue. The writers are touched
/// only on that queue once it started, which is what makes `Writers` safe to send there.
final class TableOutput {
    let table: CompiledSpec.Table
    let partition: PartitionKey
    let fileID: String
    let layout: LakeLayout
    let batchID: String
    private let writers: Writers
    private var queue: DispatchQueue?
    private var slots: DispatchSemaphore?
    /// Chunks that may wait for the background writer (each at most `Lake.factChunkBytes`).
    static let queuedChunks = 2

    init(table: CompiledSpec.Table, partition: PartitionKey, fileID: String, layout: LakeLayout, batchID: String) {
        self.table = table
        self.partition = partition
        self.fileID = fileID
        self.layout = layout
        self.batchID = batchID
        writers = Writers(table: table, partition: partition, fileID: fileID, layout: layout, batchID: batchID)
    }

    var csvKey: String { writers.csvKey }
    var columnarKey: String { writers.columnarKey }

    /// Value bytes a columnar row group holds at most (the writer keeps the chunks of one row group, and the
    /// sorted copy it gathers from them, in memory). A 500-record hour of the bundled spec's `flats` (~11 MB)
    /// becomes 2 row groups, an hour of 5,000 records 17, so memory stays flat in batch size.
    static let rowGroupBytes = 6 << 20

    /// zstd level for every table's pages. Dimension tables once used level 12: 3.6% smaller `agency` files
    /// (~8 KB a standard day, 0.08% of the lake), for ~0.06 s of the reading thread's CPU a day, where they are
    /// written (`perf record`: libzstd was 5% of that thread's samples).
    static let zstdLevel: Int32 = 1

    /// Rows per row group for rows of about `rowBytes` bytes each.
    static func rowGroupRows(rowBytes: Int) -> Int {
        min(65_536, max(64, rowGroupBytes / max(1, rowBytes)))
    }

    /// Moves the writing of this table's files to a queue of its own (see the type's comment).
    func startsWritingInBackground() {
        guard queue == nil else { return }
        queue = DispatchQueue(label: "batchlake.table-output.\(table.name)")
        slots = DispatchSemaphore(value: TableOutput.queuedChunks)
    }

    func append(_ columns: [ColumnVector]) throws {
        guard let count = columns.first?.count, count > 0 else { return }
        guard let queue, let slots else { return try writers.append(columns) }
        if let error = writers.failure.withLock({ $0 }) { throw error }
        IngestProfile.measure(.writerWait) { slots.wait() }
        let writers = self.writers
        queue.async {
            defer { slots.signal() }
            guard writers.failure.withLock({ $0 }) == nil else { return }
            do { try writers.append(columns) } catch { writers.failure.withLock { $0 = error } }
        }
    }

    /// Closes (with fsync) what was written and describes it for the catalog; in background mode, waits for the
    /// queue first and rethrows the first error it met.
    func finish(now: String) throws -> [FileRecord] {
        guard let queue else { return try writers.finish(now: now) }
        let writers = self.writers
        let files = Mutex<[FileRecord]>([])
        queue.sync {
            guard writers.failure.withLock({ $0 }) == nil else { return }
            do {
                let finished = try writers.finish(now: now)
                files.withLock { $0 = finished }
            } catch { writers.failure.withLock { $0 = error } }
        }
        if let error = writers.failure.withLock({ $0 }) { throw error }
        return files.withLock { $0 }
    }

    /// Starts closing the files on the background queue; `finish(now:)` later collects the result.
    func finishInBackground(now: String) {
        guard let queue else { return }
        let writers = self.writers
        queue.async {
            guard writers.failure.withLock({ $0 }) == nil, writers.finished.withLock({ $0 }) == nil else { return }
            do {
                let files = try writers.finish(now: now)
                writers.finished.withLock { $0 = files }
            } catch { writers.failure.withLock { $0 = error } }
        }
    }

    /// The result of `finishInBackground(now:)`, waiting for it; or a plain `finish(now:)` if none was started.
    func collect(now: String) throws -> [FileRecord] {
        guard let queue else { return try finish(now: now) }
        IngestProfile.measure(.writerWait) { queue.sync {} }
        if let error = writers.failure.withLock({ $0 }) { throw error }
        if let files = writers.finished.withLock({ $0 }) { return files }
        return try finish(now: now)
    }

    /// Waits for background work to end, whatever its outcome (before a staging folder is removed).
    func abandon() {
        queue?.sync {}
    }
    /// Per-column statistics of a columnar file, as the catalog keeps them (min, max, nulls, encodings).
    static func statisticsJSON(_ summary: ColumnarFileSummary) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(summary.columns)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// The CSV.gz and columnar writers of one table and batch.
///
/// `@unchecked Sendable`: a `TableOutput` in background mode uses it only from its serial queue (and reads the two
/// mutex-guarded fields from its owner's thread); otherwise only from the owner's thread.
final class Writers: @unchecked Sendable {
    let table: CompiledSpec.Table
    let partition: PartitionKey
    let fileID: String
    let layout: LakeLayout
    let batchID: String
    let csvKey: String
    let columnarKey: String
    private var csv: CSVGzipWriter?
    private var columnar: ColumnarWriter?
    /// The first error of background writing; later work is skipped.
    let failure = Mutex<(any Error)?>(nil)
    /// The files of a background `finish`.
    let finished = Mutex<[FileRecord]?>(nil)

    init(table: CompiledSpec.Table, partition: PartitionKey, fileID: String, layout: LakeLayout, batchID: String) {
        self.table = table
        self.partition = partition
        self.fileID = fileID
        self.layout = layout
        self.batchID = batchID
        csvKey = layout.cleanKey(table: table.name, partition: partition, fileID: fileID, format: "csv.gz")
        columnarKey = layout.cleanKey(table: table.name, partition: partition, fileID: fileID, format: "bcol")
    }

    func append(_ columns: [ColumnVector]) throws {
        guard let count = columns.first?.count, count > 0 else { return }
        if csv == nil {
            csv = try IngestProfile.measure(.csvGzip) {
                try CSVGzipWriter(path: layout.absolute(layout.stagedKey(batchID: batchID, key: csvKey)),
                                  header: table.schema.columns.map(\.name))
            }
            let rowBytes = columns.reduce(0) { $0 + $1.byteSize } / count
            let options = ColumnarWriterOptions(
                rowGroupRows: TableOutput.rowGroupRows(rowBytes: rowBytes),
                bloomFilterColumns: Set(table.bloomColumns), sortColumn: table.sortColumn,
                metadata: ["batch_id": batchID, "table": table.name, "partition": partition.path,
                           "writer": "batchlake ingest"],
                zstdLevel: TableOutput.zstdLevel)
            columnar = try ColumnarWriter(path: layout.absolute(layout.stagedKey(batchID: batchID, key: columnarKey)),
                                          schema: table.schema, options: options)
        }
        try IngestProfile.measure(.csvGzip) { try csv!.write(columns) }
        try IngestProfile.measure(.columnarEncode) { try columnar!.write(columns) }
        HeapMemory.releaseFreePages()
    }

    func finish(now: String) throws -> [FileRecord] {
        guard let csv, let columnar else { return [] }
        // Closed without fsync: the run's barrier makes all of its staging durable before the commit.
        let written = try IngestProfile.measure(.csvGzip) { try csv.finish(sync: false) }
        let summary = try IngestProfile.measure(.columnarEncode) { try columnar.finish() }
        HeapMemory.releaseFreePages()
        let columnarPath = layout.absolute(layout.stagedKey(batchID: batchID, key: columnarKey))
        let (sha, bytes) = try IngestProfile.measure(.columnarEncode) { try LakeFileSystem.sha256(ofFile: columnarPath) }
        return [
            FileRecord(
                fileID: fileID + ".csv", batchID: batchID, table: table.name, partition: partition, format: .csvGzip,
                path: csvKey, rows: written.rows, bytes: written.bytes, sha256: written.sha256,
                schemaFingerprint: table.schema.fingerprint, createdAt: now),
            FileRecord(
                fileID: fileID + ".bcol", batchID: batchID, table: table.name, partition: partition, format: .columnar,
                path: columnarKey, rows: summary.rows, bytes: bytes, sha256: sha,
                schemaFingerprint: table.schema.fingerprint, stats: TableOutput.statisticsJSON(summary), createdAt: now),
        ]
    }
}

/// The batch's quarantine file: one JSON object per bad line (CONTRACT.md), created on the first bad line.
final class QuarantineOutput {
    let key: String
    let path: String
    private var file: OutputFile?
    private var record: [UInt8] = []
    private(set) var lines = 0
    /// How much of a bad line is kept in its record.
    static let keptBytes = 1024

    init(key: String, path: String) {
        self.key = key
        self.path = path
    }

    func add(batchID: String, file inputName: String, member: String?, line: Int, offset: Int64, reason: String,
             field: String?, text: UnsafeRawBufferPointer, length: Int) throws {
        if file == nil { file = try OutputFile(path: path) }
        record.removeAll(keepingCapacity: true)
        record.append(contentsOf: "{\"batch_id\": ".utf8)
        JSONText.appendString(batchID, to: &record)
        record.append(contentsOf: ", \"file\": ".utf8)
        JSONText.appendString(inputName, to: &record)
        record.append(contentsOf: ", \"member\": ".utf8)
        if let member { JSONText.appendString(member, to: &record) } else { record.append(contentsOf: "null".utf8) }
        record.append(contentsOf: ", \"line\": \(line), \"offset\": \(offset), \"reason\": ".utf8)
        JSONText.appendString(reason, to: &record)
        record.append(contentsOf: ", \"field\": ".utf8)
        if let field { JSONText.appendString(field, to: &record) } else { record.append(contentsOf: "null".utf8) }
        // The line's text (its first KB), repaired to valid UTF-8 so the record stays valid JSON.
        let kept = String(decoding: text.prefix(QuarantineOutput.keptBytes), as: UTF8.self)
        record.append(contentsOf: ", \"length\": \(length), \"truncated\": \(length > text.prefix(QuarantineOutput.keptBytes).count), \"text\": ".utf8)
        JSONText.appendString(kept, to: &record)
        record.append(contentsOf: "}\n".utf8)
        try file!.write(record)
        lines += 1
    }

    func finish(batchID: String, source: String, partition: PartitionKey, now: String) throws -> [FileRecord] {
        guard let file else { return [] }
        let sha = try file.close(sync: false)
        return [FileRecord(fileID: batchID + ".quarantine", batchID: batchID, table: "_quarantine", partition: partition,
                           format: .quarantine, path: key, rows: lines, bytes: file.byteCount, sha256: sha,
                           createdAt: now)]
    }
}
