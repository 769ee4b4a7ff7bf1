import ArgumentParser
import LakeCore
import LakePipeline

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Regenerate CSV.gz files and COPY manifests of a table from its columnar files.",
        discussion: """
            Writes <out>/<table>/dt=…/hour=…/part-<id>.csv.gz and manifest.json, the lake's own layout, so the CSV
            zone can be rebuilt from the columnar files at any time.

              $ batchlake export flats --partition dt=2019-01-13/hour=05 --out /tmp/export
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The table.") var table: String
    @Option(help: "Only this partition: dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD (default: all).") var partition: String?
    @Option(help: ArgumentHelp("The folder to write into.", valueName: "dir")) var out: String

    func validate() throws {
        if let partition, PartitionSelector.parse(partition) == nil {
            throw ValidationError("--partition '\(partition)' is not dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD")
        }
    }

    func run() throws {
        try guarded {
            let lake = try lake.open()
            let report = try lake.export(table: table, selector: partition.flatMap(PartitionSelector.parse),
                                         outputRoot: out)
            if output.json { return try Output.json(report) }
            Output.out("exported \(report.rows) rows of \(table) in \(report.partitions.count) partitions to \(out)")
        }
    }
}
