import Foundation
import LakeCore
import LakeCatalog
import LakeStorage
import LakeAWS

/// Options of `batchlake worker`.
public struct WorkerOptions: Sendable {
    /// Exit when a receive brings no message and none is in hand.
    public var once = false
    /// Load each committed batch's partitions into this warehouse (the role of the seed's Lambda).
    public var load: LoadOptions?
    /// Messages per receive.
    public var batchSize = 1
    /// Longest wait of one receive, seconds (SQS long polling allows up to 20).
    public var wait: Double = 10
    /// How often a message in hand is kept alive (SQS visibility extended), seconds.
    public var keepAliveEvery: Double = 60
    public var ingest = IngestOptions()

    public init() {}
}

/// What the worker did with one message: one JSON line with `--json`, one text line otherwise.
public struct WorkerEvent: Sendable, Codable {
    public var queue: String
    public var messageID: String
    public var receiveCount: Int
    /// `done`, `ignored`, `rejected`, `retry`, or `dead` (tried too often: dead-lettered or deleted).
    public var outcome: String
    /// What the queue did with the message: deleted, moved, kept for retry, dead-lettered.
    public var disposition: String
    public var reason: String?
    public var batches: [BatchReport]
    public var loadedPartitions: Int?
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case queue, outcome, disposition, reason, batches, seconds
        case messageID = "message_id", receiveCount = "receive_count", loadedPartitions = "loaded_partitions"
    }
}

/// Totals of a worker run.
public struct WorkerSummary: Sendable, Codable {
    public var messages = 0
    public var done = 0
    public var ignored = 0
    public var rejected = 0
    public var retried = 0
    public var dead = 0
    public var batchesIngested = 0
}

/// A flag set from a signal handler or another thread, read by the worker loop.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    public init() {}

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    public var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }
}

extension Lake {
    /// Runs the worker loop: receive a message, ingest what it names, optionally load, acknowledge; until `stop`
    /// is set (the message in hand is finished first) or, with `once`, until a receive brings nothing.
    ///
    /// A message is acknowledged only after its batches are committed (and loaded, with `load`): a worker killed
    /// in the middle leaves the message to come back, and the redelivery is a no-op for what had committed.
    public func runWorker(queue: any WorkQueue, options: WorkerOptions, stop: StopFlag,
                          notice: (String) -> Void = { _ in },
                          log: (WorkerEvent) -> Void) throws -> WorkerSummary {
        try recover()
        var summary = WorkerSummary()
        let startedAt = Catalog.now()
        var me = WorkerRecord(workerID: "\(ownerHost):\(ownerPID):\(startedAt)", host: ownerHost, pid: ownerPID,
                              queue: queue.name, startedAt: startedAt, lastSeen: startedAt, state: "idle")
        /// Tells the catalog (and so `status` on any host) what this worker does; a failure here never stops work.
        func beat(_ state: String, error: String? = nil) {
            me.state = state
            me.lastSeen = Catalog.now()
            me.batches = summary.batchesIngested
            if let error { me.lastError = error }
            try? catalog.heartbeat(me)
        }
        beat("idle")
        defer { beat("stopped") }
        var failures = 0
        /// Messages put back for another try, and until when to wait for them.
        var retries: [String: Date] = [:]
        while !stop.isStopped {
            let items: [WorkItem]
            do {
                items = try queue.receive(limit: options.batchSize, wait: options.wait)
                failures = 0
            } catch {
                beat("idle", error: "\(error)")
                // The queue is unreachable for now (each request was already retried with backoff): wait and try
                // again; only --once gives up, after a few rounds, so a script sees the failure.
                failures += 1
                if options.once && failures >= 5 { throw error }
                notice("receive from \(queue.name) failed (\(failures) in a row): \(error); trying again")
                sleepUnlessStopped(min(60, 2 * Double(1 << min(failures, 5))), stop: stop)
                continue
            }
            if items.isEmpty {
                beat("idle")
                // --once ends on an empty receive, unless a message it put back for another try is due soon.
                let now = Date()
                retries = retries.filter { $0.value > now }
                if options.once && retries.isEmpty { break }
                continue
            }
            for item in items {
                retries[item.id] = nil
                beat("working")
                let (event, retryAfter) = handle(item, queue: queue, options: options)
                record(event)
                if let retryAfter {
                    // Due then, and waited for one more receive.
                    retries[item.id] = Date().addingTimeInterval(retryAfter + options.wait + 5)
                }
                summary.messages += 1
                switch event.outcome {
                case "done": summary.done += 1
                case "ignored": summary.ignored += 1
                case "rejected": summary.rejected += 1
                case "dead": summary.dead += 1
                default: summary.retried += 1
                }
                summary.batchesIngested += event.batches.filter { $0.outcome == .ingested }.count
                if ["rejected", "retry", "dead"].contains(event.outcome) { me.lastError = event.reason }
                log(event)
            }
        }
        return summary
    }

    /// Remembers how a message ended, so a message seen again is recognised and dead ones can be listed.
    private func record(_ event: WorkerEvent) {
        let status: QueueMessageStatus
        switch event.outcome {
        case "done": status = .done
        case "ignored": status = .ignored
        case "dead": status = .dead
        default: status = .failed
        }
        let now = Catalog.now()
        try? catalog.recordMessage(QueueMessageRecord(
            queue: event.queue, messageID: event.messageID, receiveCount: event.receiveCount, status: status,
            reason: event.reason, batchIDs: event.batches.compactMap(\.batchID), firstSeen: now, lastSeen: now))
    }

    private func sleepUnlessStopped(_ seconds: Double, stop: StopFlag) {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until && !stop.isStopped { usleep(100_000) }
    }

