import ArgumentParser
import Foundation
import LakeCore
import LakePipeline

struct Lineage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trace an input file, a partition or a listing from input to warehouse, reconciling row counts.",
        discussion: """
            The argument is an input file name (or path, or batch id), a partition dt=YYYY-MM-DD/hour=HH (or
            dt=YYYY-MM-DD), or a listing id. Each hop (input lines -> raw object -> clean files per table ->
            compactions -> manifest -> warehouse loads) is checked: `match`, `explained` (the counts differ for a
            recorded reason: bad lines, duplicates, versions already in the lake, compaction), `pending` (the
            warehouse holds an older data version, or none) or `mismatch`. Exits 1 when any hop mismatches.
            (`batchlake catalog lineage` lists the raw lineage edges instead.)

              $ batchlake lineage immobilienscout24_berlin_20190113_05.zip
              $ batchlake lineage dt=2019-01-13/hour=05 --table flats
              $ batchlake lineage 110990173 --json
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "An input file name, a partition dt=YYYY-MM-DD[/hour=HH], or a listing id.") var subject: String
    @Option(help: "Only this table's hops.") var table: String?

    func run() throws {
        try guarded {
            let lake = try lake.open()
            let report = try lake.lineage(try lake.lineageSubject(subject), table: table)
            if output.json {
                try Output.json(report)
            } else {
                Output.out(Lineage.render(report))
            }
            if !report.consistent { throw ExitCode(1) }
        }
    }

    static func render(_ report: LineageReport) -> String {
        var lines: [String] = []
        for b in report.batches {
            lines.append("batch \(b.batchID)  \(b.fileName)  \(b.status)  \(b.partition) (hour from \(b.hourRule))")
            lines.append("  input    \(b.inputURI)  \(b.bytes) bytes  sha256 \(b.sha256.prefix(16))…")
            lines.append("  lines    \(b.records) read, \(b.good) good, \(b.bad) bad, \(b.duplicates) duplicates, "
                         + "\(b.knownVersions) known versions, \(b.blankLines) blank")
            for f in b.raw { lines.append("  raw      \(f.path)  \(f.status)") }
            for f in b.quarantine { lines.append("  bad      \(f.path)  \(f.rows) lines") }
            if let s = b.supersedes { lines.append("  supersedes \(s)") }
            if let s = b.supersededBy { lines.append("  superseded by \(s)") }
        }
        if !report.versions.isEmpty {
            lines.append("listing \(report.subject): \(report.versions.count) versions")
            for v in report.versions {
                lines.append("  \(v.modifiedAt)  batch \(v.batchID) (\(v.fileName ?? "?"))  \(v.partition ?? "?")  "
                             + (v.found ? "found" : "NOT FOUND") + "  " + v.files.joined(separator: ", "))
            }
        }
        for t in report.tables {
            lines.append("\(t.table) \(t.partition)  version \(t.dataVersion)  \(t.partitionRows) rows in "
                         + "\(t.partitionFiles) files; \(t.rows) from the subject")
            for f in t.files {
                var line = "  \(f.format == "csv.gz" ? "csv " : f.format == "bcol" ? "bcol" : f.format) \(f.path)  "
                    + "\(f.rows) rows  \(f.status)"
                if !f.compactedInto.isEmpty { line += " -> " + f.compactedInto.joined(separator: ", ") }
                if f.inManifest == false { line += "  (not in manifest)" }
                lines.append(line)
            }
            if let m = t.manifest { lines.append("  manifest \(m.path)  \(m.entries) entries") }
            for l in t.loads {
                lines.append("  load     \(l.warehouse) \(l.schema)  \(l.kind) \(l.status)  \(l.rows.map(String.init) ?? "-") "
                             + "rows  version \(l.dataVersion)\(l.current ? "" : " (stale)")  \(l.startedAt)")
            }
        }
        lines.append("checks:")
        for c in report.checks {
            let counts = [c.rowsIn.map(String.init), c.rowsOut.map(String.init)].compactMap { $0 }
                .joined(separator: " -> ")
            lines.append("  \(c.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(c.hop)"
                         + (counts.isEmpty ? "" : "  [\(counts)]") + ": \(c.note)")
        }
        let mismatches = report.checks.filter { $0.state == .mismatch }.count
        lines.append(mismatches == 0 ? "consistent: every hop's rows reconcile"
                     : "\(mismatches) hops do not reconcile (run `batchlake verify`)")
        return lines.joined(separator: "\n")
    }
}
