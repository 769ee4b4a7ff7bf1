public import LakeCatalog
public import LakeCore
import LakeStorage
import Foundation

/// Options of `batchlake ingest`.
public struct IngestOptions: Sendable {
    /// The batch hour for every input; else the file name's `_YYYYMMDD_HH`, else the ingest time.
    public var hour: PartitionKey?
    /// Fact rows per row group (bounds memory per table).
    public var rowGroupRows: Int = 8192
    /// Where inputs fetched from elsewhere came from, by local path: the catalog and the reports name the
    /// origin, and its file name decides the batch hour.
    public var origins: [String: InputOrigin] = [:]

    public init(hour: PartitionKey? = nil) { self.hour = hour }
}

/// Where an input came from when batchlake fetched it before ingesting it (an S3 object).
public struct InputOrigin: Sendable {
    /// `s3://bucket/key`.
    public var uri: String
    /// The last component of the key: the batch's file name.
    public var fileName: String
    /// The object's ETag, as S3 reported it.
    public var etag: String?

    public init(uri: String, fileName: String, etag: String?) {
        self.uri = uri
        self.fileName = fileName
        self.etag = etag
    }
}

/// What happened to one input.
public struct BatchReport: Sendable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// Landed (good rows in clean, bad lines quarantined).
        case ingested
        /// The same content was ingested before: nothing changed.
        case alreadyIngested = "already_ingested"
        /// Refused as a whole (not a ZIP, truncated, unreadable): nothing committed.
        case refused
        /// Another live process is ingesting the same content right now.
        case inProgress = "in_progress"
    }

    public var input: String
    public var outcome: Outcome
    public var batchID: String?
    public var supersedes: String?
    public var partition: String?
    public var hourRule: String?
    public var counts: BatchCounts?
    public var rowsByTable: [String: Int]
    public var invalidValues: [String: Int]
    public var seconds: Double
    public var bytes: Int64
    public var message: String?
    /// The error code of a refusal (`badInput`, `io`, `temporary`, ...).
    public var error: String?

    /// Error codes that mean "rerun later" rather than "this input is bad".
    public static let temporaryErrors: Set<String> = [LakeError.Code.io.description, LakeError.Code.temporary.description]

    enum CodingKeys: String, CodingKey {
        case input, outcome, partition, counts, seconds, bytes, message
        case batchID = "batch_id", supersedes, hourRule = "hour_rule", rowsByTable = "rows_by_table"
        case invalidValues = "invalid_values", error
    }

    /// MB/s of uncompressed JSON.
    public var megabytesPerSecond: Double {
        guard let counts, seconds > 0 else { return 0 }
        return Double(counts.uncompressedBytes) / 1e6 / seconds
    }
}

extension Lake {
    /// The input files named by `paths`: files as given, folders walked for `.zip`, `.gz`, `.json`, `.jsonl`.
    public static func expandInputs(_ paths: [String]) throws -> [String] {
        var result: [String] = []
        for path in paths {
            if LakeFileSystem.isDirectory(path) {
                let found = LakeFileSystem.listFiles(path).filter { name in
                    let base = (name as NSString).lastPathComponent
                    return !base.hasPrefix(".")
                        && [".zip", ".gz", ".json", ".jsonl"].contains { base.lowercased().hasSuffix($0) }
                }
                result += found.map { path + "/" + $0 }
            } else if LakeFileSystem.exists(path) {
                result.append(path)
            } else {
                throw LakeError(.usage, "input \(path) does not exist", remedy: "check the path")
            }
        }
        return result
    }

