import Foundation
import LakeAWS
import TestSupport
import Testing

/// A bucket and a queue of their own on the shared moto server, and the environment that points the CLI at it.
struct S3Fixture {
    let dir: TemporaryDirectory
    let moto: MotoServer
    let s3: S3Client
    let sqs: SQSClient
    let bucket: String
    let environment: [String: String]

    init(_ label: String) throws {
        dir = TemporaryDirectory("s3-\(label)")
        moto = try MotoServer.start()
        environment = [
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret", "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": moto.endpoint, "BATCHLAKE_LAKE": "", "BATCHLAKE_CATALOG": "",
            "BATCHLAKE_SCRATCH": dir.file("scratch"), "AWS_CONFIG_FILE": dir.file("none"),
            "AWS_SHARED_CREDENTIALS_FILE": dir.file("none"),
        ]
        let configuration = try AWSConfiguration.resolve(environment: environment)
        s3 = try S3Client(configuration: configuration)
        sqs = try SQSClient(configuration: configuration)
        bucket = "t-\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        try s3.createBucket(bucket)
    }

    func run(_ arguments: [String], extra: [String: String] = [:]) throws -> ProcessResult {
        try runProcess(batchlakeExecutable, arguments, environment: environment.merging(extra) { $1 },
                       currentDirectory: dir.path)
    }

    func generate(hours: Int, perHour: Int, seed: Int, start: String = "2019-01-13T00") throws -> [String] {
        let result = try run(["generate", "--out", "batches", "--hours", "\(hours)", "--per-hour", "\(perHour)",
                              "--seed", "\(seed)", "--start", start])
        #expect(result.status == 0, "\(result.stderr)")
        return files(in: dir.file("batches"))
    }

    func keys(_ prefix: String) throws -> [String] { try s3.listObjects(bucket: bucket, prefix: prefix).map(\.key) }

    /// A queue that receives the bucket's ObjectCreated events under `incoming/`.
    func notifyingQueue() throws -> String {
        let url = try sqs.createQueue(name: bucket)
        let arn = try #require(try sqs.queueAttributes(url, names: ["QueueArn"])["QueueArn"])
        try s3.putBucketNotification(bucket: bucket, queueARN: arn, prefix: "incoming/")
        return url
    }

    func upload(_ name: String) throws {
        try s3.putObject(fileAt: dir.file("batches/" + name), at: S3Location(bucket: bucket, key: "incoming/" + name),
                         contentType: "application/zip")
    }

    /// Messages still in the queue, visible or in flight.
    func messagesLeft(_ url: String) throws -> Int {
        let attributes = try sqs.queueAttributes(url, names: ["ApproximateNumberOfMessages",
                                                              "ApproximateNumberOfMessagesNotVisible"])
        return (Int(attributes["ApproximateNumberOfMessages"] ?? "") ?? -1)
            + (Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? -1)
    }

    func flats(lake: String, catalog: String) throws -> [String] {
        let scan = try run(["scan", "flats", "--lake", lake, "--catalog", catalog, "--format", "csv"])
        #expect(scan.status == 0, "\(scan.stderr)")
        return scan.stdout.split(separator: "\n").dropFirst().map(String.init).sorted()
    }
}

