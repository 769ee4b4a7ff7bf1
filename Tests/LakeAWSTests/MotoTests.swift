import Foundation
import LakeCore
import Synchronization
import TestSupport
import Testing

@testable import LakeAWS

/// A configuration for the shared moto server, resolved the way users configure an endpoint (environment only).
func motoConfiguration() throws -> AWSConfiguration {
    let moto = try MotoServer.start()
    var configuration = try AWSConfiguration.resolve(environment: [
        "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AKIAMOTO000000000000",
        "AWS_SECRET_ACCESS_KEY": "moto-secret-never-shown", "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto.endpoint,
    ])
    configuration.retryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(20), maxDelay: .milliseconds(200))
    return configuration
}

func uniqueName(_ label: String) -> String { "\(label)-\(UUID().uuidString.prefix(8).lowercased())" }

/// Seeded bytes (xorshift), so a failure can be reproduced from the printed seed.
func seededBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { buffer in
        var index = 0
        while index < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { word in
                let n = min(8, count - index)
                buffer.baseAddress!.advanced(by: index).copyMemory(from: word.baseAddress!, byteCount: n)
            }
            index += 8
        }
    }
    return bytes
}

@Suite("S3 against moto", .serialized)
struct MotoS3Tests {
    @Test("put and get round-trip byte for byte, keys with spaces, '=', '+' and unicode included")
    func putGet() throws {
        let s3 = try S3Client(configuration: motoConfiguration())
        let bucket = uniqueName("put-get")
        try s3.createBucket(bucket)
        try s3.createBucket(bucket)  // exists: fine
        let bytes = seededBytes(count: 100_000, seed: 42)
        for key in ["plain.bin", "with space/date=2019-01-13/a+b.bin", "ünïcödé/日本語 ~x.bin"] {
            let location = try S3Location(bucket: bucket, key: key)
            let etag = try s3.putObject(bytes, at: location)
            #expect(!etag.isEmpty)
            #expect(try s3.getObject(location) == bytes, "\(key)")
            let head = try #require(try s3.headObject(location))
            #expect(head.size == Int64(bytes.count) && head.etag == etag)
            #expect(head.lastModified != nil)
        }
        let listed = try s3.listObjects(bucket: bucket, prefix: "")
        #expect(Set(listed.map(\.key)) == ["plain.bin", "with space/date=2019-01-13/a+b.bin", "ünïcödé/日本語 ~x.bin"])
        #expect(listed.allSatisfy { $0.size == 100_000 })
    }

