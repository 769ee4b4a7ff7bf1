import Foundation

/// How the handling of a queue message ended.
public enum QueueMessageStatus: String, Sendable, Codable {
    /// Its batches landed (or were already in the lake).
    case done
    /// Received too often without success; left for a person (the queue's dead-letter rule).
    case dead
    /// Nothing to ingest in it (a test event, a key outside the inbox).
    case ignored
    /// Its last attempt failed; the queue delivers it again.
    case failed
}

/// One queue message as the catalog remembers it: SQS delivers at least once, so a message seen again is
/// recognised by (queue, message id).
public struct QueueMessageRecord: Sendable, Codable, Equatable {
    public var queue: String
    public var messageID: String
    /// The highest receive count seen (SQS `ApproximateReceiveCount`).
    public var receiveCount: Int
    public var status: QueueMessageStatus
    public var reason: String?
    /// The batches the message brought.
    public var batchIDs: [String]
    public var firstSeen: String
    public var lastSeen: String

    public init(queue: String, messageID: String, receiveCount: Int, status: QueueMessageStatus,
                reason: String? = nil, batchIDs: [String] = [], firstSeen: String, lastSeen: String) {
        self.queue = queue
        self.messageID = messageID
        self.receiveCount = receiveCount
        self.status = status
        self.reason = reason
        self.batchIDs = batchIDs
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

/// A worker process as its last heartbeat described it.
public struct WorkerRecord: Sendable, Codable, Equatable {
    /// Stable for the process's life (e.g. host:pid:start time).
    public var workerID: String
    public var host: String
    public var pid: Int
    public var queue: String?
    public var startedAt: String
    public var lastSeen: String
    /// What it does now (`idle`, `ingesting`, `stopping`, `stopped`).
    public var state: String
    /// Batches it committed so far.
    public var batches: Int
    public var lastError: String?

    public init(workerID: String, host: String, pid: Int, queue: String? = nil, startedAt: String,
                lastSeen: String, state: String, batches: Int = 0, lastError: String? = nil) {
        self.workerID = workerID
        self.host = host
        self.pid = pid
        self.queue = queue
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.state = state
        self.batches = batches
        self.lastError = lastError
    }
}

extension Catalog {
    // MARK: Queue messages

    /// Records how a message's handling ended. A message seen before keeps its `first_seen`; the rest is replaced,
    /// except that the receive count never goes down (deliveries may be handled out of order).
    public func recordMessage(_ message: QueueMessageRecord) throws {
        let batchIDs = String(decoding: (try? JSONEncoder().encode(message.batchIDs)) ?? Data("[]".utf8), as: UTF8.self)
        try transaction("recording queue message \(message.messageID)") {
            try db.run("""
                INSERT INTO queue_messages (queue, message_id, receive_count, status, reason, batch_ids, first_seen,
                    last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (queue, message_id) DO UPDATE SET
                    receive_count = CASE WHEN excluded.receive_count > queue_messages.receive_count
                                         THEN excluded.receive_count ELSE queue_messages.receive_count END,
                    status = excluded.status, reason = excluded.reason, batch_ids = excluded.batch_ids,
                    last_seen = excluded.last_seen
                """, message.queue, message.messageID, message.receiveCount, message.status.rawValue,
                       message.reason, batchIDs, message.firstSeen, message.lastSeen)
        }
    }

    /// The message with this id on this queue, if it was recorded.
    public func message(queue: String, id: String) throws -> QueueMessageRecord? {
        try db.query("SELECT * FROM queue_messages WHERE queue = ? AND message_id = ?", queue, id).first
            .map(Catalog.message(from:))
    }

    /// Messages with this status (all when nil), oldest last-seen first.
    public func messages(status: QueueMessageStatus? = nil) throws -> [QueueMessageRecord] {
        if let status {
            return try db.query("SELECT * FROM queue_messages WHERE status = ? ORDER BY last_seen, queue, message_id",
                                status.rawValue).map(Catalog.message(from:))
        }
        return try db.query("SELECT * FROM queue_messages ORDER BY last_seen, queue, message_id")
            .map(Catalog.message(from:))
    }

    static func message(from row: SQLRow) -> QueueMessageRecord {
        let ids = (try? JSONDecoder().decode([String].self, from: Data((row["batch_ids"].string ?? "[]").utf8))) ?? []
        return QueueMessageRecord(
            queue: row["queue"].string ?? "", messageID: row["message_id"].string ?? "",
            receiveCount: Int(row["receive_count"].int ?? 0),
            status: QueueMessageStatus(rawValue: row["status"].string ?? "") ?? .failed,
            reason: row["reason"].string, batchIDs: ids, firstSeen: row["first_seen"].string ?? "",
            lastSeen: row["last_seen"].string ?? "")
    }

    // MARK: Workers

    /// Records a worker's heartbeat: inserts it on first beat, then updates everything but `started_at`.
    public func heartbeat(_ worker: WorkerRecord) throws {
        try transaction("recording the heartbeat of worker \(worker.workerID)") {
            try db.run("""
                INSERT INTO workers (worker_id, host, pid, queue, started_at, last_seen, state, batches, last_error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (worker_id) DO UPDATE SET
                    host = excluded.host, pid = excluded.pid, queue = excluded.queue, last_seen = excluded.last_seen,
                    state = excluded.state, batches = excluded.batches, last_error = excluded.last_error
                """, worker.workerID, worker.host, worker.pid, worker.queue, worker.startedAt, worker.lastSeen,
                       worker.state, worker.batches, worker.lastError)
        }
    }

    /// Workers whose last heartbeat is at or after `seenSince` (catalog time format), by id.
    public func workers(seenSince: String) throws -> [WorkerRecord] {
        try db.query("SELECT * FROM workers WHERE last_seen >= ? ORDER BY worker_id", seenSince).map { row in
            WorkerRecord(
                workerID: row["worker_id"].string ?? "", host: row["host"].string ?? "",
                pid: Int(row["pid"].int ?? 0), queue: row["queue"].string, startedAt: row["started_at"].string ?? "",
                lastSeen: row["last_seen"].string ?? "", state: row["state"].string ?? "",
                batches: Int(row["batches"].int ?? 0), lastError: row["last_error"].string)
        }
    }
}
