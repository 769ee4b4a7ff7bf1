import Foundation
public import LakeCore
import LakeCatalog
import LakeFormat
import LakeStorage

/// What `export` wrote.
public struct ExportReport: Sendable, Codable {
    public var table: String
    public var partitions: [String] = []
    public var files: [String] = []
    public var rows = 0
    public var bytes: Int64 = 0
}

extension Lake {
    /// Writes CSV.gz (one per columnar file) and a COPY manifest per partition under `outputRoot`, in the lake's
    /// layout (`<table>/dt=…/hour=…/`), regenerated from the columnar files: CSV can always be rebuilt.
    public func export(table: String, selector: PartitionSelector?, outputRoot: String) throws -> ExportReport {
        let schema = try self.schema(of: table)
        let output = LakeLayout(root: outputRoot)
        var report = ExportReport(table: table)
        let files = try catalog.files(table: table, selector: selector, format: .columnar)
        var byPartition: [PartitionKey: [FileRecord]] = [:]
        for file in files { byPartition[file.partition, default: []].append(file) }
        for partition in byPartition.keys.sorted() {
            var entries: [CopyManifest.Entry] = []
            for file in byPartition[partition]! {
                let reader = try columnarReader(file)
                guard reader.schema.columns.map(\.name) == schema.columns.map(\.name) else {
                    throw LakeError(.badSpec, "\(file.path) has columns that differ from the spec's table '\(table)'",
                                    remedy: "export with the pipeline spec the file was written with (--pipeline)")
                }
                let name = (file.path as NSString).lastPathComponent.replacingOccurrences(of: ".bcol", with: ".csv.gz")
                let key = "\(table)/\(partition.path)/\(name)"
                let writer = try CSVGzipWriter(path: output.absolute(key), header: schema.columns.map(\.name))
                for g in reader.rowGroups.indices {
                    try writer.write(reader.read(rowGroup: g, columns: Array(schema.columns.indices)))
                }
                let written = try writer.finish(sync: true)
                entries.append(CopyManifest.Entry(url: output.url + "/" + key, contentLength: written.bytes))
                report.files.append(output.absolute(key))
                report.rows += written.rows
                report.bytes += written.bytes
            }
            try LakeFileSystem.writeAtomically(CopyManifest.render(entries),
                                               to: output.absolute("\(table)/\(partition.path)/manifest.json"))
            report.partitions.append(partition.path)
        }
        return report
    }
}
