import Foundation
import TestSupport
import Testing

/// JSON lines printed by `worker --json`.
func workerEvents(_ stdout: String) throws -> [[String: Any]] {
    try stdout.split(separator: "\n").map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}

/// Every flats row of a lake as sorted CSV lines (the comparison of two lakes).
func flatsRows(lake: String, catalog: String, in dir: String) throws -> [String] {
    let scan = try batchlake(["scan", "flats", "--lake", lake, "--catalog", catalog, "--format", "csv"], in: dir)
    #expect(scan.status == 0, "\(scan.stderr)")
    return scan.stdout.split(separator: "\n").dropFirst().map(String.init).sorted()
}

func files(in folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
}

@Suite("worker on an inbox folder", .serialized)
struct WorkerInboxTests {
    @Test("--once ingests every finished file, moves it to done/ or failed/, and leaves files in progress alone")
    func onceOverInbox() throws {
        let dir = TemporaryDirectory("worker-inbox")
        #expect(try batchlake(["generate", "--out", "batches", "--hours", "3", "--per-hour", "20", "--seed", "7"],
                              in: dir.path).status == 0)
        let names = files(in: dir.file("batches"))
        #expect(names.count == 3)
        try FileManager.default.createDirectory(atPath: dir.file("inbox"), withIntermediateDirectories: true)
        for name in names { try FileManager.default.copyItem(atPath: dir.file("batches/" + name), toPath: dir.file("inbox/" + name)) }
        FileManager.default.createFile(atPath: dir.file("inbox/broken_20190113_09.zip"), contents: Data("PK\u{3}\u{4}torn".utf8))
        FileManager.default.createFile(atPath: dir.file("inbox/upload.zip.part"), contents: Data("half".utf8))
        FileManager.default.createFile(atPath: dir.file("inbox/.hidden.zip"), contents: Data("x".utf8))

        let run = try batchlake(["worker", "--inbox", "inbox", "--once", "--settle", "0", "--wait", "1", "--json"],
                                in: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        let events = try workerEvents(run.stdout)
        #expect(events.count == 4)
        #expect(events.allSatisfy { $0["version"] as? Int == 1 })
        #expect(events.filter { $0["outcome"] as? String == "done" }.count == 3)
        let rejected = try #require(events.first { $0["outcome"] as? String == "rejected" })
        #expect(rejected["message_id"] as? String == "broken_20190113_09.zip")
        #expect(files(in: dir.file("inbox/done")) == names)
        #expect(files(in: dir.file("inbox/failed")) == ["broken_20190113_09.zip", "broken_20190113_09.zip.error.txt"])
        let reason = try String(contentsOfFile: dir.file("inbox/failed/broken_20190113_09.zip.error.txt"), encoding: .utf8)
        #expect(reason.contains("broken_20190113_09.zip"))
        #expect(files(in: dir.file("inbox")) == ["done", "failed", "upload.zip.part"])

        // The same rows as a plain ingest of the same files into another lake.
        #expect(try batchlake(["ingest", "--lake", "lake2", "--catalog", "cat2/c.sqlite", "batches"], in: dir.path).status == 0)
        let viaWorker = try flatsRows(lake: "lake", catalog: "catalog/catalog.sqlite", in: dir.path)
        #expect(viaWorker.count > 0)
        #expect(viaWorker == (try flatsRows(lake: "lake2", catalog: "cat2/c.sqlite", in: dir.path)))

        // A file dropped again is a no-op that still clears the inbox.
        try FileManager.default.copyItem(atPath: dir.file("batches/" + names[0]), toPath: dir.file("inbox/" + names[0]))
        let again = try batchlake(["worker", "--inbox", "inbox", "--once", "--settle", "0", "--wait", "1", "--json"],
                                  in: dir.path)
        #expect(again.status == 0)
        let batches = try #require(try workerEvents(again.stdout).first?["batches"] as? [[String: Any]])
        #expect(batches.first?["outcome"] as? String == "already_ingested")
        #expect(files(in: dir.file("inbox/done")).count == 4)
        let listed = try batchlake(["catalog", "batches", "--json"], in: dir.path)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        #expect((doc["batches"] as? [[String: Any]])?.filter { $0["status"] as? String == "published" }.count == 3)
    }

    @Test("two workers on one inbox ingest every file exactly once")
    func twoWorkers() throws {
        let dir = TemporaryDirectory("worker-two")
        #expect(try batchlake(["generate", "--out", "batches", "--hours", "8", "--per-hour", "10", "--seed", "3"],
                              in: dir.path).status == 0)
        try FileManager.default.copyItem(atPath: dir.file("batches"), toPath: dir.file("inbox"))
        let arguments = ["worker", "--inbox", "inbox", "--once", "--settle", "0", "--wait", "2", "--json"]
        nonisolated(unsafe) var results: [ProcessResult?] = [nil, nil]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            results[i] = try? batchlake(arguments, in: dir.path)
        }
        let a = try #require(results[0]), b = try #require(results[1])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\n\(b.stderr)")
        let events = try workerEvents(a.stdout) + workerEvents(b.stdout)
        let ids = events.compactMap { $0["message_id"] as? String }
        #expect(ids.count == 8)
        #expect(Set(ids).count == 8)
        #expect(files(in: dir.file("inbox/done")) == files(in: dir.file("batches")))
        #expect(try batchlake(["ingest", "--lake", "lake2", "--catalog", "cat2/c.sqlite", "batches"], in: dir.path).status == 0)
        #expect(try flatsRows(lake: "lake", catalog: "catalog/catalog.sqlite", in: dir.path)
                == (try flatsRows(lake: "lake2", catalog: "cat2/c.sqlite", in: dir.path)))
    }

    @Test("a worker killed mid-batch leaves its file claimed; the next worker puts it back and finishes it")
    func killedMidBatch() throws {
        let dir = TemporaryDirectory("worker-kill")
        #expect(try batchlake(["generate", "--out", "batches", "--hours", "2", "--per-hour", "10", "--seed", "4"],
                              in: dir.path).status == 0)
        try FileManager.default.copyItem(atPath: dir.file("batches"), toPath: dir.file("inbox"))
        // Killed while its first batch writes its staged files.
        let killed = try runProcess(batchlakeExecutable,
                                    ["worker", "--inbox", "inbox", "--once", "--settle", "0", "--wait", "1"],
                                    environment: ["BATCHLAKE_FAILPOINT": "close:2", "BATCHLAKE_LAKE": "",
                                                  "BATCHLAKE_CATALOG": ""],
                                    currentDirectory: dir.path)
        #expect(killed.status != 0)
        let claims = try FileManager.default.contentsOfDirectory(atPath: dir.file("inbox/.claimed"))
            .flatMap { files(in: dir.file("inbox/.claimed/" + $0)) }
        #expect(claims.count == 1)

        let rerun = try batchlake(["worker", "--inbox", "inbox", "--once", "--settle", "0", "--wait", "1", "--json"],
                                  in: dir.path)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(files(in: dir.file("inbox/done")) == files(in: dir.file("batches")))
        #expect(try batchlake(["ingest", "--lake", "lake2", "--catalog", "cat2/c.sqlite", "batches"], in: dir.path).status == 0)
        #expect(try flatsRows(lake: "lake", catalog: "catalog/catalog.sqlite", in: dir.path)
                == (try flatsRows(lake: "lake2", catalog: "cat2/c.sqlite", in: dir.path)))
        #expect(try batchlake(["verify"], in: dir.path).status == 0)
    }

    @Test("SIGTERM stops a waiting worker cleanly with exit 0")
    func sigterm() throws {
        let dir = TemporaryDirectory("worker-term")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: batchlakeExecutable)
        process.arguments = ["worker", "--inbox", "inbox", "--wait", "1"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        process.environment = ProcessInfo.processInfo.environment.merging(["BATCHLAKE_LAKE": "", "BATCHLAKE_CATALOG": ""]) { $1 }
        let err = Pipe()
        process.standardError = err
        try process.run()
        // Wait until it watches the inbox, then ask it to stop.
        var ready = false
        for _ in 0..<200 where !ready {
            usleep(50_000)
            ready = FileManager.default.fileExists(atPath: dir.file("inbox/.claimed"))
        }
        #expect(ready)
        usleep(300_000)
        process.terminate()
        process.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("0 messages"))
    }
}
