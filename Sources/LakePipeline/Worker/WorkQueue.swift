import Foundation

/// One input a message names: a local file, or an object in S3.
public enum WorkInput: Sendable, Equatable {
    case file(path: String)
    case object(url: String, etag: String?, size: Int64?)

    /// How logs and reports name it.
    public var name: String {
        switch self {
        case .file(let path): return path
        case .object(let url, _, _): return url
        }
    }
}

/// A message received from a queue: the inputs it announces, or why it carries no work.
public struct WorkItem: Sendable {
    /// The queue's id of the message (SQS message id; the file name for the inbox).
    public var id: String
    /// How often the queue has handed this message out, this time included.
    public var receiveCount: Int
    public var inputs: [WorkInput]
    /// Set when the message holds no work (an `s3:TestEvent`, an event of another kind, a body that is not a
    /// notification): it is removed with this reason and nothing is ingested.
    public var ignoreReason: String?
    /// The queue's handle to acknowledge the message (SQS receipt handle; the claimed path for the inbox).
    public var handle: String

    public init(id: String, receiveCount: Int, inputs: [WorkInput], ignoreReason: String? = nil, handle: String) {
        self.id = id
        self.receiveCount = receiveCount
        self.inputs = inputs
        self.ignoreReason = ignoreReason
        self.handle = handle
    }
}

/// How a message ended.
public enum WorkOutcome: Sendable, Equatable {
    /// Every input landed (or had landed before): the message goes.
    case done
    /// Nothing to do: the message goes, with the reason logged and recorded.
    case ignored(reason: String)
    /// An input was refused as a whole (not a ZIP, truncated): retrying cannot help, the message goes and the
    /// failure is recorded.
    case rejected(reason: String)
    /// A temporary failure (disk full, service down, a lease held): the message stays for another try, unless it
    /// has been tried too often, when it goes to the dead-letter queue (or is recorded dead).
    case retry(reason: String)
}

/// Where a worker gets its work: a local inbox folder, or an SQS queue of S3 event notifications.
///
/// A queue is used by one worker thread; `keepAlive` may be called from another thread while a message is in
/// hand, so implementations guard their shared state.
public protocol WorkQueue: AnyObject, Sendable {
    /// How logs and the catalog name the queue (`inbox:/abs/dir`, or the SQS queue URL).
    var name: String { get }
    /// Up to `limit` messages, waiting at most `wait` seconds for the first.
    func receive(limit: Int, wait: Double) throws -> [WorkItem]
    /// Tells the queue the message is still being worked on (extends SQS visibility).
    func keepAlive(_ item: WorkItem) throws
    /// Ends a message. Returns what happened to it: "deleted", "kept for retry", "dead-lettered", ...
    @discardableResult
    func finish(_ item: WorkItem, outcome: WorkOutcome) throws -> String
}
