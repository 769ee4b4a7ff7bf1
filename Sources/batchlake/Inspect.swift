import ArgumentParser
import LakePipeline

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a columnar (.bcol) file's layout, encodings and statistics; --verify checks every byte.",
        discussion: """
            Works on a lone file; no lake or catalog needed. With --verify every page is decoded and every
            checksum checked; any damage exits 1 with an error naming the file, column and row group.

              $ batchlake inspect --verify lake/clean/flats/dt=2019-01-13/hour=05/part-….bcol
            """)

    @Flag(help: "Decode every page and check every checksum first.") var verify = false
    @OptionGroup var output: OutputOptions
    @Argument(help: "The .bcol file.") var file: String

    func run() throws {
        try guarded {
            let text = try Inspection.describe(path: file, verify: verify, json: output.json)
            Output.out(text)
            if verify && !output.json { Output.err("verified: every page decodes and every checksum matches") }
        }
    }
}