    /// The batch hour from a file name's `_YYYYMMDD_HH`.
    public static func hour(fromFileName name: String) -> PartitionKey? {
        let bytes = Array(name.utf8)
        guard bytes.count >= 12 else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                guard bytes[i] >= 48 && bytes[i] <= 57 else { return nil }
                v = v * 10 + Int(bytes[i] - 48)
            }
            return v
        }
        var i = bytes.count - 12
        while i >= 0 {
            if bytes[i] == UInt8(ascii: "_") && bytes[i + 9] == UInt8(ascii: "_"),
               let y = digits(i + 1..<i + 5), let m = digits(i + 5..<i + 7), let d = digits(i + 7..<i + 9),
               let h = digits(i + 10..<i + 12), (1...12).contains(m), (1...CivilDate.daysInMonth(year: y, month: m)).contains(d),
               h < 24, i + 12 == bytes.count || !(bytes[i + 12] >= 48 && bytes[i + 12] <= 57) {
                return PartitionKey(year: y, month: m, day: d, hour: h)
            }
            i -= 1
        }
        return nil
    }

    /// Ingests each input as one batch by the commit protocol. Runs recovery first. Never throws for one bad
    /// input: its report says `refused` with the reason, and the other inputs go on.
    ///
    /// Inputs are read one after the other, and committed in the same order, but two batches overlap: while the
    /// fact files of one are still being encoded (on a queue of their own) and it waits for its commit, the next
    /// one streams. The next one counts the listing versions of the one before as known, as it will be when that
    /// commits; if it does not commit, the next one is ingested again from the start. Two inputs with the same
    /// content or file name, and a batch that supersedes another, never overlap. Every catalog call stays on this
    /// thread, and reports come in input order.
    public func ingest(paths: [String], options: IngestOptions = IngestOptions(),
                       progress: ((BatchReport) -> Void)? = nil) throws -> [BatchReport] {
        HeapMemory.configureForIngest()
        try recover()
        var reports: [BatchReport] = []
        var waiting: StartedBatch?
        var lastCommitSeq: Int64?
        /// Reports (by index) of batches committed but not published.
        var unpublished: [Int] = []

        /// Commits a waiting batch (or ingests it again); true if its first attempt committed.
        func complete(_ started: StartedBatch) -> Bool {
            var report = started.report
            var committed = false
            if started.mustRedo {
                abandon(started, reason: "ingested again: the batch before it did not commit")
                report = ingestOne(path: started.path, options: options)
            } else {
                do {
                    lastCommitSeq = try completeAttempt(started, report: &report, lastCommitSeq: lastCommitSeq)
                    committed = true
                    if started.publishFailed { unpublished.append(reports.count) }
                    report.seconds = Date().timeIntervalSince(started.clock)
                } catch is CommitConflict {
                    report = ingestOne(path: started.path, options: options)
                } catch {
                    Lake.describe(error, path: started.path, in: &report)
                    report.seconds = Date().timeIntervalSince(started.clock)
                }
            }
            progress?(report)
            reports.append(report)
            return committed
        }

        for path in try Lake.expandInputs(paths) {
            let clock = Date()
            var report = BatchReport(input: options.origins[path]?.uri ?? path, outcome: .refused, rowsByTable: [:],
                                     invalidValues: [:], seconds: 0, bytes: 0)
            do {
                let fileName = options.origins[path]?.fileName ?? (path as NSString).lastPathComponent
                let hash = try IngestProfile.measure(.hashAndRawCopy) { try LakeFileSystem.sha256(ofFile: path) }
                if let before = waiting,
                   before.fileName == fileName || before.batch.sha256 == hash.hex || before.batch.supersedes != nil {
                    _ = complete(before)
                    waiting = nil
                }
                if let started = try beginAttempt(path: path, hash: hash, options: options, report: &report,
                                                  inFlight: waiting?.versions ?? [], background: true) {
                    started.clock = clock
                    if let before = waiting, !complete(before) { started.mustRedo = true }
                    waiting = started
                    continue
                }
            } catch {
                Lake.describe(error, path: path, in: &report)
            }
            if let before = waiting {
                _ = complete(before)
                waiting = nil
            }
            report.seconds = Date().timeIntervalSince(clock)
            progress?(report)
            reports.append(report)
        }
        if let before = waiting { _ = complete(before) }
        // A publish that failed (the next batch's staging may have filled the disk) gets another chance now that
        // the other batches are done.
        if !unpublished.isEmpty, (try? recover()) != nil {
            for i in unpublished where try catalog.batch(id: reports[i].batchID ?? "")?.status == .published {
                reports[i].message = nil
            }
        }
        return reports
    }

    func ingestOne(path: String, options: IngestOptions) -> BatchReport {
        let started = Date()
        var report = BatchReport(input: options.origins[path]?.uri ?? path, outcome: .refused, rowsByTable: [:],
                                 invalidValues: [:], seconds: 0, bytes: 0)
        do {
            for attempt in 1...5 {
                do {
                    try ingestAttempt(path: path, options: options, report: &report)
                    break
                } catch let conflict as CommitConflict {
                    if attempt == 5 { throw LakeError(.temporary, "\(path): \(conflict)", remedy: "rerun the ingest") }
                }
            }
        } catch {
            Lake.describe(error, path: path, in: &report)
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Fills a report for an input the lake already holds; `because` says how it was recognised (default: the
    /// batch's partition is shown instead).
    static func alreadyIngested(_ done: BatchRecord, in report: inout BatchReport, because: String? = nil) {
        report.outcome = .alreadyIngested
        report.batchID = done.batchID
        report.partition = done.partition.path
        report.message = "already ingested as batch \(done.batchID) (\(because ?? done.partition.path)); nothing changed"
    }

    /// The error for an input another live process is ingesting right now.
    static func inProgress(_ running: BatchRecord, path: String, in report: inout BatchReport) -> LakeError {
        report.outcome = .inProgress
        report.batchID = running.batchID
        return LakeError(.temporary,
                         "\(path) is being ingested by pid \(running.ownerPID ?? 0) on \(running.ownerHost ?? "?") "
                             + "(batch \(running.batchID), lease until \(running.leaseUntil ?? "?"))",
                         remedy: "wait for it, or rerun after its lease expires")
    }

    /// Fills a report for an input that did not land.
    static func describe(_ error: any Error, path: String, in report: inout BatchReport) {
        if let error = error as? LakeError {
            report.outcome = error.code == .temporary && report.outcome == .inProgress ? .inProgress : .refused
            report.message = error.description
            report.error = error.code.description
        } else {
            report.outcome = .refused
            report.message = "\(path): \(error)"
            report.error = LakeError.Code.internalError.description
        }
    }

    private func ingestAttempt(path: String, options: IngestOptions, report: inout BatchReport) throws {
        let hash = try IngestProfile.measure(.hashAndRawCopy) { try LakeFileSystem.sha256(ofFile: path) }
        guard let started = try beginAttempt(path: path, hash: hash, options: options, report: &report, inFlight: [],
                                             background: false) else { return }
        _ = try completeAttempt(started, report: &report, lastCommitSeq: nil)
    }

    /// Steps 1 and 2 of the commit protocol up to the last line: checks, registration as pending, the raw copy and
    /// the stream. Nil when the content was ingested before (the report says so).
    private func beginAttempt(path: String, hash: (hex: String, bytes: Int64), options: IngestOptions,
                              report: inout BatchReport, inFlight: Set<ListingVersionKey>,
                              background: Bool) throws -> StartedBatch? {
        let origin = options.origins[path]
        let fileName = origin?.fileName ?? (path as NSString).lastPathComponent
        let (sha, size) = hash
        report.bytes = size
        let source = spec.source

        // Cheap checks first (the claim below decides for good): a content seen before needs no more work.
        if let done = try catalog.committedBatch(source: source, sha256: sha) {
            Lake.alreadyIngested(done, in: &report)
            return nil
        }
        if let running = try catalog.pendingBatch(source: source, sha256: sha),
           !ownerIsGone(host: running.ownerHost, pid: running.ownerPID) {
            throw Lake.inProgress(running, path: path, in: &report)
        }

        let partition: PartitionKey
        let rule: HourRule
        if let hour = options.hour {
            (partition, rule) = (hour, .option)
        } else if let hour = Lake.hour(fromFileName: fileName) {
            (partition, rule) = (hour, .fileName)
        } else {
            (partition, rule) = (PartitionKey(epochSeconds: Int64(Date().timeIntervalSince1970)), .ingestTime)
        }
        let previous = try catalog.liveBatch(source: source, fileName: fileName)
        if let previous, try catalog.files(batchID: previous.batchID).contains(where: { $0.status != .active }) {
            // Its rows now sit in compacted files beside other batches' rows; replacing them needs a rewrite of
            // those files, which this version does not do. Refusing keeps the lake exact.
            throw LakeError(.badInput,
                            "\(path) is a new content of \(fileName), but batch \(previous.batchID) of that name was "
                                + "compacted, so its rows cannot be replaced",
                            remedy: "ingest the new content under another file name, or rebuild the partition")
        }
        let batchID = Lake.makeBatchID(sha256: sha)
        var batch = BatchRecord(batchID: batchID, source: source, fileName: fileName, inputURI: origin?.uri ?? path, sha256: sha,
                                bytes: size, partition: partition, hourRule: rule, status: .pending,
                                startedAt: Catalog.now())
        batch.ownerHost = ownerHost
        batch.ownerPID = ownerPID
        batch.leaseUntil = leaseDeadline()
        batch.supersedes = previous?.batchID
        batch.sourceETag = origin?.etag
        let snapshot = try catalog.currentCommitSeq()
        // Checked again and registered in one transaction: of several processes on the same content, one wins.
        switch try catalog.claim(batch, isGone: { [self] in ownerIsGone(host: $0.ownerHost, pid: $0.ownerPID) }) {
        case .claimed:
            break
        case .alreadyCommitted(let done):
            Lake.alreadyIngested(done, in: &report)
            return nil
        case .inProgress(let running):
            throw Lake.inProgress(running, path: path, in: &report)
        }
        report.batchID = batchID
        report.partition = partition.path
        report.hourRule = rule.rawValue
        report.supersedes = previous?.batchID

        do {
            let started = Date()
            let streamed = try streamTransform(batch: batch, path: path, fileName: fileName,
                                               supersedes: previous?.batchID, options: options, inFlight: inFlight,
                                               background: background)
            return StartedBatch(path: path, fileName: fileName, batch: batch, snapshot: snapshot, streamed: streamed,
                                report: report, transformStarted: started)
        } catch {
            // Refused as a whole: nothing of it is committed; the staging goes, the catalog keeps the reason.
            try? store.removeStaging(runID: batchID)
            try? catalog.markFailed(batchID: batchID, error: "\(error)")
            throw error
        }
    }

    /// Steps 2 to 4 for a streamed batch: its files closed and synced, the commit, the publish.
    /// - Parameter lastCommitSeq: the sequence number of this process's latest commit, if any. When it is the only
    ///   commit since the batch's snapshot, it is the batch streamed just before (whose versions this one counted
    ///   as known and whose dimension rows it has just compared with), so the snapshot moves past it.
    /// - Returns: the commit's sequence number.
    private func completeAttempt(_ started: StartedBatch, report: inout BatchReport,
                                 lastCommitSeq: Int64?) throws -> Int64 {
        var batch = started.batch
        let batchID = batch.batchID
        do {
            let result = try finishTransform(started.streamed, batch: batch, supersedes: batch.supersedes)
            batch.counts = result.counts
            batch.nullCounts = result.invalidValues
            batch.seconds = Date().timeIntervalSince(started.transformStarted)
            var snapshot = started.snapshot
            let current = try catalog.currentCommitSeq()
            if current == snapshot + 1, lastCommitSeq == current { snapshot = current }
            let plan = BatchCommit(batch: batch, files: result.files, versions: result.versions,
                                   dimensionRows: result.dimensionKeys, schemas: spec.schemas, snapshot: snapshot)
            let commit = try IngestProfile.measure(.catalog) { try catalog.commit(plan) }
            report.outcome = .ingested
            report.counts = result.counts
            report.invalidValues = result.invalidValues
            report.rowsByTable = result.rowsByTable
            do {
                try IngestProfile.measure(.publish) {
                    try publish(batchID: batchID, retired: commit.retiredFiles, partitions: commit.touchedPartitions)
                }
            } catch {
                // Committed: its staged files are the lake's now, and recovery publishes them (step 5). Never
                // remove them here. `ingest` runs recovery again once the inputs are done.
                started.publishFailed = true
                report.message = "committed, but publishing failed: \(error); the next command that writes "
                    + "publishes it"
            }
            return commit.commitSeq
        } catch let conflict as CommitConflict {
            started.streamed.factOutput.abandon()
            try? store.removeStaging(runID: batchID)
            try? catalog.markFailed(batchID: batchID, error: conflict.description)
            throw conflict
        } catch {
            started.streamed.factOutput.abandon()
            try? store.removeStaging(runID: batchID)
            try? catalog.markFailed(batchID: batchID, error: "\(error)")
            throw error
        }
    }

    /// Drops a streamed batch that will be ingested again.
    private func abandon(_ started: StartedBatch, reason: String) {
        started.streamed.factOutput.abandon()
        try? store.removeStaging(runID: started.batch.batchID)
        try? catalog.markFailed(batchID: started.batch.batchID, error: reason)
    }

    static func makeBatchID(sha256: String) -> String {
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "b\(sha256.prefix(12))-\(String(repeating: "0", count: 8 - random.count))\(random)"
    }
}

/// A batch registered and streamed, waiting for its commit.
final class StartedBatch {
    let path: String
    let fileName: String
    let batch: BatchRecord
    /// The commit sequence number seen before it was registered.
    let snapshot: Int64
    let streamed: StreamedBatch
    /// The report so far (batch id, partition, hour rule).
    let report: BatchReport
    let transformStarted: Date
    /// When the input's turn began, for the report's seconds.
    var clock: Date
    /// Set when the batch before it did not commit: its transform counted that batch's versions as known.
    var mustRedo = false
    /// Set when it committed but its publish failed (a full disk, say): recovery publishes it.
    var publishFailed = false
    let versions: Set<ListingVersionKey>

    init(path: String, fileName: String, batch: BatchRecord, snapshot: Int64, streamed: StreamedBatch,
         report: BatchReport, transformStarted: Date) {
        self.path = path
        self.fileName = fileName
        self.batch = batch
        self.snapshot = snapshot
        self.streamed = streamed
        self.report = report
        self.transformStarted = transformStarted
        clock = transformStarted
        versions = Set(streamed.result.versions)
    }
}
