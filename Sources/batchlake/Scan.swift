import ArgumentParser
import Foundation
import LakeCore
import LakePipeline
import LakeStorage

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a table from the lake's columnar files, with partition pruning and row-group skipping.",
        discussion: """
            Partitions are pruned by the catalog, files by Bloom filters and statistics, row groups by statistics;
            --explain says what each saved.

              $ batchlake scan flats --where "listing_id = 110990173" --columns listing_id,modified_at,total_rent
              $ batchlake scan flats --partition dt=2019-01-13 --where "total_rent >= 2000" --format csv
              $ batchlake scan flats --since 2019-01-13T05 --until 2019-01-13T07 --limit 10 --format jsonl
            """)

    @OptionGroup var lake: LakeOptions
    @Argument(help: "The table: flats, address, agency, quarter, city, region, country.") var table: String
    @Option(help: "Only this partition: dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD.") var partition: String?
    @Option(help: ArgumentHelp("Partitions from this hour on (YYYY-MM-DDTHH or ISO-8601).", valueName: "time"))
    var since: String?
    @Option(help: ArgumentHelp("Partitions before this hour (YYYY-MM-DDTHH or ISO-8601).", valueName: "time"))
    var until: String?
    @Option(help: ArgumentHelp("Columns to print, comma-separated (default: all).", valueName: "a,b"))
    var columns: String?
    @Option(name: .customLong("where"), help: ArgumentHelp(
        "A filter `col OP value` with OP one of = != < <= > >=; repeat to AND them.", valueName: "predicate"))
    var predicates: [String] = []
    @Option(help: "At most this many rows.") var limit: Int?
    @Option(help: "Output: table (for people), csv (RFC 4180 with a header) or jsonl (one object per row).")
    var format: String = "table"
    @Flag(help: "Print on stderr what was pruned and skipped (with --json on stdout instead of rows).") var explain = false
    @Flag(help: "With --explain: print the explanation as JSON on stdout instead of the rows.") var json = false

    func validate() throws {
        if !["table", "csv", "jsonl"].contains(format) { throw ValidationError("--format must be table, csv or jsonl") }
        if let partition, PartitionSelector.parse(partition) == nil {
            throw ValidationError("--partition '\(partition)' is not dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD")
        }
        for text in [since, until].compactMap({ $0 }) where Scan.hour(text) == nil {
            throw ValidationError("'\(text)' is not a time (YYYY-MM-DDTHH or ISO-8601 like 2019-01-13T05:00Z)")
        }
        for p in predicates where ScanPredicate.parse(p) == nil {
            throw ValidationError("--where '\(p)' is not `col OP value` with OP one of = != < <= > >=")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    /// The partition hour of a time: its hour, truncated.
    static func hour(_ text: String) -> PartitionKey? {
        if let key = PartitionKey.parse(text) { return key }
        if text.count >= 13, let key = PartitionKey.parse(String(text.prefix(13))) { return key }
        return nil
    }

    func run() throws {
        try guarded {
            let lake = try lake.open()
            var request = ScanRequest(table: table)
            request.selector = partition.flatMap(PartitionSelector.parse)
            request.since = since.flatMap(Scan.hour)
            request.until = until.flatMap(Scan.hour)
            request.columns = columns?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            request.predicates = predicates.compactMap(ScanPredicate.parse)
            request.limit = limit
            let printer = RowPrinter(format: format, quiet: explain && json, schema: try lake.projectedSchema(request))
            let (_, explanation) = try lake.scan(request) { row in
                printer.add(row)
                return true
            }
            printer.finish()
            if explain {
                if json { return try Output.json(explanation) }
                Output.err(Scan.describe(explanation))
            }
        }
    }

    static func describe(_ e: ScanExplain) -> String {
        """
        explain: table \(e.table)\(e.predicates.isEmpty ? "" : " where " + e.predicates.joined(separator: " and "))
          partitions: \(e.partitionsInTable) in table, \(e.partitionsPruned) pruned by the catalog
          files: \(e.filesConsidered) considered, \(e.filesSkippedByBloomFilter) skipped by Bloom filter, \
        \(e.filesSkippedByStatistics) skipped by statistics
          row groups: \(e.rowGroupsRead) read, \(e.rowGroupsSkippedByStatistics) skipped by statistics
          rows: \(e.rowsRead) read, \(e.rowsReturned) returned
        """
    }
}

/// Prints rows as they come (csv, jsonl: streamed through a 64 KiB buffer) or gathered for alignment (table).
final class RowPrinter {
    let format: String
    let quiet: Bool
    let names: [String]
    private var rows: [[String]] = []
    private var out: [UInt8] = []

    init(format: String, quiet: Bool, schema: TableSchema) {
        self.format = format
        self.quiet = quiet
        self.names = schema.columns.map(\.name)
        guard !quiet, format == "csv" else { return }
        for (i, name) in names.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            CSVGzipWriter.appendField(name.utf8, to: &out)
        }
        out.append(10)
    }

    func add(_ row: [Value]) {
        guard !quiet else { return }
        switch format {
        case "csv":
            for (i, value) in row.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if let text = ValueFormatter.text(value) { CSVGzipWriter.appendField(text.utf8, to: &out) }
            }
            out.append(10)
        case "jsonl":
            out.append(UInt8(ascii: "{"))
            for (i, value) in row.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                JSONText.appendString(names[i], to: &out)
                out.append(contentsOf: ": ".utf8)
                RowPrinter.appendJSON(value, to: &out)
            }
            out.append(contentsOf: "}\n".utf8)
        default:
            rows.append(row.map(RowPrinter.tableCell))
        }
        if out.count >= 1 << 16 { flush() }
    }

    /// A value as a table cell: at most 40 characters on one line. Looks at the first 41 characters only, so a long
    /// text (a listing's attachments run to kilobytes) costs no more than a short one.
    static func tableCell(_ value: Value) -> String {
        guard let text = ValueFormatter.text(value) else { return "NULL" }
        let head = text.prefix(41)
        let cell = head.count > 40 ? String(head.prefix(39)) + "…" : String(head)
        return cell.replacingOccurrences(of: "\n", with: " ")
    }

    private func flush() {
        FileHandle.standardOutput.write(Data(out))
        out.removeAll(keepingCapacity: true)
    }

    func finish() {
        guard !quiet else { return }
        if format == "table" {
            Output.out(Output.table(names, rows))
            Output.out("\(rows.count) rows")
        }
        flush()
    }

    /// JSON for a value: numbers as numbers (decimals exact), timestamps and dates as strings, NULL as null.
    static func appendJSON(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int, .decimal: out.append(contentsOf: ValueFormatter.text(value)!.utf8)
        case .double(let d):
            if d.isFinite { out.append(contentsOf: ValueFormatter.text(value)!.utf8) } else {
                JSONText.appendString(ValueFormatter.text(value)!, to: &out)
            }
        case .timestamp, .date, .text: JSONText.appendString(ValueFormatter.text(value)!, to: &out)
        }
    }
}
