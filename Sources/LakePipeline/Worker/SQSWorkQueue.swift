import Foundation
public import LakeAWS
import LakeCore

/// An SQS queue of S3 event notifications (also wrapped in SNS).
///
/// A message stays invisible to other workers for `visibility` seconds from its receive, extended by
/// `keepAlive` while its batch runs. It is deleted only when its work is done, ignored (an `s3:TestEvent`, an event
/// of another kind) or rejected (an input that can never land). A temporary failure leaves it for another try,
/// visible again after a backoff; once it has been received `maxReceives` times it is left to the queue's
/// redrive policy (its dead-letter queue) when there is one, else deleted and recorded dead in the catalog.
public final class SQSWorkQueue: WorkQueue, @unchecked Sendable {
    public let url: String
    public let visibility: Int
    public let maxReceives: Int
    /// Whether the queue has a redrive policy (a dead-letter queue takes messages received too often).
    public let hasRedrive: Bool
    private let client: SQSClient
    /// `keepAlive` runs on another thread than `receive` and `finish`.
    private let lock = NSLock()

    public var name: String { url }

    /// - Parameter reference: `sqs://REGION/ACCOUNT/NAME` or the queue URL.
    public init(client: SQSClient, reference: String, visibility: Int = 300, maxReceives: Int = 5) throws {
        self.client = client
        url = try client.queueURL(reference: reference)
        self.visibility = visibility
        self.maxReceives = maxReceives
        hasRedrive = try client.queueAttributes(url, names: ["RedrivePolicy"])["RedrivePolicy"] != nil
    }

    public func receive(limit: Int, wait: Double) throws -> [WorkItem] {
        let messages = try locked {
            try client.receiveMessages(url, max: min(max(limit, 1), 10), waitSeconds: Int(min(max(wait, 0), 20)),
                                       visibilityTimeout: visibility)
        }
        return messages.map(SQSWorkQueue.item)
    }

    /// What a notification asks for.
    static func item(_ message: SQSMessage) -> WorkItem {
        var item = WorkItem(id: message.messageID, receiveCount: message.receiveCount, inputs: [],
                            handle: message.receiptHandle)
        switch S3EventNotification.parse(message.body) {
        case .test:
            item.ignoreReason = "s3:TestEvent (sent when a bucket notification is configured)"
        case .objects(let events):
            item.inputs = events.map { .object(url: "s3://\($0.bucket)/\($0.key)", etag: $0.etag, size: $0.size) }
        case .unrecognized(let reason):
            item.ignoreReason = reason
        }
        return item
    }

    public func keepAlive(_ item: WorkItem) throws {
        try locked { try client.changeVisibility(url, receiptHandle: item.handle, seconds: visibility) }
    }

    @discardableResult
    public func finish(_ item: WorkItem, outcome: WorkOutcome) throws -> Disposition {
        try locked {
            switch outcome {
            case .done, .ignored, .rejected:
                try client.deleteMessage(url, receiptHandle: item.handle)
                return Disposition("deleted")
            case .retry:
                if item.receiveCount >= maxReceives {
                    if hasRedrive {
                        // Visible again at once: the next receive (by any worker) makes SQS move it.
                        try client.changeVisibility(url, receiptHandle: item.handle, seconds: 0)
                        return Disposition("left to the dead-letter queue (received \(item.receiveCount) times)",
                                           dead: true)
                    }
                    try client.deleteMessage(url, receiptHandle: item.handle)
                    return Disposition("dead after \(item.receiveCount) receives: deleted", dead: true)
                }
                let backoff = min(900, 5 << min(item.receiveCount - 1, 8))
                try client.changeVisibility(url, receiptHandle: item.handle, seconds: backoff)
                return Disposition("kept for another try in \(backoff) s", retryAfter: Double(backoff))
            }
        }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

extension Lake {
    /// The SQS queue named by `reference` (`sqs://REGION/ACCOUNT/NAME` or a queue URL), with a client configured as
    /// the AWS CLI finds credentials, region and endpoint.
    public static func sqsQueue(_ reference: String, visibility: Int, maxReceives: Int) throws -> SQSWorkQueue {
        try SQSWorkQueue(client: SQSClient(configuration: AWSConfiguration.resolve()), reference: reference,
                         visibility: visibility, maxReceives: maxReceives)
    }
}