    /// Works one message and acknowledges it; never throws (a failure becomes the message's outcome).
    func handle(_ item: WorkItem, queue: any WorkQueue, options: WorkerOptions) -> (WorkerEvent, retryAfter: Double?) {
        let started = Date()
        var event = WorkerEvent(queue: queue.name, messageID: item.id, receiveCount: item.receiveCount, outcome: "",
                                disposition: "", batches: [], seconds: 0)
        let keeper = KeepAlive(queue: queue, item: item, every: options.keepAliveEvery)
        let outcome: WorkOutcome
        let lakePrefix = layout.url + "/"
        if let reason = item.ignoreReason {
            outcome = .ignored(reason: reason)
        } else if !item.inputs.isEmpty, item.inputs.allSatisfy({ $0.name.hasPrefix(lakePrefix) }) {
            // The lake's own objects: ingesting them would feed the lake back into itself, forever.
            outcome = .ignored(reason: "\(item.inputs[0].name) is inside the lake \(layout.url); let the bucket "
                + "notify only for the landing prefix (a prefix filter on the notification)")
        } else {
            outcome = work(item, options: options, event: &event)
        }
        keeper.stop()
        switch outcome {
        case .done: event.outcome = "done"
        case .ignored(let reason): (event.outcome, event.reason) = ("ignored", reason)
        case .rejected(let reason): (event.outcome, event.reason) = ("rejected", reason)
        case .retry(let reason): (event.outcome, event.reason) = ("retry", reason)
        }
        var retryAfter: Double?
        do {
            let disposition = try queue.finish(item, outcome: outcome)
            event.disposition = disposition.text
            retryAfter = disposition.retryAfter
            if disposition.dead { event.outcome = "dead" }
        } catch {
            // Not acknowledged: the message comes back and its redelivery is a no-op for what committed.
            event.disposition = "not acknowledged (\(error)); it will be delivered again"
        }
        event.seconds = Date().timeIntervalSince(started)
        return (event, retryAfter)
    }

    private func work(_ item: WorkItem, options: WorkerOptions, event: inout WorkerEvent) -> WorkOutcome {
        var ingest = options.ingest
        var copies: [LocalCopy] = []
        var paths: [String] = []
        var known: [BatchReport] = []
        do {
            for input in item.inputs {
                // A redelivery of an object that landed: the catalog knows its URL and ETag, no download needed.
                if case .object(let url, let etag?, _) = input,
                   let done = try catalog.committedBatch(inputURI: url, etag: etag) {
                    var report = BatchReport(input: url, outcome: .alreadyIngested, rowsByTable: [:],
                                             invalidValues: [:], seconds: 0, bytes: done.bytes)
                    Lake.alreadyIngested(done, in: &report, because: "same object and ETag")
                    known.append(report)
                    continue
                }
                let fetched = try fetchInput(input)
                paths.append(fetched.path)
                if let origin = fetched.origin { ingest.origins[fetched.path] = origin }
                if let copy = fetched.copy { copies.append(copy) }
            }
        } catch {
            return Lake.outcome(of: error)
        }
        var reports = known
        do {
            if !paths.isEmpty { reports += try self.ingest(paths: paths, options: ingest) }
        } catch {
            // Inputs that are bad come back as refused reports; a throw is about the lake or the catalog (recovery
            // failed, catalog busy), never the input: try the message again.
            return .retry(reason: "\(error)")
        }
        withExtendedLifetime(copies) {}
        event.batches = reports
        let temporary = reports.filter {
            $0.outcome == .inProgress
                || ($0.outcome == .refused && BatchReport.temporaryErrors.contains($0.error ?? ""))
        }
        if let first = temporary.first {
            return .retry(reason: first.message ?? "\(first.input) could not be ingested now")
        }
        if let load = options.load {
            var loaded = 0
            for hour in Set(reports.compactMap { $0.partition.flatMap(PartitionKey.parse) }) {
                var options = load
                options.selector = .hour(hour)
                do {
                    loaded += try self.load(options).partitions.filter { $0.status == "loaded" }.count
                } catch {
                    return .retry(reason: "the batch landed, but loading \(hour.path) failed: \(error)")
                }
            }
            event.loadedPartitions = loaded
        }
        if let refused = reports.first(where: { $0.outcome == .refused }) {
            return .rejected(reason: refused.message ?? "\(refused.input) was refused")
        }
        return .done
    }

    /// A failure fetching an input: an object that is gone or not readable as an input rejects the message;
    /// anything else (network, permissions being fixed, disk) is retried.
    static func outcome(of error: any Error) -> WorkOutcome {
        if let error = error as? LakeError, [.badInput, .corruptFile, .usage].contains(error.code) {
            return .rejected(reason: error.description)
        }
        return .retry(reason: "\(error)")
    }

    /// A local file with an input's bytes, and where it came from when it was fetched.
    func fetchInput(_ input: WorkInput) throws -> (path: String, origin: InputOrigin?, copy: LocalCopy?) {
        switch input {
        case .file(let path):
            return (path, nil, nil)
        case .object(let url, let etag, _):
            return try fetchObject(url, etag: etag)
        }
    }
}

/// Calls `keepAlive` on a background thread every `every` seconds until stopped.
final class KeepAlive: @unchecked Sendable {
    private let stopFlag = StopFlag()
    private let done = DispatchSemaphore(value: 0)

    init(queue: any WorkQueue, item: WorkItem, every: Double) {
        let flag = stopFlag, done = self.done
        Thread.detachNewThread {
            var next = Date().addingTimeInterval(every)
            while !flag.isStopped {
                usleep(100_000)
                if Date() >= next {
                    try? queue.keepAlive(item)
                    next = Date().addingTimeInterval(every)
                }
            }
            done.signal()
        }
    }

    func stop() {
        stopFlag.stop()
        done.wait()
    }
}
