public import Foundation

/// An object that S3 says was created.
public struct S3ObjectEvent: Sendable, Hashable {
    public let bucket: String
    /// The key, decoded (S3 form-encodes it in notifications: `+` is a space, `%3D` is `=`).
    public let key: String
    public let size: Int64?
    /// The ETag without quotes, when the event carries one.
    public let etag: String?
    /// `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`...
    public let eventName: String
    public let eventTime: Date?

    public init(bucket: String, key: String, size: Int64?, etag: String?, eventName: String, eventTime: Date? = nil) {
        self.bucket = bucket
        self.key = key
        self.size = size
        self.etag = etag
        self.eventName = eventName
        self.eventTime = eventTime
    }
}

/// What an SQS message about S3 means for the lake.
public enum S3Notification: Sendable, Hashable {
    /// `s3:TestEvent`, sent once when a notification is configured: delete it, there is no work.
    case test
    /// Objects created: the work.
    case objects([S3ObjectEvent])
    /// Not work: not JSON, not an S3 event, or only events other than `ObjectCreated:*` (`ObjectRemoved:Delete`...).
    /// The reason says which.
    case unrecognized(reason: String)
}

/// Parses S3 event notifications as SQS delivers them (pure: no I/O).
///
/// Accepted forms: S3's own message (`{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
/// "s3": {"bucket": {"name": …}, "object": {"key": …, "size": …, "eTag": …}}}, …]}`, one or more records), the
/// test event (`{"Event": "s3:TestEvent", …}`), either wrapped in an SNS envelope (`{"Type": "Notification",
/// "Message": "<the same JSON as a string>"}`), and EventBridge's `Object Created` event (`{"source": "aws.s3",
/// "detail": …}`, whose key is not encoded). A message with some `ObjectCreated` records and some others yields the
/// created ones; the others are dropped.
public enum S3EventNotification {
    public static func parse(_ body: String) -> S3Notification {
        parse(body, depth: 0)
    }

    private static func parse(_ body: String, depth: Int) -> S3Notification {
        guard let data = body.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else {
            return .unrecognized(reason: "the message is not JSON: \(preview(body))")
        }
        guard let message = object as? [String: Any] else {
            return .unrecognized(reason: "the message is JSON but not an object: \(preview(body))")
        }
        if message["Type"] as? String == "Notification", let inner = message["Message"] as? String {
            guard depth == 0 else { return .unrecognized(reason: "an SNS envelope inside an SNS envelope") }
            return parse(inner, depth: depth + 1)
        }
        if message["Event"] as? String == "s3:TestEvent" { return .test }
        if message["source"] as? String == "aws.s3", let detail = message["detail"] as? [String: Any] {
            return eventBridge(message, detail: detail)
        }
        guard let records = message["Records"] as? [[String: Any]] else {
            return .unrecognized(reason: "no Records in the message: \(preview(body))")
        }
        guard !records.isEmpty else { return .unrecognized(reason: "the message has an empty Records list") }

        var created: [S3ObjectEvent] = []
        var skipped: [String] = []
        for (index, record) in records.enumerated() {
            let eventName = record["eventName"] as? String ?? ""
            // S3 writes "ObjectCreated:Put" in records; accept the configuration spelling "s3:ObjectCreated:Put" too.
            let name = eventName.hasPrefix("s3:") ? String(eventName.dropFirst(3)) : eventName
            if let source = record["eventSource"] as? String, source != "aws:s3" {
                skipped.append("record \(index) comes from \(source), not aws:s3")
                continue
            }
            guard name.hasPrefix("ObjectCreated:") else {
                let what = name.isEmpty ? "an event without a name" : name
                skipped.append("record \(index) is \(what), not ObjectCreated")
                continue
            }
            guard let s3 = record["s3"] as? [String: Any],
                let bucket = (s3["bucket"] as? [String: Any])?["name"] as? String,
                let object = s3["object"] as? [String: Any], let rawKey = object["key"] as? String
            else {
                skipped.append("record \(index) (\(name)) has no s3.bucket.name or s3.object.key")
                continue
            }
            created.append(S3ObjectEvent(
                bucket: bucket, key: percentDecode(rawKey, plusIsSpace: true), size: int64(object["size"]),
                etag: (object["eTag"] as? String ?? object["etag"] as? String).map(S3Client.unquote),
                eventName: name, eventTime: (record["eventTime"] as? String).flatMap(S3Dates.parseISO8601)))
        }
        if created.isEmpty { return .unrecognized(reason: skipped.joined(separator: "; ")) }
        return .objects(created)
    }

    private static func eventBridge(_ message: [String: Any], detail: [String: Any]) -> S3Notification {
        let type = message["detail-type"] as? String ?? ""
        guard type == "Object Created" else {
            return .unrecognized(reason: "EventBridge event '\(type)', not Object Created")
        }
        guard let bucket = (detail["bucket"] as? [String: Any])?["name"] as? String,
            let object = detail["object"] as? [String: Any], let key = object["key"] as? String
        else {
            return .unrecognized(reason: "EventBridge Object Created event without bucket.name or object.key")
        }
        let reason = detail["reason"] as? String
        return .objects([S3ObjectEvent(
            bucket: bucket, key: key, size: int64(object["size"]),
            etag: (object["etag"] as? String).map(S3Client.unquote),
            eventName: "ObjectCreated:\(reason ?? "Put")",
            eventTime: (message["time"] as? String).flatMap(S3Dates.parseISO8601))])
    }

    private static func int64(_ value: Any?) -> Int64? {
        switch value {
        case let number as NSNumber: return number.int64Value
        case let text as String: return Int64(text)
        default: return nil
        }
    }

    private static func preview(_ text: String) -> String {
        let head = text.prefix(120).map { $0.isNewline ? " " : String($0) }.joined()
        return text.count > 120 ? head + "…" : head
    }
}
