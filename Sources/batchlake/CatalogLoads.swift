import ArgumentParser
import Foundation
import LakeCatalog
import LakeCore
import LakePipeline
import LakeWarehouse

extension CatalogCommand {
    struct Loads: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List warehouse loads: warehouse, table, partition, data version, rows, status, timings.",
            discussion: """
                Warehouses are shown without passwords. --pending lists the partitions a load would handle.

                  $ batchlake catalog loads --warehouse postgres://loader@127.0.0.1:5432/lake --pending
                """)
        @OptionGroup var lake: LakeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: ArgumentHelp("Only loads into this warehouse (its password, if any, is ignored).",
                                   valueName: "url")) var warehouse: String?
        @Option(help: "With --pending: the warehouse schema (default: public).") var schema = "public"
        @Option(help: "Only this table.") var table: String?
        @Option(help: "Only this partition: dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD.") var partition: String?
        @Option(help: "Only loads with this status: running, loaded, failed.") var status: String?
        @Flag(help: "List the partitions whose data version the warehouse does not hold (needs --warehouse).")
        var pending = false

        func validate() throws {
            if let partition, PartitionSelector.parse(partition) == nil {
                throw ValidationError("--partition '\(partition)' is not dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD")
            }
            if pending && warehouse == nil { throw ValidationError("--pending needs --warehouse") }
        }

        func run() throws {
            try guarded {
                let lake = try lake.open()
                let selector = partition.flatMap(PartitionSelector.parse)
                if pending, let warehouse {
                    var options = LoadOptions(warehouse: warehouse)
                    options.schema = schema
                    options.table = table
                    options.selector = selector
                    let rows = try lake.pendingLoads(options)
                    if output.json {
                        struct Doc: Encodable { var pending: [PartitionRecord] }
                        return try Output.json(Doc(pending: rows))
                    }
                    Output.out(Output.table(["table", "partition", "version", "rows"], rows.map {
                        [$0.table, $0.partition.path, "\($0.dataVersion)", "\($0.rows)"]
                    }))
                    return Output.out("\(rows.count) partitions need a load")
                }
                var filter: LoadStatus?
                if let status {
                    guard let s = LoadStatus(rawValue: status) else {
                        throw LakeError(.usage, "unknown --status '\(status)'", remedy: "use running, loaded or failed")
                    }
                    filter = s
                }
                let identity = try warehouse.map { try WarehouseURL($0).identity }
                let loads = try lake.catalog.loads(warehouse: identity, table: table, selector: selector, status: filter)
                if output.json {
                    struct Doc: Encodable { var loads: [LoadRecord] }
                    return try Output.json(Doc(loads: loads))
                }
                Output.out(Output.table(
                    ["started", "warehouse", "schema", "table", "partition", "version", "kind", "files", "rows",
                     "status", "s", "error"],
                    loads.map { l in
                        [l.startedAt, l.warehouse, l.schema, l.table, l.partition.path, "\(l.dataVersion)", l.kind,
                         "\(l.files.count)", l.rows.map { "\($0)" } ?? "", l.status.rawValue,
                         l.seconds.map { String(format: "%.2f", $0) } ?? "",
                         String((l.error ?? "").split(separator: "\n").first ?? "").prefix(80).description]
                    }))
                Output.out("\(loads.count) loads")
            }
        }
    }
}