@Suite("S3 lake and SQS worker (moto)", .serialized)
struct S3Tests {
    @Test("every command works on an S3 lake: ingest, scan, verify --deep, compact, vacuum, lineage, load")
    func s3Lake() throws {
        let f = try S3Fixture("lake")
        let names = try f.generate(hours: 3, perHour: 15, seed: 11)
        let lake = "s3://\(f.bucket)/lake"
        let ingest = try f.run(["ingest", "--lake", lake, "batches"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        // Raw objects hold the inputs byte for byte; no staging is left behind.
        for name in names {
            let raw = try f.keys("lake/raw/").first { $0.hasSuffix("/" + name) }
            let bytes = try f.s3.getObject(S3Location(bucket: f.bucket, key: try #require(raw)))
            #expect(bytes == [UInt8](try Data(contentsOf: URL(fileURLWithPath: f.dir.file("batches/" + name)))))
        }
        #expect(try f.keys("lake/_staging/").isEmpty)
        let manifestKey = try #require(try f.keys("lake/clean/flats/").first { $0.hasSuffix("manifest.json") })
        let manifest = String(decoding: try f.s3.getObject(S3Location(bucket: f.bucket, key: manifestKey)), as: UTF8.self)
        #expect(manifest.contains("\"url\": \"s3://\(f.bucket)/lake/clean/flats/dt="))

        // The same rows as a local lake of the same batches.
        #expect(try f.run(["ingest", "--lake", "local", "--catalog", "local.sqlite", "batches"]).status == 0)
        let expected = try f.flats(lake: "local", catalog: "local.sqlite")
        #expect(expected.count > 0)
        #expect(try f.flats(lake: lake, catalog: "catalog/catalog.sqlite") == expected)
        let verify = try f.run(["verify", "--lake", lake, "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        // A late batch for hour 00 makes two files there; compaction makes one, and the rows stay.
        let late = try f.run(["generate", "--out", "late", "--hours", "1", "--per-hour", "5", "--seed", "99",
                              "--start", "2019-01-13T00"])
        #expect(late.status == 0)
        let lateName = try #require(files(in: f.dir.file("late")).first)
        try FileManager.default.moveItem(atPath: f.dir.file("late/" + lateName),
                                         toPath: f.dir.file("late/late_20190113_00.zip"))
        #expect(try f.run(["ingest", "--lake", lake, "late/late_20190113_00.zip"]).status == 0)
        #expect(try f.run(["ingest", "--lake", "local", "--catalog", "local.sqlite", "late/late_20190113_00.zip"]).status == 0)
        let compact = try f.run(["compact", "--lake", lake, "--json"])
        #expect(compact.status == 0, "\(compact.stderr)")
        #expect(try f.keys("lake/clean/flats/dt=2019-01-13/hour=00/").filter { $0.hasSuffix(".bcol") }.count == 1)
        #expect(try f.keys("lake/_trash/").count > 0)
        #expect(try f.flats(lake: lake, catalog: "catalog/catalog.sqlite")
                == (try f.flats(lake: "local", catalog: "local.sqlite")))
        #expect(try f.run(["vacuum", "--lake", lake, "--retain", "0s"]).status == 0)
        #expect(try f.keys("lake/_trash/").isEmpty)
        #expect(try f.run(["verify", "--lake", lake, "--deep"]).status == 0)
        #expect(try f.run(["lineage", "--lake", lake, "dt=2019-01-13/hour=00"]).status == 0)

        // Load reads the bucket's CSV files into PostgreSQL.
        let server = try PostgresServer.start()
        let database = try server.createDatabase("s3lake")
        let load = try f.run(["load", "--lake", lake, "--warehouse", server.url(database: database)])
        #expect(load.status == 0, "\(load.stderr)")
        let rows = try server.psql("SELECT count(*) FROM flats", database: database)
        let catalogRows = try f.run(["catalog", "partitions", "--lake", lake, "--table", "flats", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(catalogRows.stdout.utf8)) as? [String: Any])
        let total = (doc["partitions"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["rows"] as? Int ?? 0) }
        #expect(Int(rows) == total)
    }

    @Test("ingest reads s3:// objects and prefixes into a local lake; the object's name decides the hour")
    func s3Inputs() throws {
        let f = try S3Fixture("inputs")
        let names = try f.generate(hours: 2, perHour: 10, seed: 12, start: "2019-03-01T07")
        for name in names { try f.upload(name) }
        let result = try f.run(["ingest", "--json", "s3://\(f.bucket)/incoming/"])
        #expect(result.status == 0, "\(result.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let batches = try #require(doc["batches"] as? [[String: Any]])
        #expect(batches.compactMap { $0["partition"] as? String } == ["dt=2019-03-01/hour=07", "dt=2019-03-01/hour=08"])
        #expect(batches.compactMap { $0["input"] as? String } == names.map { "s3://\(f.bucket)/incoming/\($0)" })
        let one = try f.run(["ingest", "s3://\(f.bucket)/incoming/\(names[0])"])
        #expect(one.status == 0)
        #expect(one.stdout.contains("already ingested"))
        let missing = try f.run(["ingest", "s3://\(f.bucket)/nothing/here.zip"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("s3://\(f.bucket)/nothing/here.zip"))
        #expect(!missing.stderr.contains("testing-secret"))
    }

    @Test("48 notifications with 5 duplicates, two workers at once: 43 batches, each row once, every message deleted")
    func twoWorkersOnSQS() throws {
        let f = try S3Fixture("sqs")
        let queue = try f.notifyingQueue()
        let names = try f.generate(hours: 43, perHour: 3, seed: 21)
        #expect(names.count == 43)
        for name in names { try f.upload(name) }
        for name in names.prefix(5) { try f.upload(name) }  // late duplicates: the same object again
        let lake = "s3://\(f.bucket)/lake"
        let arguments = ["worker", "--lake", lake, "--queue", queue, "--once", "--wait", "2", "--json"]
        nonisolated(unsafe) var results: [ProcessResult?] = [nil, nil]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            results[i] = try? f.run(arguments, extra: ["BATCHLAKE_SCRATCH": f.dir.file("scratch\(i)")])
        }
        let a = try #require(results[0]), b = try #require(results[1])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\n\(b.stderr)")
        let events = try workerEvents(a.stdout) + workerEvents(b.stdout)
        #expect(events.count == 49)  // 48 object events and the test event
        #expect(events.filter { $0["outcome"] as? String == "ignored" }.count == 1)
        #expect(events.filter { $0["outcome"] as? String == "done" }.count == 48)
        #expect(try f.messagesLeft(queue) == 0)

        let listed = try f.run(["catalog", "batches", "--lake", lake, "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let batches = try #require(doc["batches"] as? [[String: Any]])
        // Attempts that lost a commit race to the other worker are recorded failed and were ingested again.
        #expect(batches.filter { $0["status"] as? String == "published" }.count == 43)
        #expect(batches.allSatisfy { ["published", "failed"].contains($0["status"] as? String ?? "") })
        #expect(try f.keys("lake/raw/").count == 43)
        #expect(try f.keys("lake/clean/flats/").filter { $0.hasSuffix(".bcol") }.count == 43)

        #expect(try f.run(["ingest", "--lake", "local", "--catalog", "local.sqlite", "batches"]).status == 0)
        let rows = try f.flats(lake: lake, catalog: "catalog/catalog.sqlite")
        #expect(rows == (try f.flats(lake: "local", catalog: "local.sqlite")))
        #expect(try f.run(["verify", "--lake", lake]).status == 0)
    }

    @Test("a worker killed mid-batch leaves its message; after the visibility timeout another worker finishes it")
    func killedWorkerOnSQS() throws {
        let f = try S3Fixture("kill")
        let queue = try f.notifyingQueue()
        let names = try f.generate(hours: 2, perHour: 5, seed: 31)
        for name in names { try f.upload(name) }
        try f.sqs.sendMessage(queue, body: "not a notification")
        let lake = "s3://\(f.bucket)/lake"
        // Killed while its first batch uploads its staging.
        let killed = try f.run(["worker", "--lake", lake, "--queue", queue, "--once", "--wait", "1",
                                "--visibility-timeout", "10"], extra: ["BATCHLAKE_FAILPOINT": "uploaded:2"])
        #expect(killed.status != 0)
        let started = Date()
        let rerun = try f.run(["worker", "--lake", lake, "--queue", queue, "--once", "--wait", "15", "--json",
                               "--visibility-timeout", "10"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let events = try workerEvents(rerun.stdout)
        #expect(events.contains { $0["outcome"] as? String == "ignored" && ($0["reason"] as? String ?? "").count > 0 })
        #expect(events.filter { $0["outcome"] as? String == "done" }.count == names.count)
        #expect(events.contains { ($0["receive_count"] as? Int ?? 0) >= 2 })
        #expect(Date().timeIntervalSince(started) < 120)
        #expect(try f.messagesLeft(queue) == 0)
        #expect(try f.run(["ingest", "--lake", "local", "--catalog", "local.sqlite", "batches"]).status == 0)
        #expect(try f.flats(lake: lake, catalog: "catalog/catalog.sqlite")
                == (try f.flats(lake: "local", catalog: "local.sqlite")))
        #expect(try f.run(["verify", "--lake", lake]).status == 0)
    }

    @Test("through a proxy that drops, stalls and fails requests at random (seeded), every batch lands exactly once")
    func faultyNetwork() throws {
        let f = try S3Fixture("faults")
        let queue = try f.notifyingQueue()
        let names = try f.generate(hours: 12, perHour: 3, seed: 41)
        for name in names { try f.upload(name) }
        for name in names.prefix(2) { try f.upload(name) }
        let port = PostgresServer.freePort()
        let proxy = try BackgroundProcess(
            ["/usr/bin/env", "python3", repositoryRoot + "/Tests/Tools/fault_proxy.py", "--upstream",
             "127.0.0.1:\(f.moto.port)", "--port", "\(port)", "--seed", "7", "--rate", "0.15", "--stall", "1", "--stats", f.dir.file("faults.json")],
            label: "fault-proxy")
        try proxy.waitForPort(port)
        let proxied = "http://127.0.0.1:\(port)"
        let queueViaProxy = queue.replacingOccurrences(of: f.moto.endpoint, with: proxied)
        let lake = "s3://\(f.bucket)/lake"
        let run = try f.run(["worker", "--lake", lake, "--queue", queueViaProxy, "--once", "--wait", "12",
                             "--visibility-timeout", "10", "--json"], extra: ["AWS_ENDPOINT_URL": proxied])
        proxy.stop()
        #expect(run.status == 0, "\(run.stderr)")
        let counts = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: f.dir.file("faults.json")))) as? [String: Int])
        print("fault proxy: \(counts.sorted { $0.key < $1.key })")
        #expect(counts.filter { $0.key != "forwarded" }.values.reduce(0, +) > 0, "no fault was injected")
        #expect(try f.messagesLeft(queue) == 0)
        let listed = try f.run(["catalog", "batches", "--lake", lake, "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        #expect((doc["batches"] as? [[String: Any]])?.filter { $0["status"] as? String == "published" }.count == 12)
        #expect(try f.run(["ingest", "--lake", "local", "--catalog", "local.sqlite", "batches"]).status == 0)
        #expect(try f.flats(lake: lake, catalog: "catalog/catalog.sqlite")
                == (try f.flats(lake: "local", catalog: "local.sqlite")))
        #expect(try f.run(["verify", "--lake", lake, "--deep"]).status == 0)
    }

    @Test("a message that keeps failing is given up: deleted and recorded dead, or left to the dead-letter queue")
    func deadMessages() throws {
        let f = try S3Fixture("dead")
        let names = try f.generate(hours: 1, perHour: 3, seed: 61)
        // The batch lands, but its load cannot: nothing listens on this port.
        let unreachable = "postgres://nobody@127.0.0.1:\(PostgresServer.freePort())/none"

        // Without a redrive policy: deleted after --max-receives, recorded dead in the catalog.
        let queue = try f.notifyingQueue()
        try f.upload(names[0])
        let run = try f.run(["worker", "--lake", "lake", "--queue", queue, "--once", "--wait", "1",
                             "--max-receives", "1", "--load", unreachable, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let dead = try #require(try workerEvents(run.stdout).first { $0["outcome"] as? String == "dead" })
        #expect((dead["reason"] as? String ?? "").contains("loading"))
        #expect(try f.messagesLeft(queue) == 0)
        let status = try f.run(["status", "--json", "--lake", "lake"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((doc["dead_messages"] as? [String])?.count == 1)

        // With a redrive policy: left alone, and SQS moves it to the dead-letter queue.
        let dlq = try f.sqs.createQueue(name: f.bucket + "-dlq")
        let dlqARN = try #require(try f.sqs.queueAttributes(dlq, names: ["QueueArn"])["QueueArn"])
        let redriven = try f.sqs.createQueue(name: f.bucket + "-main", attributes: [
            "RedrivePolicy": "{\"deadLetterTargetArn\": \"\(dlqARN)\", \"maxReceiveCount\": \"1\"}"])
        let body = "{\"Records\": [{\"eventName\": \"ObjectCreated:Put\", \"s3\": {\"bucket\": {\"name\": \"\(f.bucket)\"}, "
            + "\"object\": {\"key\": \"incoming/\(names[0])\", \"size\": 1}}}]}"
        try f.sqs.sendMessage(redriven, body: body)
        let again = try f.run(["worker", "--lake", "lake2", "--catalog", "c2.sqlite", "--queue", redriven, "--once",
                               "--wait", "1", "--max-receives", "1", "--load", unreachable, "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let left = try #require(try workerEvents(again.stdout).first)
        #expect(left["outcome"] as? String == "dead")
        #expect((left["disposition"] as? String ?? "").contains("dead-letter queue"))
        usleep(1_500_000)
        // The next receive finds the main queue empty: SQS moved the message to the dead-letter queue.
        #expect(try f.sqs.receiveMessages(redriven, max: 1, waitSeconds: 1).isEmpty)
        #expect(try f.sqs.receiveMessages(dlq, max: 1, waitSeconds: 2).count == 1)
    }

    @Test("a notification for an object inside the lake is ignored, so a bucket without a prefix filter cannot loop")
    func lakeObjectsIgnored() throws {
        let f = try S3Fixture("loop")
        let queue = try f.sqs.createQueue(name: f.bucket)
        let body = "{\"Records\": [{\"eventName\": \"ObjectCreated:Put\", \"s3\": {\"bucket\": {\"name\": \"\(f.bucket)\"}, "
            + "\"object\": {\"key\": \"lake/clean/flats/dt%3D2019-01-13/hour%3D00/part-x.csv.gz\", \"size\": 1}}}]}"
        try f.sqs.sendMessage(queue, body: body)
        let run = try f.run(["worker", "--lake", "s3://\(f.bucket)/lake", "--queue", queue, "--once", "--wait", "1",
                             "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let event = try #require(try workerEvents(run.stdout).first)
        #expect(event["outcome"] as? String == "ignored")
        #expect((event["reason"] as? String ?? "").contains("inside the lake"))
        #expect(try f.messagesLeft(queue) == 0)
    }
}
