import ArgumentParser
import LakePipeline

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show work in flight, work waiting and the last errors, from the catalog.",
        discussion: """
            Reads only. Batches and compactions in flight show their owner (host:pid) and lease; an owner that is a
            dead process of this host is marked, and the next writing command recovers its work.

              $ batchlake status --json
            """)

    @OptionGroup var lake: LakeOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try guarded {
            let status = try lake.open().status()
            if output.json { return try Output.json(status) }
            Output.out("workers seen in the last 10 minutes: \(status.workers.isEmpty ? "none" : "")")
            for w in status.workers {
                Output.out("  \(w.worker) \(w.state) last seen \(w.lastSeen), \(w.batches) batches"
                    + (w.queue.map { " on \($0)" } ?? "") + (w.lastError.map { "; last error: \($0.prefix(120))" } ?? ""))
            }
            Output.out("batches: " + status.batchesByStatus.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            Output.out("in flight: \(status.inFlight.isEmpty ? "nothing" : "")")
            for item in status.inFlight {
                Output.out("  \(item.kind) \(item.id) owner \(item.owner) lease until \(item.leaseUntil)"
                    + (item.ownerGone ? " (owner gone: the next writing command recovers it)" : ""))
            }
            if !status.committedUnpublished.isEmpty {
                Output.out("committed, not yet published: " + status.committedUnpublished.joined(separator: ", "))
            }
            Output.out("partitions awaiting compaction: \(status.partitionsAwaitingCompaction.count)")
            for p in status.partitionsAwaitingCompaction.prefix(10) { Output.out("  \(p)") }
            if !status.partitionsAwaitingLoad.isEmpty {
                Output.out("partitions awaiting load: \(status.partitionsAwaitingLoad.count)")
                for p in status.partitionsAwaitingLoad.prefix(10) { Output.out("  \(p)") }
            }
            if !status.deadMessages.isEmpty {
                Output.out("dead queue messages: \(status.deadMessages.count)")
                for m in status.deadMessages.prefix(10) { Output.out("  \(m.prefix(200))") }
            }
            Output.out("last errors: \(status.lastErrors.isEmpty ? "none" : "")")
            for f in status.lastErrors { Output.out("  \(f.at) \(f.kind) \(f.id): \(f.error.prefix(200))") }
        }
    }
}