    @Test("ranges, streaming and downloads to a file return the stored bytes")
    func downloads() throws {
        let s3 = try S3Client(configuration: motoConfiguration())
        let bucket = uniqueName("down")
        try s3.createBucket(bucket)
        let bytes = seededBytes(count: 300_001, seed: 7)
        let location = try S3Location(bucket: bucket, key: "x/y.bin")
        try s3.putObject(bytes, at: location, contentType: "application/zip")
        #expect(try s3.getObject(location, range: 10...19) == Array(bytes[10...19]))
        var streamed: [UInt8] = []
        var chunks = 0
        let info = try s3.getObject(location) { chunk in
            streamed.append(contentsOf: chunk)
            chunks += 1
        }
        #expect(streamed == bytes)
        #expect(info.size == Int64(bytes.count))
        let directory = TemporaryDirectory("s3-download")
        let target = directory.file("y.bin")
        try Data("old contents, longer than nothing".utf8).write(to: URL(fileURLWithPath: target))
        let fileInfo = try s3.getObject(location, toFile: target)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: target))) == bytes)
        #expect(fileInfo.size == Int64(bytes.count))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["y.bin"])
    }

    @Test("absent objects: head is nil, get is badInput naming the key, delete is fine; absent bucket is badSpec")
    func absent() throws {
        let s3 = try S3Client(configuration: motoConfiguration())
        let bucket = uniqueName("absent")
        try s3.createBucket(bucket)
        let missing = try S3Location(bucket: bucket, key: "no/such key.zip")
        #expect(try s3.headObject(missing) == nil)
        try s3.deleteObject(missing)
        let error = #expect(throws: LakeError.self) { try s3.getObject(missing) }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("s3://\(bucket)/no/such key.zip") == true)
        #expect(error?.message.contains("NoSuchKey") == true)
        let noBucket = #expect(throws: LakeError.self) {
            try s3.listObjects(bucket: uniqueName("never-created"), prefix: "")
        }
        #expect(noBucket?.code == .badSpec)
        #expect(noBucket?.message.contains("NoSuchBucket") == true)
        #expect(noBucket?.remedy?.contains("create bucket") == true)
    }

    @Test("listing follows continuation tokens; prefix filters; delete and batch delete remove objects")
    func listAndDelete() throws {
        let s3 = try S3Client(configuration: motoConfiguration())
        let bucket = uniqueName("list")
        try s3.createBucket(bucket)
        let keys = (0..<23).map { String(format: "in/%03d.txt", $0) }
        for key in keys { try s3.putObject(Array(key.utf8), at: try S3Location(bucket: bucket, key: key)) }
        try s3.putObject([1], at: try S3Location(bucket: bucket, key: "other/x"))
        let listed = try s3.listObjects(bucket: bucket, prefix: "in/", pageSize: 5)
        #expect(listed.map(\.key) == keys)
        #expect(listed.map(\.size) == keys.map { Int64($0.utf8.count) })
        try s3.deleteObject(try S3Location(bucket: bucket, key: keys[0]))
        try s3.deleteObjects(bucket: bucket, keys: Array(keys[1..<20]) + ["in/never-existed"])
        #expect(try s3.listObjects(bucket: bucket, prefix: "").map(\.key) == Array(keys[20...]) + ["other/x"])
    }

    @Test("copy duplicates the bytes under another key")
    func copy() throws {
        let s3 = try S3Client(configuration: motoConfiguration())
        let bucket = uniqueName("copy")
        try s3.createBucket(bucket)
        let source = try S3Location(bucket: bucket, key: "raw/a b=1.zip")
        let destination = try S3Location(bucket: bucket, key: "archive/ä/a b=1.zip")
        let bytes = seededBytes(count: 4096, seed: 3)
        try s3.putObject(bytes, at: source)
        try s3.copyObject(from: source, to: destination)
        #expect(try s3.getObject(destination) == bytes)
    }

    @Test("a 20 MiB file goes up in three multipart parts and comes back identical")
    func multipart() throws {
        let s3 = try S3Client(configuration: motoConfiguration())
        let bucket = uniqueName("multipart")
        try s3.createBucket(bucket)
        let directory = TemporaryDirectory("multipart")
        let seed = UInt64.random(in: 1...UInt64.max)
        let bytes = seededBytes(count: 20 << 20 | 12_345, seed: seed)
        let path = directory.file("big.bin")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let location = try S3Location(bucket: bucket, key: "big/file.bin")
        let etag = try s3.putObject(fileAt: path, at: location)
        #expect(etag.hasSuffix("-3"), "seed \(seed): etag \(etag)")  // 8 + 8 + 4 MiB parts
        try s3.getObject(location, toFile: directory.file("back.bin"))
        let back = try Data(contentsOf: URL(fileURLWithPath: directory.file("back.bin")))
        #expect(back.count == bytes.count)
        #expect(back == Data(bytes), "seed \(seed)")
        // A small file takes the single-PUT path.
        try Data(bytes.prefix(1000)).write(to: URL(fileURLWithPath: directory.file("small.bin")))
        let small = try s3.putObject(fileAt: directory.file("small.bin"), at: try location.appending("small"))
        #expect(!small.contains("-"))
        #expect(try s3.getObject(try location.appending("small")) == Array(bytes.prefix(1000)))
    }
}

@Suite("SQS against moto", .serialized)
struct MotoSQSTests {
    @Test("create, send, long-poll receive, receive count, change visibility, delete")
    func lifecycle() throws {
        let configuration = try motoConfiguration()
        let sqs = try SQSClient(configuration: configuration)
        let name = uniqueName("work")
        let url = try sqs.createQueue(name: name, attributes: ["VisibilityTimeout": "30"])
        #expect(url.hasSuffix("/\(name)"))
        #expect(try sqs.queueURL(reference: "sqs://us-east-1/123456789012/\(name)") == url)
        #expect(try sqs.queueURL(reference: url) == url)
        let attributes = try sqs.queueAttributes(url)
        #expect(attributes["QueueArn"] == "arn:aws:sqs:us-east-1:123456789012:\(name)")

        let id = try sqs.sendMessage(url, body: "hello ünïcode \"quoted\"")
        #expect(!id.isEmpty)
        let first = try sqs.receiveMessages(url, max: 10, waitSeconds: 2)
        #expect(first.count == 1)
        let message = try #require(first.first)
        #expect(message.messageID == id && message.body == "hello ünïcode \"quoted\"" && message.receiveCount == 1)
        // Hidden for 30 s: a second receive finds nothing.
        #expect(try sqs.receiveMessages(url, waitSeconds: 1).isEmpty)
        // Visible again at once: received a second time, with the count saying so.
        try sqs.changeVisibility(url, receiptHandle: message.receiptHandle, seconds: 0)
        let again = try sqs.receiveMessages(url, waitSeconds: 2, visibilityTimeout: 60)
        #expect(again.map(\.messageID) == [id])
        #expect(again.first?.receiveCount == 2)
        try sqs.deleteMessage(url, receiptHandle: try #require(again.first).receiptHandle)
        #expect(try sqs.receiveMessages(url, waitSeconds: 1).isEmpty)
        #expect(try sqs.queueAttributes(url, names: ["ApproximateNumberOfMessages"])["ApproximateNumberOfMessages"]
                == "0")
    }

