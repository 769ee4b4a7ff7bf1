import Foundation
import LakeCatalog
import LakeCore
import LakeFormat
import LakeStorage

/// One table's outputs for one batch: the part files written under the batch's staging folder, created on the
/// first row so that a table with no rows this hour gets no file.
final class TableOutput {
    let table: CompiledSpec.Table
    let partition: PartitionKey
    let fileID: String
    let layout: LakeLayout
    let batchID: String
    private var csv: CSVGzipWriter?
    private var columnar: ColumnarWriter?

    init(table: CompiledSpec.Table, partition: PartitionKey, fileID: String, layout: LakeLayout, batchID: String) {
        self.table = table
        self.partition = partition
        self.fileID = fileID
        self.layout = layout
        self.batchID = batchID
    }

    var csvKey: String { layout.cleanKey(table: table.name, partition: partition, fileID: fileID, format: "csv.gz") }
    var columnarKey: String { layout.cleanKey(table: table.name, partition: partition, fileID: fileID, format: "bcol") }

    func append(_ columns: [ColumnVector]) throws {
        guard let count = columns.first?.count, count > 0 else { return }
        if csv == nil {
            csv = try CSVGzipWriter(path: layout.absolute(layout.stagedKey(batchID: batchID, key: csvKey)),
                                    header: table.schema.columns.map(\.name))
            let options = ColumnarWriterOptions(
                bloomFilterColumns: Set(table.bloomColumns), sortColumn: table.sortColumn,
                metadata: ["batch_id": batchID, "table": table.name, "partition": partition.path,
                           "writer": "batchlake ingest"])
            columnar = try ColumnarWriter(path: layout.absolute(layout.stagedKey(batchID: batchID, key: columnarKey)),
                                          schema: table.schema, options: options)
        }
        try csv!.write(columns)
        try columnar!.write(columns)
    }

    /// Closes (with fsync) what was written and describes it for the catalog.
    func finish(now: String) throws -> [FileRecord] {
        guard let csv, let columnar else { return [] }
        let written = try csv.finish(sync: true)
        let summary = try columnar.finish()
        let columnarPath = layout.absolute(layout.stagedKey(batchID: batchID, key: columnarKey))
        try LakeFileSystem.syncFile(columnarPath)
        let (sha, bytes) = try LakeFileSystem.sha256(ofFile: columnarPath)
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

    /// Per-column statistics of a columnar file, as the catalog keeps them (min, max, nulls, encodings).
    static func statisticsJSON(_ summary: ColumnarFileSummary) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(summary.columns)).map { String(decoding: $0, as: UTF8.self) }
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
        let sha = try file.close(sync: true)
        return [FileRecord(fileID: batchID + ".quarantine", batchID: batchID, table: "_quarantine", partition: partition,
                           format: .quarantine, path: key, rows: lines, bytes: file.byteCount, sha256: sha,
                           createdAt: now)]
    }
}
