import Foundation
import LakeAWS
import TestSupport
import Testing

/// Issue #10's set-up on one machine: an S3 lake and an SQS queue on moto, the catalog on PostgreSQL, three workers
/// with scratch folders of their own (three "hosts"), and a compaction and a load running beside them.
@Suite("three workers over one S3 lake, one SQS queue and a PostgreSQL catalog", .serialized)
struct MultiHostTests {
    @Test("60 notifications with duplicates, compaction and load at once, one worker killed: every batch and row once")
    func threeWorkers() throws {
        let f = try S3Fixture("hosts")
        let server = try PostgresServer.start()
        let catalog = server.url(database: try server.createDatabase("catalog3"))
        let warehouseDB = try server.createDatabase("warehouse3")
        let warehouse = server.url(database: warehouseDB)
        let queue = try f.notifyingQueue()
        let names = try f.generate(hours: 54, perHour: 3, seed: 51)
        #expect(names.count == 54)
        // Three late batches for hours that already have one: partitions for the compaction to merge.
        let late = try f.run(["generate", "--out", "late", "--hours", "3", "--per-hour", "2", "--seed", "52",
                              "--start", "2019-01-13T00"])
        #expect(late.status == 0)
        for (i, name) in files(in: f.dir.file("late")).enumerated() {
            try FileManager.default.moveItem(atPath: f.dir.file("late/" + name),
                                             toPath: f.dir.file("batches/late_20190113_0\(i).zip"))
        }
        let all = files(in: f.dir.file("batches"))
        #expect(all.count == 57)
        for name in all { try f.upload(name) }
        for name in names.suffix(3) { try f.upload(name) }  // duplicate notifications: 60 in all
        let lake = "s3://\(f.bucket)/lake"
        let shared = ["BATCHLAKE_CATALOG": catalog, "BATCHLAKE_LAKE": lake]

        // Three workers, each its own scratch folder; the first is killed (SIGKILL) in the middle of its third
        // batch's upload. A compaction and a load run over and over while they work.
        nonisolated(unsafe) var results: [ProcessResult?] = Array(repeating: nil, count: 5)
        DispatchQueue.concurrentPerform(iterations: 5) { i in
            var env = shared
            env["BATCHLAKE_SCRATCH"] = f.dir.file("host\(i)")
            switch i {
            case 0, 1, 2:
                if i == 0 { env["BATCHLAKE_FAILPOINT"] = "uploaded:3" }
                results[i] = try? f.run(["worker", "--queue", queue, "--once", "--wait", "15",
                                         "--visibility-timeout", "10", "--json"], extra: env)
            case 3:
                for _ in 0..<4 {
                    results[i] = try? f.run(["compact", "--older-than", "0s"], extra: env)
                    usleep(2_000_000)
                }
            default:
                for _ in 0..<4 {
                    results[i] = try? f.run(["load", "--warehouse", warehouse], extra: env)
                    usleep(2_000_000)
                }
            }
        }
        let killed = try #require(results[0])
        #expect(killed.status != 0)
        for i in 1...2 {
            let worker = try #require(results[i])
            #expect(worker.status == 0, "worker \(i): \(worker.stderr)")
        }
        #expect(results[3]?.status == 0, "\(results[3]?.stderr ?? "")")
        #expect(results[4]?.status == 0, "\(results[4]?.stderr ?? "")")
        let events = try workerEvents(results[1]!.stdout) + workerEvents(results[2]!.stdout)
        // The killed worker's batch came back to another worker.
        #expect(events.contains { ($0["receive_count"] as? Int ?? 0) >= 2 })
        #expect(try f.messagesLeft(queue) == 0)

        // Everything once more, now that the workers are done, then check.
        let env = shared.merging(["BATCHLAKE_SCRATCH": f.dir.file("host9")]) { $1 }
        #expect(try f.run(["compact", "--older-than", "0s"], extra: env).status == 0)
        let finalLoad = try f.run(["load", "--warehouse", warehouse], extra: env)
        #expect(finalLoad.status == 0, "\(finalLoad.stderr)")

        // The late batches' hours were compacted to one columnar file each.
        for hour in 0..<3 {
            #expect(try f.keys("lake/clean/flats/dt=2019-01-13/hour=0\(hour)/").filter { $0.hasSuffix(".bcol") }.count == 1)
        }
        let listed = try f.run(["catalog", "batches", "--json"], extra: env)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let batches = try #require(doc["batches"] as? [[String: Any]])
        #expect(batches.filter { $0["status"] as? String == "published" }.count == 57)
        #expect(batches.allSatisfy { ["published", "failed"].contains($0["status"] as? String ?? "") })

        #expect(try f.run(["ingest", "--lake", "local", "--catalog", "local.sqlite", "batches"]).status == 0)
        let lakeRows = try f.flats(lake: lake, catalog: catalog)
        #expect(lakeRows == (try f.flats(lake: "local", catalog: "local.sqlite")))
        func flatsRows(_ extra: [String: String], _ more: [String] = []) throws -> Int {
            let partitions = try f.run(["catalog", "partitions", "--table", "flats", "--json"] + more, extra: extra)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(partitions.stdout.utf8)) as? [String: Any])
            return (doc["partitions"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["rows"] as? Int ?? 0) }
        }
        let rows = try flatsRows(env)
        #expect(rows > 162)
        #expect(rows == (try flatsRows([:], ["--lake", "local", "--catalog", "local.sqlite"])))
        #expect(Int(try server.psql("SELECT count(*) FROM flats", database: warehouseDB)) == rows)
        #expect(Int(try server.psql("SELECT count(DISTINCT (listing_id, modified_at)) FROM flats",
                                    database: warehouseDB)) == rows)
        let verify = try f.run(["verify", "--deep"], extra: env)
        #expect(verify.status == 0, "\(verify.stdout)")

        // No lease is left held and nothing is in flight.
        let catalogDB = String(catalog.split(separator: "/").last ?? "")
        #expect(try server.psql("SELECT count(*) FROM leases", database: catalogDB) == "0")
        #expect(try server.psql("SELECT count(*) FROM batches WHERE status IN ('pending', 'committed')",
                                database: catalogDB) == "0")
        #expect(try server.psql("SELECT count(*) FROM compactions WHERE status = 'running'", database: catalogDB) == "0")
        let status = try f.run(["status", "--json"], extra: env)
        let sdoc = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((sdoc["workers"] as? [[String: Any]])?.count == 3)
        #expect((sdoc["partitions_awaiting_load"] as? [Any])?.isEmpty == true)
        #expect(!status.stdout.contains(PostgresServer.password))
    }
}
