import ArgumentParser
import Foundation
import LakeCatalog
import LakeCore
import LakePipeline

struct Compact: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge each partition's small files into as few as the target size allows, atomically.",
        discussion: """
            Compaction changes no data: rows, the partition's data version and what loads see stay the same;
            inputs move to lake/_trash/ (vacuum deletes them later) and lineage maps them to the output.

              $ batchlake compact                                  # every partition with more than one file
              $ batchlake compact --table flats --older-than 2h    # only partitions quiet for two hours
              $ batchlake compact --every 1h                       # run hourly until SIGINT/SIGTERM

            One-shot from cron:    0 * * * *  cd /srv/lake && batchlake compact --older-than 1h
            systemd timer:         OnCalendar=hourly, ExecStart=/usr/local/bin/batchlake compact --older-than 1h
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this table.") var table: String?
    @Option(help: "Only this partition: dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD.") var partition: String?
    @Option(name: .customLong("older-than"), help: ArgumentHelp(
        "Only partitions whose newest file is older than this (0s, 90s, 30m, 12h, 7d).", valueName: "duration"))
    var olderThan: String?
    @Option(name: .customLong("target-size"), help: ArgumentHelp(
        "Columnar bytes per output file (default 128MB).", valueName: "size"))
    var targetSize: String = "128MB"
    @Option(help: ArgumentHelp("Run again at this interval until interrupted.", valueName: "duration"))
    var every: String?
    @Flag(name: .customLong("dry-run"), help: "Say what would be compacted; change nothing.") var dryRun = false

    func validate() throws {
        if let partition, PartitionSelector.parse(partition) == nil {
            throw ValidationError("--partition '\(partition)' is not dt=YYYY-MM-DD/hour=HH or dt=YYYY-MM-DD")
        }
        if let olderThan, Quantity.seconds(olderThan) == nil { throw ValidationError("--older-than '\(olderThan)' is not a duration like 30m") }
        if let every, (Quantity.seconds(every) ?? 0) <= 0 { throw ValidationError("--every '\(every)' is not a positive duration like 1h") }
        if Quantity.bytes(targetSize) == nil { throw ValidationError("--target-size '\(targetSize)' is not a size like 128MB") }
    }

    func run() throws {
        try guarded {
            let lake = try lake.open()
            var options = CompactionOptions()
            options.table = table
            options.selector = partition.flatMap(PartitionSelector.parse)
            options.olderThan = olderThan.flatMap(Quantity.seconds)
            options.targetBytes = Quantity.bytes(targetSize)!
            options.dryRun = dryRun
            let stop = Signals.installStopFlag()
            repeat {
                let report = try lake.compact(options)
                if output.json { try Output.json(report) } else { Compact.print(report) }
                guard let every = every.flatMap(Quantity.seconds) else { break }
                var slept = 0.0
                while slept < every && !stop.isStopped {
                    usleep(200_000)
                    slept += 0.2
                }
            } while !stop.isStopped
            if stop.isStopped { throw ExitCode(130) }
        }
    }

    static func print(_ report: CompactionReport) {
        if report.partitions.isEmpty {
            Output.out("nothing to compact: no partition has more than one file")
            return
        }
        Output.out(Output.table(["table", "partition", "files in", "files out", "rows in", "rows out", "bytes in",
                                 "bytes out", "note"], report.partitions.map { p in
            [p.table, p.partition, "\(p.filesIn)", "\(p.filesOut)", "\(p.rowsIn)", "\(p.rowsOut)", "\(p.bytesIn)",
             "\(p.bytesOut)", p.skipped ?? ""]
        }))
        Output.out("\(report.dryRun ? "would compact" : "compacted") \(report.partitions.count) partitions in run \(report.runID) "
            + String(format: "(%.2f s)", report.seconds))
    }
}

struct Vacuum: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete retired files past their retention, orphans no catalog row names, and dead staging.",
        discussion: """
            Never touches an active file. Retired files (replaced by a compaction or a superseding batch) wait in
            lake/_trash/ for the retention, so a reader that started before the change can finish.

              $ batchlake vacuum --retain 7d --dry-run
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var output: OutputOptions
    @Option(help: ArgumentHelp("Keep retired files this long (0s allowed).", valueName: "duration"))
    var retain: String = "7d"
    @Flag(name: .customLong("dry-run"), help: "List what would be deleted; delete nothing.") var dryRun = false

    func validate() throws {
        if Quantity.seconds(retain) == nil { throw ValidationError("--retain '\(retain)' is not a duration like 7d") }
    }

    func run() throws {
        try guarded {
            let lake = try lake.open()
            let report = try lake.vacuum(retainSeconds: Quantity.seconds(retain)!, dryRun: dryRun)
            if output.json { return try Output.json(report) }
            let verb = dryRun ? "would delete" : "deleted"
            for path in report.retiredDeleted { Output.out("\(verb) retired  \(path)") }
            for path in report.orphansDeleted { Output.out("\(verb) orphan   \(path)") }
            for path in report.orphansKept { Output.out("kept young orphan  \(path) (may be in flight)") }
            for path in report.stagingRemoved { Output.out("\(verb) staging  \(path)") }
            Output.out("\(verb) \(report.retiredDeleted.count) retired files and \(report.orphansDeleted.count) orphans, "
                + "\(report.bytesFreed) bytes")
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that the lake holds exactly what the catalog says; exit 1 on any mismatch.",
        discussion: """
            Every file the catalog names must exist with its size and SHA-256 (--deep also decodes every columnar
            page); manifests must list exactly the active CSV files; CSV and columnar files must hold the same rows;
            any file in the zones that no catalog row names is an orphan.

              $ batchlake verify --deep
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Also decode every columnar file fully.") var deep = false

    func run() throws {
        try guarded {
            let lake = try lake.open()
            let report = try lake.verify(deep: deep)
            if output.json {
                try Output.json(report)
            } else {
                for p in report.problems { Output.out("\(p.kind)  \(p.path)  \(p.detail)") }
                Output.out(report.isConsistent
                    ? "consistent: \(report.filesChecked) files, \(report.bytesChecked) bytes checked\(deep ? " (deep)" : "")"
                    : "\(report.problems.count) problems in \(report.filesChecked) files checked")
            }
            if !report.isConsistent { throw ExitCode(1) }
        }
    }
}

/// SIGINT and SIGTERM set a stop flag, so long-running commands finish the unit in hand and stop.
enum Signals {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

    /// - Parameter notice: printed on stderr when a signal arrives.
    static func installStopFlag(notice: String? = nil) -> StopFlag {
        let flag = StopFlag()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if let notice { Output.err(notice) }
                flag.stop()
            }
            source.resume()
            sources.append(source)
        }
        return flag
    }
}
