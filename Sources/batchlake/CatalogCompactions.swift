import ArgumentParser
import Foundation
import LakeCatalog
import LakePipeline

extension CatalogCommand {
    struct Compactions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List compaction runs: partitions, files, rows and bytes in and out, duration.")
        @OptionGroup var lake: LakeOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try guarded {
                let lake = try lake.open()
                let runs = try lake.catalog.compactions()
                if output.json {
                    struct Doc: Encodable { var compactions: [CompactionRecord] }
                    return try Output.json(Doc(compactions: runs))
                }
                Output.out(Output.table(["run", "status", "partitions", "files in", "files out", "rows in", "rows out",
                                         "bytes in", "bytes out", "s", "started"], runs.map { r in
                    [r.runID, r.status, "\(r.partitions)", "\(r.filesIn)", "\(r.filesOut)", "\(r.rowsIn)", "\(r.rowsOut)",
                     "\(r.bytesIn)", "\(r.bytesOut)", r.seconds.map { String(format: "%.2f", $0) } ?? "", r.startedAt]
                }))
            }
        }
    }
}
