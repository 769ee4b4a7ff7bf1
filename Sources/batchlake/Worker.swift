import ArgumentParser
import Foundation
import LakeCore
import LakePipeline

struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest batches as they are announced: files dropped in an inbox folder, or S3 events on SQS.",
        discussion: """
            Receives a message, ingests the batch it names, loads it with --load, and only then acknowledges it
            (moves the file to done/, or deletes the SQS message). A worker killed in the middle leaves its message
            to come back; the redelivery is a no-op for what had committed. Several workers may share one inbox or
            queue and one catalog: each batch lands exactly once.

            Inbox (the default queue, ./inbox): a file is taken once nothing has written to it for --settle
            seconds; hidden files and *.tmp, *.part, *.partial are never taken. Finished files move to done/,
            refused ones to failed/ beside <name>.error.txt; a file that fails for a temporary reason goes back
            to the inbox and moves to failed/ after --max-receives tries.

              $ batchlake worker --inbox inbox --once
              immobilienscout24_berlin_20190113_05.zip  done  ingested dt=2019-01-13/hour=05  moved to inbox/done/...

            SIGINT or SIGTERM: the message in hand is finished, then the worker exits 0. --once exits when a
            receive brings nothing. --json prints one JSON object per message (JSON lines) for log collectors.
            """)

    @OptionGroup var lake: LakeOptions

    @Option(help: ArgumentHelp("The inbox folder to watch (default: ./inbox when no --queue is given).",
                               valueName: "dir"))
    var inbox: String?

    @Option(help: ArgumentHelp(
        "An SQS queue of S3 event notifications: sqs://REGION/ACCOUNT/NAME, or its URL (default: $BATCHLAKE_QUEUE).",
        valueName: "queue"))
    var queue: String?

    @Option(name: .customLong("visibility-timeout"), help: ArgumentHelp(
        "SQS: seconds a received message stays hidden from other workers; extended while its batch runs "
            + "(default: 300).",
        valueName: "seconds"))
    var visibilityTimeout = 300

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("SQS: messages per receive, 1 to 10 (default: 1).",
                                                                valueName: "n"))
    var batchSize = 1

    @Flag(help: "Exit when a receive brings no message and none is in hand.")
    var once = false

    @Option(help: ArgumentHelp("Inbox: seconds a file must stay unwritten before it is taken (default: 2).",
                               valueName: "seconds"))
    var settle: Double = 2

    @Option(name: .customLong("max-receives"), help: ArgumentHelp(
        "Tries of a message that fails for a temporary reason before it is given up (default: 5).", valueName: "n"))
    var maxReceives = 5

    @Option(help: ArgumentHelp("Longest wait of one receive, in seconds (default: 10; inbox polls every 0.2 s).",
                               valueName: "seconds"))
    var wait: Double = 10

    @Option(help: ArgumentHelp(
        "Load each committed batch into this warehouse: postgres://… or redshift://… "
            + "(see `batchlake load --help`).",
        valueName: "url"))
    var load: String?

    @Option(help: "The warehouse schema for --load (default: public).")
    var schema = "public"

    @Flag(help: "Print one JSON object per message (JSON lines, each with a \"version\" key).")
    var json = false

    func validate() throws {
        if settle < 0 { throw ValidationError("--settle must be 0 or more seconds") }
        if maxReceives < 1 { throw ValidationError("--max-receives must be at least 1") }
        if wait < 0 { throw ValidationError("--wait must be 0 or more seconds") }
        if queue != nil && inbox != nil { throw ValidationError("give --queue or --inbox, not both") }
        if !(1...10).contains(batchSize) { throw ValidationError("--batch-size must be 1 to 10") }
        if !(10...43_200).contains(visibilityTimeout) {
            throw ValidationError("--visibility-timeout must be 10 to 43200 seconds")
        }
    }

    func run() throws {
        try guarded {
            let lake = try lake.open()
            let env = ProcessInfo.processInfo.environment
            let fromEnvironment = inbox == nil ? env["BATCHLAKE_QUEUE"].flatMap { $0.isEmpty ? nil : $0 } : nil
            let workQueue: any WorkQueue
            if let reference = self.queue ?? fromEnvironment {
                workQueue = try Lake.sqsQueue(reference, visibility: visibilityTimeout, maxReceives: maxReceives)
            } else {
                workQueue = try InboxQueue(folder: inbox ?? "inbox", settle: settle, maxAttempts: maxReceives)
            }
            var options = WorkerOptions()
            options.once = once
            options.wait = wait
            options.batchSize = batchSize
            options.keepAliveEvery = Double(visibilityTimeout) / 3
            if let load {
                var loadOptions = LoadOptions(warehouse: load)
                loadOptions.schema = schema
                options.load = loadOptions
            }
            let stop = Signals.installStopFlag(notice: "worker: stopping after the message in hand")
            Output.err("worker: watching \(workQueue.name)"
                + (once ? " until it is empty" : "; SIGINT or SIGTERM stops"))
            let summary = try lake.runWorker(queue: workQueue, options: options, stop: stop,
                                             notice: { Output.err("worker: " + $0) }) { event in
                if json { try? Output.jsonLine(event) } else { Output.err(Worker.line(event)) }
            }
            let text = "worker: \(summary.messages) messages: \(summary.done) done, \(summary.ignored) ignored, "
                + "\(summary.rejected) rejected, \(summary.retried) to retry, \(summary.dead) dead; "
                + "\(summary.batchesIngested) batches ingested"
            Output.err(text)
        }
    }

    static func line(_ e: WorkerEvent) -> String {
        let batches = e.batches.map { b -> String in
            let what: String
            switch b.outcome {
            case .ingested: what = "ingested \(b.partition ?? "")"
            case .alreadyIngested: what = "already ingested"
            case .refused: what = "refused: \(b.message ?? "")"
            case .inProgress: what = "in progress elsewhere"
            }
            return what
        }.joined(separator: "; ")
        var parts = [e.messageID, e.outcome]
        if !batches.isEmpty { parts.append(batches) }
        if let reason = e.reason, e.outcome != "rejected" { parts.append(reason) }
        if let loaded = e.loadedPartitions { parts.append("loaded \(loaded) partitions") }
        parts.append(e.disposition)
        parts.append(String(format: "%.2f s", e.seconds))
        return parts.joined(separator: "  ")
    }
}
