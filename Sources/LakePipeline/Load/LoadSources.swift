import LakeCatalog
import LakeCore
import LakeFormat
import LakeStorage

/// One CSV.gz file a load streams: the lake's own, or one regenerated from the columnar twin when the CSV is gone.
struct LoadSource {
    var record: LoadedFile
    var path: String
    var regenerated: Bool
    /// Keeps a downloaded copy alive while the load reads it.
    var copy: LocalCopy?
}

extension Lake {
    /// The partition's active CSV.gz files. Where a CSV file is missing on disk, it is rebuilt from the columnar
    /// file of the same part (CSV can always be regenerated, see `export`) into `scratch`.
    /// - Throws: `LakeError(.corruptFile)` when neither form of a part exists.
    func csvSources(table: String, partition: PartitionKey, scratch: TemporaryFolder) throws -> [LoadSource] {
        let files = try catalog.files(table: table, selector: .hour(partition), status: .active)
        let columnar = Dictionary(files.filter { $0.format == .columnar }.map { ($0.fileID, $0) }) { a, _ in a }
        var sources: [LoadSource] = []
        // Oldest first (commit order): a dimension key staged twice keeps the newer batch's row.
        for file in files.filter({ $0.format == .csvGzip }).sorted(by: { ($0.createdAt, $0.path) < ($1.createdAt, $1.path) }) {
            let record = LoadedFile(path: file.path, sha256: file.sha256, rows: file.rows)
            if let copy = try localCopy(file) {
                sources.append(LoadSource(record: record, path: copy.path, regenerated: false, copy: copy))
                continue
            }
            let twinID = (file.fileID.hasSuffix(".csv") ? String(file.fileID.dropLast(4)) : file.fileID) + ".bcol"
            guard let twin = columnar[twinID], let twinCopy = try localCopy(twin) else {
                throw LakeError(.corruptFile, "\(file.path) is missing and has no columnar twin to rebuild it from",
                                remedy: "run `batchlake verify`, or re-ingest the batch \(file.batchID ?? "")")
            }
            let schema = try self.schema(of: table)
            let reader = try withExtendedLifetime(twinCopy) { try ColumnarReader(path: twinCopy.path) }
            guard reader.schema.columns.map(\.name) == schema.columns.map(\.name) else {
                throw LakeError(.badSpec, "\(twin.path) has columns that differ from the spec's table '\(table)'",
                                remedy: "load with the pipeline spec the file was written with (--pipeline)")
            }
            let out = try scratch.file(LakeLayout.safeName(file.path))
            let writer = try CSVGzipWriter(path: out, header: schema.columns.map(\.name), level: 1)
            for g in reader.rowGroups.indices {
                try writer.write(reader.read(rowGroup: g, columns: Array(schema.columns.indices)))
            }
            _ = try writer.finish(sync: false)
            sources.append(LoadSource(record: record, path: out, regenerated: true, copy: nil))
        }
        return sources
    }
}
