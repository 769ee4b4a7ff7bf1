import Foundation
import Testing

@testable import LakeAWS

@Suite("S3 event notifications")
struct NotificationTests {
    /// The example of the S3 User Guide ("Event message structure"), with a hive-style key as S3 encodes it.
    static let awsExample = #"""
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2",
        "eventTime":"1970-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put",
        "userIdentity":{"principalId":"AIDAJDPLRKLG7UEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},
        "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810",
        "x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3":{"s3SchemaVersion":"1.0","configurationId":"testConfigRule",
        "bucket":{"name":"amzn-s3-demo-bucket","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},
        "arn":"arn:aws:s3:::amzn-s3-demo-bucket"},
        "object":{"key":"incoming/date%3D2019-01-13/Happy+Face%C3%A9.jpg","size":1024,
        "eTag":"d41d8cd98f00b204e9800998ecf8427e","versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko",
        "sequencer":"0055AED6DCD90281E5"}}}]}
        """#

    @Test("AWS's example: key decoded (%3D is '=', '+' is a space, UTF-8 escapes), size, eTag, name, time")
    func awsExample() throws {
        guard case .objects(let events) = S3EventNotification.parse(Self.awsExample) else {
            Issue.record("not parsed as objects")
            return
        }
        let event = try #require(events.first)
        #expect(events.count == 1)
        #expect(event.bucket == "amzn-s3-demo-bucket")
        #expect(event.key == "incoming/date=2019-01-13/Happy Faceé.jpg")
        #expect(event.size == 1024)
        #expect(event.etag == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(event.eventName == "ObjectCreated:Put")
        #expect(event.eventTime == Date(timeIntervalSince1970: 0))
    }

    @Test("moto form-encodes the whole key, '/' included")
    func motoKeys() throws {
        let body = #"""
            {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": "2024-05-01T10:00:00.123Z", "eventName": "ObjectCreated:Put",
            "s3": {"s3SchemaVersion": "1.0", "configurationId": "batchlake",
            "bucket": {"name": "raw", "arn": "arn:aws:s3:::raw"},
            "object": {"key": "incoming%2F2019-01-13%2Fimmo+berlin%3D07.zip", "size": 12, "eTag": "\"abc\""}}}]}
            """#
        #expect(S3EventNotification.parse(body) == .objects([S3ObjectEvent(
            bucket: "raw", key: "incoming/2019-01-13/immo berlin=07.zip", size: 12, etag: "abc",
            eventName: "ObjectCreated:Put", eventTime: Date(timeIntervalSince1970: 1_714_557_600.123))]))
    }

    @Test("several records in one message come back in order")
    func severalRecords() {
        let record = { (key: String, name: String) in
            #"{"eventSource":"aws:s3","eventName":"\#(name)","s3":{"bucket":{"name":"b"},"object":{"key":"\#(key)","size":1}}}"#
        }
        let body = #"{"Records":[\#(record("a", "ObjectCreated:Put")),\#(record("b%2Fc", "ObjectCreated:CompleteMultipartUpload")),\#(record("d", "ObjectRemoved:Delete"))]}"#
        guard case .objects(let events) = S3EventNotification.parse(body) else {
            Issue.record("not parsed as objects")
            return
        }
        #expect(events.map(\.key) == ["a", "b/c"])
        #expect(events.map(\.eventName) == ["ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload"])
    }

    @Test("the test event, bare or wrapped in SNS")
    func testEvent() throws {
        let test = #"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-05-01T10:00:00.000Z","Bucket":"raw","RequestId":"X","HostId":"Y"}"#
        #expect(S3EventNotification.parse(test) == .test)
        #expect(S3EventNotification.parse(try Self.sns(test)) == .test)
    }

    @Test("an SNS envelope carries the S3 message as a JSON string")
    func snsEnvelope() throws {
        guard case .objects(let events) = S3EventNotification.parse(try Self.sns(Self.awsExample)) else {
            Issue.record("not parsed as objects")
            return
        }
        #expect(events.first?.key == "incoming/date=2019-01-13/Happy Faceé.jpg")
    }

    @Test("EventBridge's Object Created event (key not encoded)")
    func eventBridge() {
        let body = #"{"version":"0","detail-type":"Object Created","source":"aws.s3","time":"2024-05-01T10:00:00Z","detail":{"bucket":{"name":"raw"},"object":{"key":"a b/c=d.zip","size":5,"etag":"e1"},"reason":"PutObject"}}"#
        #expect(S3EventNotification.parse(body) == .objects([S3ObjectEvent(
            bucket: "raw", key: "a b/c=d.zip", size: 5, etag: "e1", eventName: "ObjectCreated:PutObject",
            eventTime: Date(timeIntervalSince1970: 1_714_557_600))]))
    }

    @Test("removals, other services, non-JSON and shapeless messages are unrecognized with a reason", arguments: [
        (#"{"Records":[{"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]}"#, "ObjectRemoved:Delete"),
        (#"{"Records":[{"eventSource":"aws:dynamodb","eventName":"INSERT"}]}"#, "aws:dynamodb"),
        (#"{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{}}]}"#, "no s3.bucket.name"),
        (#"{"Records":[]}"#, "empty Records"),
        ("not json at all", "not JSON"),
        (#"[1,2]"#, "not an object"),
        (#"{"hello":"world"}"#, "no Records"),
    ])
    func unrecognized(_ body: String, _ reasonPart: String) {
        guard case .unrecognized(let reason) = S3EventNotification.parse(body) else {
            Issue.record("recognized: \(body)")
            return
        }
        #expect(reason.contains(reasonPart), "\(reason)")
    }

    static func sns(_ message: String) throws -> String {
        let envelope: [String: Any] = [
            "Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
            "Subject": "Amazon S3 Notification", "Message": message, "Timestamp": "2024-05-01T10:00:00.000Z",
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: envelope), as: UTF8.self)
    }
}
