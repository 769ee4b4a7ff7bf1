import ArgumentParser
import Foundation
import LakeCore
import LakePipeline
import LakeWarehouse

/// Options `load` and `reload` share: the warehouse, its schema, and how Redshift reaches the lake.
struct WarehouseOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The warehouse: postgres://user[:password]@host:port/db or redshift://… (default: $BATCHLAKE_WAREHOUSE; "
            + "missing parts from PGHOST, PGPORT, PGUSER, PGDATABASE; password also from PGPASSWORD or ~/.pgpass).",
        valueName: "url"))
    var warehouse: String?

    @Option(help: "The warehouse schema holding the tables (default: public).")
    var schema = "public"

    @Option(name: .customLong("s3-lake"), help: ArgumentHelp(
        "Redshift: the lake's S3 location, s3://bucket/prefix (default: $BATCHLAKE_S3_LAKE).", valueName: "url"))
    var s3Lake: String?

    @Option(name: .customLong("iam-role"), help: ArgumentHelp(
        "Redshift: the IAM role COPY assumes to read the lake (default: $BATCHLAKE_REDSHIFT_IAM_ROLE; else "
            + "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN).", valueName: "arn"))
    var iamRole: String?

    @Option(help: "Redshift: the S3 bucket's region when it differs from the cluster's (default: $BATCHLAKE_S3_REGION).")
    var region: String?

    func options() throws -> LoadOptions {
        let env = ProcessInfo.processInfo.environment
        func value(_ option: String?, _ name: String) -> String? {
            option ?? env[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let url = value(warehouse, "BATCHLAKE_WAREHOUSE") else {
            throw LakeError(.usage, "no warehouse given",
                            remedy: "pass --warehouse postgres://user@host:port/db or set BATCHLAKE_WAREHOUSE")
        }
        var options = LoadOptions(warehouse: url)
        options.schema = schema
        if let lakeURL = value(s3Lake, "BATCHLAKE_S3_LAKE") {
            options.redshift = RedshiftCopySource(
                lakeURL: lakeURL, iamRole: value(iamRole, "BATCHLAKE_REDSHIFT_IAM_ROLE"),
                accessKeyID: env["AWS_ACCESS_KEY_ID"], secretAccessKey: env["AWS_SECRET_ACCESS_KEY"],
                sessionToken: env["AWS_SESSION_TOKEN"], region: value(region, "BATCHLAKE_S3_REGION"))
        }
        return options
    }
}

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load every partition the warehouse does not hold yet, oldest first, one transaction each.",
        discussion: """
            Creates the schema and tables from the pipeline spec when missing (a new spec column becomes ALTER TABLE
            ADD). Facts replace their partition's rows; dimensions upsert by natural key, the newest partition wins.
            A partition whose data version the warehouse holds is skipped, so loading twice changes nothing.
            Every load is recorded in the catalog (`batchlake catalog loads`).

              $ batchlake load --warehouse postgres://loader@127.0.0.1:5432/lake
              loaded flats dt=2019-01-13/hour=00: 500 rows in 0.21 s
              …
              loaded 168 partitions, 20123 rows in 9.8 s (2053 rows/s); 0 up to date

            Redshift reads the lake from S3 through each partition's COPY manifest; --dry-run prints the SQL:

              $ batchlake load --warehouse redshift://admin@cluster:5439/dev --s3-lake s3://bucket/lake \\
                  --iam-role arn:aws:iam::123456789012:role/batchlake-copy --dry-run
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var target: WarehouseOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this table (default: every table of the spec).") var table: String?
    @Option(help: "Only this partition: dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD (default: all).") var partition: String?
    @Option(help: "Only partitions at or after this hour: 2019-01-13T05 or dt=2019-01-13/hour=05.") var since: String?
    @Flag(help: "Print the SQL that would run; connect to nothing.") var dryRun = false

    func validate() throws {
        if let partition, PartitionSelector.parse(partition) == nil {
            throw ValidationError("--partition '\(partition)' is not dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD")
        }
        if let since, PartitionKey.parse(since) == nil {
            throw ValidationError("--since '\(since)' is not YYYY-MM-DDTHH or dt=YYYY-MM-DD/hour=HH")
        }
        if partition != nil && since != nil { throw ValidationError("give --partition or --since, not both") }
    }

    func run() throws {
        try guarded {
            var options = try target.options()
            options.table = table
            options.selector = partition.flatMap(PartitionSelector.parse)
            options.since = since.flatMap(PartitionKey.parse)
            options.dryRun = dryRun
            try runLoad(lake: lake.open(), options: options, json: output.json)
        }
    }
}

/// Runs a load or reload and renders it; shared by `load` and `reload`.
func runLoad(lake: Lake, options: LoadOptions, json: Bool) throws {
    let report: LoadReport
    do {
        report = try lake.load(options) { p in
            guard !json else { return }
            if let error = p.error {
                Output.err("failed \(p.table) \(p.partition): \(error)")
            } else if let before = p.rowsBefore, let after = p.rowsAfter {
                Output.out("reloaded \(p.table) \(p.partition): \(before) rows before, \(after) after "
                           + "(\(p.rows) from the lake) in \(String(format: "%.2f", p.seconds)) s")
            } else {
                Output.out("loaded \(p.table) \(p.partition): \(p.rows) rows in \(String(format: "%.2f", p.seconds)) s")
            }
        }
    } catch let failure as LakeLoadFailure {
        if json { try Output.json(failure.report) } else { summary(failure.report, verb: options.reload) }
        throw failure.error
    }
    if json { return try Output.json(report) }
    if report.dryRun {
        for statement in report.sql { Output.out(statement + ";") }
        Output.out("-- \(report.partitions.count) partitions to load into \(report.warehouse) schema \(report.schema)")
        return
    }
    summary(report, verb: options.reload)
}

private func summary(_ report: LoadReport, verb reload: Bool) {
    let loaded = report.partitions.count - report.failed
    var line = "\(reload ? "reloaded" : "loaded") \(loaded) partitions, \(report.rows) rows in "
        + "\(String(format: "%.1f", report.seconds)) s (\(Int(report.rowsPerSecond)) rows/s) into \(report.warehouse)"
    if !reload { line += "; \(report.upToDate) up to date" }
    if report.failed > 0 { line += "; \(report.failed) failed" }
    Output.out(line)
}
