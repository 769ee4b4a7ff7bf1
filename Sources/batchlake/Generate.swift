import ArgumentParser
import Foundation
import LakeCore
import LakeGenerator

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write realistic synthetic immobilienscout24 batches (one file per hour) for demos and tests.",
        discussion: """
            Deterministic per seed: the same options write the same bytes.

              $ batchlake generate --out inbox --hours 24 --per-hour 500 --seed 42 --start 2019-01-13T00
              24 files, 12000 good records, 304.1 MB of JSON in inbox
            """)

    @Option(help: ArgumentHelp("Folder for the batch files (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: "Number of hourly batches.") var hours: Int = 24
    @Option(name: .customLong("per-hour"), help: "Records per batch.") var perHour: Int = 500
    @Option(help: "Seed of the generator.") var seed: UInt64 = 42
    @Option(help: ArgumentHelp("The first batch's hour, YYYY-MM-DDTHH.", valueName: "hour"))
    var start: String = "2019-01-13T00"
    @Flag(help: "Add ~1% bad lines (truncated JSON, wrong types, missing id), blank lines and duplicates.")
    var messy = false
    @Option(help: "File format: zip, gz or jsonl.") var format: String = "zip"
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if hours < 1 { throw ValidationError("--hours must be at least 1") }
        if perHour < 1 { throw ValidationError("--per-hour must be at least 1") }
        if PartitionKey.parse(start) == nil {
            throw ValidationError("--start '\(start)' is not YYYY-MM-DDTHH (for example 2019-01-13T00)")
        }
        if BatchFileFormat(cliName: format) == nil { throw ValidationError("--format must be zip, gz or jsonl") }
    }

    struct Summary: Encodable {
        var files: [String]
        var goodRecords: Int
        var distinctVersions: Int
        var badLines: Int
        var duplicateLines: Int
        var blankLines: Int
        var jsonBytes: Int64
        var seconds: Double
    }

    func run() throws {
        try guarded {
            let started = Date()
            let options = GeneratorOptions(
                outputDirectory: out, hours: hours, perHour: perHour, seed: seed, start: PartitionKey.parse(start)!,
                isMessy: messy, format: BatchFileFormat(cliName: format)!)
            let report = try Generator.generate(options)
            let summary = Summary(
                files: report.files.map(\.path), goodRecords: report.goodLines,
                distinctVersions: report.goodVersions.count, badLines: report.badLineCount,
                duplicateLines: report.duplicateLines, blankLines: report.blankLines, jsonBytes: report.jsonBytes,
                seconds: Date().timeIntervalSince(started))
            if output.json { return try Output.json(summary) }
            Output.out("\(report.files.count) files, \(report.goodLines) good records (\(report.goodVersions.count) "
                + "distinct versions), \(report.badLineCount) bad lines, "
                + String(format: "%.1f MB of JSON in %@ (%.1f s)", Double(report.jsonBytes) / 1e6, out, summary.seconds))
        }
    }
}

extension BatchFileFormat {
    init?(cliName: String) {
        switch cliName {
        case "zip": self = .zip
        case "gz", "gzip": self = .gzip
        case "jsonl", "json", "plain": self = .jsonl
        default: return nil
        }
    }
}
