import LakeCatalog
import LakeCore

/// What `status` shows: work in flight, work waiting, and the last errors, all from the catalog.
public struct LakeStatus: Sendable, Codable {
    public struct InFlight: Sendable, Codable {
        public var kind: String
        public var id: String
        public var owner: String
        public var leaseUntil: String
        /// The owner is a process of this host that no longer exists: the next writing command recovers it.
        public var ownerGone: Bool
    }

    public struct Failure: Sendable, Codable {
        public var kind: String
        public var id: String
        public var at: String
        public var error: String
    }

    public struct Worker: Sendable, Codable {
        public var worker: String
        public var queue: String?
        public var state: String
        public var lastSeen: String
        public var batches: Int
        public var lastError: String?
    }

    /// Workers whose heartbeat is at most ten minutes old (any host sharing the catalog).
    public var workers: [Worker] = []
    public var batchesByStatus: [String: Int] = [:]
    public var inFlight: [InFlight] = []
    public var committedUnpublished: [String] = []
    public var partitionsAwaitingCompaction: [String] = []
    /// Partitions whose data version no warehouse has loaded yet.
    public var partitionsAwaitingLoad: [String] = []
    /// Queue messages given up after too many tries.
    public var deadMessages: [String] = []
    public var lastErrors: [Failure] = []
}

extension Lake {
    /// Reads the lake's state from the catalog (no writes, no recovery).
    public func status() throws -> LakeStatus {
        var status = LakeStatus()
        let batches = try catalog.batches()
        for batch in batches { status.batchesByStatus[batch.status.rawValue, default: 0] += 1 }
        for batch in batches where batch.status == .pending {
            status.inFlight.append(.init(kind: "batch", id: batch.batchID,
                                         owner: "\(batch.ownerHost ?? "?"):\(batch.ownerPID ?? 0)",
                                         leaseUntil: batch.leaseUntil ?? "",
                                         ownerGone: ownerIsGone(host: batch.ownerHost, pid: batch.ownerPID)))
        }
        for run in try catalog.compactions(status: "running") {
            status.inFlight.append(.init(kind: "compaction", id: run.runID,
                                         owner: "\(run.ownerHost ?? "?"):\(run.ownerPID ?? 0)",
                                         leaseUntil: run.leaseUntil ?? "",
                                         ownerGone: ownerIsGone(host: run.ownerHost, pid: run.ownerPID)))
        }
        status.committedUnpublished = batches.filter { $0.status == .committed }.map(\.batchID)
        var columnarFiles: [TablePartition: Int] = [:]
        for file in try catalog.files(format: .columnar) {
            columnarFiles[TablePartition(table: file.table, partition: file.partition), default: 0] += 1
        }
        status.partitionsAwaitingCompaction = columnarFiles.filter { $0.value > 1 }.keys.sorted()
            .map { "\($0.table) \($0.partition.path) (\(columnarFiles[$0]!) files)" }
        status.workers = try catalog.workers(seenSince: Catalog.now(offsetSeconds: -600)).map {
            LakeStatus.Worker(worker: $0.workerID, queue: $0.queue, state: $0.state, lastSeen: $0.lastSeen,
                              batches: $0.batches, lastError: $0.lastError)
        }
        status.deadMessages = try catalog.messages(status: .dead).map { "\($0.queue) \($0.messageID): \($0.reason ?? "")" }
        let loads = try catalog.loads()
        if !loads.isEmpty {
            var loaded: [String: Int] = [:]
            for load in loads where load.status == .loaded {
                let key = "\(load.table) \(load.partition.path)"
                loaded[key] = max(loaded[key] ?? 0, load.dataVersion)
            }
            status.partitionsAwaitingLoad = try catalog.partitions().filter { p in
                spec.table(named: p.table) != nil && (loaded["\(p.table) \(p.partition.path)"] ?? 0) < p.dataVersion
            }.map { "\($0.table) \($0.partition.path) (version \($0.dataVersion))" }
        }
        var failures = batches.filter { $0.status == .failed }.map {
            LakeStatus.Failure(kind: "batch", id: "\($0.batchID) (\($0.fileName))", at: $0.startedAt, error: $0.error ?? "")
        }
        failures += try catalog.compactions(status: "failed").map {
            LakeStatus.Failure(kind: "compaction", id: $0.runID, at: $0.startedAt, error: $0.error ?? "")
        }
        status.lastErrors = Array(failures.sorted { $0.at > $1.at }.prefix(5))
        return status
    }
}
