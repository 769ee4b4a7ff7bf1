import ArgumentParser
import Foundation
import LakeCore
import LakePipeline

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace one historical partition in the warehouse from the lake.",
        discussion: """
            Replaces exactly that partition (every table, or --table), whatever the warehouse holds, printing its
            row counts before and after. Where a CSV.gz file is gone, it is regenerated from the columnar file.

              $ batchlake reload --warehouse postgres://loader@127.0.0.1:5432/lake --partition dt=2019-01-13/hour=05
              reloaded flats dt=2019-01-13/hour=05: 0 rows before, 500 after (500 from the lake) in 0.19 s
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var target: WarehouseOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The partition: dt=YYYY-MM-DD/hour=HH, or dt=YYYY-MM-DD for a whole day.") var partition: String
    @Option(help: "Only this table (default: every table of the spec).") var table: String?
    @Flag(help: "Print the SQL that would run; connect to nothing.") var dryRun = false

    func validate() throws {
        if PartitionSelector.parse(partition) == nil {
            throw ValidationError("--partition '\(partition)' is not dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD")
        }
    }

    func run() throws {
        try guarded {
            var options = try target.options()
            options.table = table
            options.selector = PartitionSelector.parse(partition)
            options.reload = true
            options.dryRun = dryRun
            try runLoad(lake: lake.open(), options: options, json: output.json)
        }
    }
}