    @Test("a second client extends visibility on another thread while the first long-polls")
    func twoClientsTwoThreads() throws {
        let configuration = try motoConfiguration()
        let poller = try SQSClient(configuration: configuration)
        let extender = try SQSClient(configuration: configuration)
        let work = try poller.createQueue(name: uniqueName("work"))
        let idle = try poller.createQueue(name: uniqueName("idle"))
        try poller.sendMessage(work, body: "batch-1")
        let message = try #require(try poller.receiveMessages(work, waitSeconds: 2, visibilityTimeout: 5).first)

        let extensions = Mutex(0)
        let failure = Mutex<String?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { finished.signal() }
            for _ in 0..<3 {
                do {
                    try extender.changeVisibility(work, receiptHandle: message.receiptHandle, seconds: 30)
                    extensions.withLock { $0 += 1 }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
                Thread.sleep(forTimeInterval: 0.3)
            }
        }
        thread.start()
        // The poller's 2 s long poll on an empty queue overlaps the extensions on the other client.
        #expect(try poller.receiveMessages(idle, waitSeconds: 2).isEmpty)
        finished.wait()
        #expect(failure.withLock { $0 } == nil)
        #expect(extensions.withLock { $0 } == 3)
        // Still hidden: the extensions held the lease.
        #expect(try poller.receiveMessages(work, waitSeconds: 0).isEmpty)
        try poller.deleteMessage(work, receiptHandle: message.receiptHandle)
    }

    @Test("a missing queue is a config error naming the queue")
    func missingQueue() throws {
        let sqs = try SQSClient(configuration: motoConfiguration())
        let url = try sqs.queueURL(reference: "sqs://us-east-1/123456789012/\(uniqueName("never"))")
        let error = #expect(throws: LakeError.self) { try sqs.sendMessage(url, body: "x") }
        #expect(error?.code == .badSpec)
        #expect(error?.message.contains(url) == true)
    }

    @Test("queue references: sqs:// maps to AWS or to the custom endpoint; anything else is a usage error")
    func references() throws {
        #expect(try SQSClient.queueURL(reference: "sqs://eu-west-1/123456789012/incoming", customEndpoint: nil)
                == "https://sqs.eu-west-1.amazonaws.com/123456789012/incoming")
        #expect(try SQSClient.queueURL(reference: "sqs://eu-west-1/123456789012/in.fifo",
                                       customEndpoint: try Endpoint(url: "http://localhost:4566/"))
                == "http://localhost:4566/123456789012/in.fifo")
        for bad in ["sqs://eu-west-1/incoming", "sqs://eu-west-1/12ab/incoming", "sqs://eu-west-1/1/bad name",
                    "queue", "ftp://x/1/q"] {
            let error = #expect(throws: LakeError.self) { try SQSClient.queueURL(reference: bad, customEndpoint: nil) }
            #expect(error?.code == .usage)
        }
    }

    @Test("an S3 notification to SQS: the test event, then ObjectCreated for the put key")
    func bucketNotification() throws {
        let configuration = try motoConfiguration()
        let s3 = try S3Client(configuration: configuration)
        let sqs = try SQSClient(configuration: configuration)
        let bucket = uniqueName("notify")
        let queue = try sqs.createQueue(name: uniqueName("events"))
        let arn = try #require(try sqs.queueAttributes(queue, names: ["QueueArn"])["QueueArn"])
        try s3.createBucket(bucket)
        try s3.putBucketNotification(bucket: bucket, queueARN: arn, prefix: "incoming/")
        let key = "incoming/2019-01-13/immo berlin=07+ü.zip"
        try s3.putObject(seededBytes(count: 777, seed: 1), at: try S3Location(bucket: bucket, key: key))
        try s3.putObject([1, 2, 3], at: try S3Location(bucket: bucket, key: "elsewhere/x.zip"))

        var notifications: [S3Notification] = []
        for _ in 0..<5 where !notifications.contains(where: { if case .objects = $0 { true } else { false } }) {
            for message in try sqs.receiveMessages(queue, max: 10, waitSeconds: 2) {
                notifications.append(S3EventNotification.parse(message.body))
                try sqs.deleteMessage(queue, receiptHandle: message.receiptHandle)
            }
        }
        let objects: [S3ObjectEvent] = notifications.flatMap { notification -> [S3ObjectEvent] in
            if case .objects(let events) = notification { return events }
            return []
        }
        #expect(objects.map(\.key) == [key], "\(notifications)")
        #expect(objects.first?.bucket == bucket)
        #expect(objects.first?.size == 777)
        #expect(objects.first?.eventName.hasPrefix("ObjectCreated:") == true)
        #expect(notifications.contains(.test))
    }
}
