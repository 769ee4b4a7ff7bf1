import ArgumentParser
import Foundation
import LakeCatalog
import LakeCore
import LakePipeline

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest batch files (ZIP, gzip or JSON lines) into the lake, one batch per file.",
        discussion: """
            Each input lands whole or not at all: its bytes in raw/, its good rows in clean/<table>/ as CSV.gz with
            a COPY manifest, its bad lines in quarantine/ with their reasons, all recorded in the catalog. The same
            content again changes nothing; a new content under a file name already ingested supersedes it.

            The batch hour is --hour, else the file name's _YYYYMMDD_HH, else the ingest time (UTC).

              $ batchlake ingest --lake lake inbox/immobilienscout24_berlin_20190113_05.zip
              immobilienscout24_berlin_20190113_05.zip  ingested  dt=2019-01-13/hour=05  records 500  good 495 ...
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The batch hour for every input, YYYY-MM-DDTHH (default: from the file name).",
                               valueName: "hour"))
    var hour: String?

    @Argument(help: ArgumentHelp("Files, or folders whose .zip, .gz, .json and .jsonl files are ingested in name order; or s3://bucket/key URLs (a prefix ending in / takes every such object under it).",
                                 valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one file or folder to ingest") }
        if let hour, PartitionKey.parse(hour) == nil {
            throw ValidationError("--hour '\(hour)' is not YYYY-MM-DDTHH (for example 2019-01-13T05)")
        }
    }

    struct Summary: Encodable {
        var batches: [BatchReport]
        var ingested: Int
        var alreadyIngested: Int
        var refused: Int
        var records: Int
        var good: Int
        var bad: Int
        var seconds: Double

        enum CodingKeys: String, CodingKey {
            case batches, ingested, refused, records, good, bad, seconds
            case alreadyIngested = "already_ingested"
        }
    }

    func run() throws {
        try guarded {
            let lake = try lake.open()
            var options = IngestOptions()
            options.hour = hour.flatMap(PartitionKey.parse)
            let started = Date()
            let terminal = Output.stderrIsTerminal && !output.json
            var done = 0
            let reports = try lake.ingest(inputs: paths, options: options) { report in
                done += 1
                if !output.json { Output.out(Ingest.line(report)) }
                if report.outcome == .refused, let message = report.message { Output.err("error: \(message)") }
                if terminal { Output.err("\u{1b}[2K\(done) inputs done\r") }
            }
            var summary = Summary(batches: reports, ingested: 0, alreadyIngested: 0, refused: 0, records: 0, good: 0,
                                  bad: 0, seconds: Date().timeIntervalSince(started))
            for report in reports {
                switch report.outcome {
                case .ingested: summary.ingested += 1
                case .alreadyIngested: summary.alreadyIngested += 1
                case .refused, .inProgress: summary.refused += 1
                }
                summary.records += report.counts?.records ?? 0
                summary.good += report.counts?.good ?? 0
                summary.bad += report.counts?.bad ?? 0
            }
            if output.json {
                try Output.json(summary)
            } else {
                Output.out("\(reports.count) inputs: \(summary.ingested) ingested, \(summary.alreadyIngested) already "
                    + "ingested, \(summary.refused) refused; \(summary.records) records, \(summary.good) good, "
                    + "\(summary.bad) bad in \(String(format: "%.2f", summary.seconds)) s")
            }
            // 1 when an input was refused for what it is; 75 when only the moment failed (disk full, catalog
            // busy, another process on it): rerunning is safe.
            let refused = reports.filter { $0.outcome == .refused }
            if refused.contains(where: { !BatchReport.temporaryErrors.contains($0.error ?? "") }) { throw ExitCode(1) }
            if !refused.isEmpty || reports.contains(where: { $0.outcome == .inProgress }) { throw ExitCode(75) }
        }
    }

    static func line(_ r: BatchReport) -> String {
        let name = (r.input as NSString).lastPathComponent
        switch r.outcome {
        case .ingested:
            let c = r.counts ?? .init()
            let tables = r.rowsByTable.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(name)  ingested  \(r.partition ?? "")  records \(c.records)  good \(c.good)  bad \(c.bad)  "
                + "duplicates \(c.duplicates)  known \(c.knownVersions)  rows: \(tables)  "
                + String(format: "%.2f s  %.0f MB/s", r.seconds, r.megabytesPerSecond)
                + (r.supersedes.map { "  supersedes \($0)" } ?? "")
        case .alreadyIngested:
            return "\(name)  already ingested  \(r.message ?? "")"
        case .refused:
            return "\(name)  refused"
        case .inProgress:
            return "\(name)  in progress elsewhere  \(r.message ?? "")"
        }
    }
}
