import ArgumentParser
import Foundation
import LakeCatalog
import LakeCore
import LakePipeline

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Show what the catalog knows: batches, partitions, files, schema versions, lineage.",
        subcommands: [
            Batches.self, Partitions.self, Files.self, Schemas.self, Lineage.self, Loads.self, Compactions.self,
            Migrate.self, Check.self,
        ])

    struct Batches: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List batches with their status, hour, counts and timings.",
            discussion: "  $ batchlake catalog batches --status published")
        @OptionGroup var lake: LakeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only batches with this status: pending, committed, published, superseded, failed.")
        var status: String?

        func run() throws {
            try guarded {
                let lake = try lake.open()
                var filter: BatchStatus?
                if let status {
                    guard let s = BatchStatus(rawValue: status) else {
                        throw LakeError(.usage, "unknown --status '\(status)'",
                                        remedy: "use pending, committed, published, superseded or failed")
                    }
                    filter = s
                }
                let batches = try lake.catalog.batches(status: filter)
                if output.json {
                    struct Doc: Encodable { var batches: [BatchRecord] }
                    return try Output.json(Doc(batches: batches))
                }
                Output.out(Output.table(
                    ["batch", "status", "partition", "rule", "file", "records", "good", "bad", "dup", "known", "MB", "s"],
                    batches.map { b in
                        [b.batchID, b.status.rawValue, b.partition.path, b.hourRule.rawValue, b.fileName,
                         "\(b.counts.records)", "\(b.counts.good)", "\(b.counts.bad)", "\(b.counts.duplicates)",
                         "\(b.counts.knownVersions)", String(format: "%.1f", Double(b.counts.uncompressedBytes) / 1e6),
                         b.seconds.map { String(format: "%.2f", $0) } ?? ""]
                    }))
                Output.out("\(batches.count) batches")
            }
        }
    }

    struct Partitions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List table partitions with their data version, rows, files and bytes.",
            discussion: "  $ batchlake catalog partitions --table flats --partition dt=2019-01-13")
        @OptionGroup var lake: LakeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this table.") var table: String?
        @Option(help: "Only this partition: dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD.") var partition: String?

        func validate() throws {
            if let partition, PartitionSelector.parse(partition) == nil {
                throw ValidationError("--partition '\(partition)' is not dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD")
            }
        }

        func run() throws {
            try guarded {
                let lake = try lake.open()
                let rows = try lake.catalog.partitions(table: table, selector: partition.flatMap(PartitionSelector.parse))
                if output.json {
                    struct Doc: Encodable { var partitions: [PartitionRecord] }
                    return try Output.json(Doc(partitions: rows))
                }
                Output.out(Output.table(["table", "partition", "version", "rows", "files", "bytes", "updated"],
                                        rows.map { p in
                    [p.table, p.partition.path, "\(p.dataVersion)", "\(p.rows)", "\(p.files)", "\(p.bytes)", p.updatedAt]
                }))
                let total = rows.reduce(0) { $0 + $1.rows }
                Output.out("\(rows.count) partitions, \(total) rows")
            }
        }
    }

    struct Files: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the lake's files with format, rows, bytes and SHA-256.",
            discussion: "  $ batchlake catalog files --table flats --format csv.gz")
        @OptionGroup var lake: LakeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this table (_raw and _quarantine name the raw and quarantine zones).") var table: String?
        @Option(help: "Only this partition: dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD.") var partition: String?
        @Option(help: "Only this format: raw, csv.gz, bcol, manifest, quarantine.") var format: String?
        @Flag(help: "Include retired and deleted files.") var all = false

        func run() throws {
            try guarded {
                let lake = try lake.open()
                var selector: PartitionSelector?
                if let partition {
                    guard let s = PartitionSelector.parse(partition) else {
                        throw LakeError(.usage, "--partition '\(partition)' is not dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD")
                    }
                    selector = s
                }
                var fileFormat: FileFormat?
                if let format {
                    guard let f = FileFormat(rawValue: format) else {
                        throw LakeError(.usage, "unknown --format '\(format)'",
                                        remedy: "use raw, csv.gz, bcol, manifest or quarantine")
                    }
                    fileFormat = f
                }
                let files = try lake.catalog.files(table: table, selector: selector, format: fileFormat,
                                                   status: all ? nil : .active)
                if output.json {
                    struct Doc: Encodable { var files: [FileRecord] }
                    return try Output.json(Doc(files: files))
                }
                Output.out(Output.table(["path", "format", "status", "rows", "bytes", "sha256"], files.map { f in
                    [f.path, f.format.rawValue, f.status.rawValue, "\(f.rows)", "\(f.bytes)", String(f.sha256.prefix(16))]
                }))
                Output.out("\(files.count) files")
            }
        }
    }

    struct Schemas: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List table schema versions and their fingerprints.")
        @OptionGroup var lake: LakeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this table.") var table: String?

        func run() throws {
            try guarded {
                let lake = try lake.open()
                let rows = try lake.catalog.schemaVersions(table: table)
                if output.json {
                    struct Doc: Encodable { var schemas: [SchemaVersionRecord] }
                    return try Output.json(Doc(schemas: rows))
                }
                Output.out(Output.table(["table", "version", "fingerprint", "first batch", "columns"], rows.map { s in
                    [s.table, "\(s.version)", s.fingerprint, s.firstBatch ?? "",
                     s.columns.count > 80 ? String(s.columns.prefix(77)) + "..." : s.columns]
                }))
            }
        }
    }

    struct Lineage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show lineage edges: which batch or files each file was made from.")
        @OptionGroup var lake: LakeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only files made from this batch.") var batch: String?
        @Option(help: "Only edges touching this file id.") var file: String?

        func run() throws {
            try guarded {
                let lake = try lake.open()
                let rows = try lake.catalog.lineage(batchID: batch, fileID: file)
                if output.json {
                    struct Doc: Encodable { var lineage: [LineageRecord] }
                    return try Output.json(Doc(lineage: rows))
                }
                Output.out(Output.table(["file", "made from", "parent", "relation", "at"], rows.map { l in
                    [l.childFileID, l.parentKind, l.parentID, l.relation, l.createdAt]
                }))
            }
        }
    }
}
