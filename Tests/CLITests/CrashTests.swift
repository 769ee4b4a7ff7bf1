import Foundation
import TestSupport
import Testing

/// Kill tests (STYLE.md section 8, after sqlite's crash tests): the command is killed with SIGKILL at its N-th
/// write or commit step (BATCHLAKE_KILL_AT), rerun, and the lake must be consistent with exact row counts.
/// The default suite tries every 5th step; BATCHLAKE_LONG_TESTS=1 tries every step.
@Suite("crash safety", .serialized)
struct CrashTests {
    static let long = ProcessInfo.processInfo.environment["BATCHLAKE_LONG_TESTS"] != nil
    static let stride = long ? 1 : 4

    func run(_ arguments: [String], in dir: String, killAt: Int? = nil) throws -> ProcessResult {
        var env = ["BATCHLAKE_LAKE": "", "BATCHLAKE_CATALOG": ""]
        if let killAt { env["BATCHLAKE_KILL_AT"] = String(killAt) }
        return try runProcess(batchlakeExecutable, arguments, environment: env, currentDirectory: dir)
    }

    /// Sorted CSV lines of a table as scan prints them: the rows, whatever files hold them.
    func rows(_ table: String, in dir: String) throws -> [Substring] {
        let result = try run(["scan", table, "--format", "csv"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").dropFirst().sorted()
    }

    @Test("ingest killed at any step, then rerun, lands every row exactly once and verify is clean")
    func killIngest() throws {
        let source = TemporaryDirectory("crash-ingest-src")
        #expect(try run(["generate", "--out", "inbox", "--hours", CrashTests.long ? "3" : "1", "--per-hour", CrashTests.long ? "20" : "8",
                         "--seed", "11", "--messy"],
                        in: source.path).status == 0)
        // The reference: an uninterrupted ingest.
        #expect(try run(["ingest", source.file("inbox")], in: source.path).status == 0)
        let expected = try rows("flats", in: source.path)
        let expectedAgency = try rows("agency", in: source.path)
        #expect(!expected.isEmpty)

        var step = 1
        var kills = 0
        while true {
            let dir = TemporaryDirectory("crash-ingest")
            let killed = try run(["ingest", source.file("inbox")], in: dir.path, killAt: step)
            if killed.status == 0 { break }  // the command finished before reaching this step: every step tried
            #expect(killed.status == 9, "step \(step): expected SIGKILL, got \(killed.status): \(killed.stderr)")
            kills += 1
            let rerun = try run(["ingest", source.file("inbox")], in: dir.path)
            #expect(rerun.status == 0, "step \(step): rerun failed: \(rerun.stderr)")
            let verify = try run(["verify", "--deep"], in: dir.path)
            #expect(verify.status == 0, "step \(step): \(verify.stdout)")
            #expect(try rows("flats", in: dir.path) == expected, "step \(step): flats rows differ")
            #expect(try rows("agency", in: dir.path) == expectedAgency, "step \(step): agency rows differ")
            step += CrashTests.stride
        }
        #expect(kills >= (CrashTests.long ? 100 : 8))
        print("crash safety: ingest killed at \(kills) steps, every rerun exact")
    }

    @Test("load killed at any step, then rerun, leaves the warehouse equal to the lake, each row once")
    func killLoad() throws {
        let dir = TemporaryDirectory("crash-load")
        #expect(try run(["generate", "--out", "inbox", "--hours", CrashTests.long ? "6" : "2", "--per-hour",
                         CrashTests.long ? "20" : "8", "--seed", "13", "--messy"], in: dir.path).status == 0)
        #expect(try run(["ingest", "inbox"], in: dir.path).status == 0)
        let server = try PostgresServer.start()
        let tables = ["flats", "address", "agency", "quarter", "city", "region", "country"]
        /// Row count and a checksum of every table, as psql reads them back.
        func digest(_ database: String) throws -> [String] {
            try tables.map { table in
                try server.psql("SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
                                + "FROM \"\(table)\" t", database: database)
            }
        }
        let reference = try server.createDatabase("crash_ref")
        #expect(try run(["load", "--warehouse", server.url(database: reference)], in: dir.path).status == 0)
        let expected = try digest(reference)

        var step = 1
        var kills = 0
        while true {
            // A copy of the catalog per step, so each kill starts from the same ingested lake.
            let catalog = dir.file("catalog-\(step).sqlite")
            try FileManager.default.copyItem(atPath: dir.file("catalog/catalog.sqlite"), toPath: catalog)
            defer { try? FileManager.default.removeItem(atPath: catalog) }
            let database = try server.createDatabase("crash_load")
            let url = server.url(database: database)
            let killed = try run(["load", "--catalog", catalog, "--warehouse", url], in: dir.path, killAt: step)
            if killed.status == 0 { break }
            #expect(killed.status == 9, "step \(step): expected SIGKILL, got \(killed.status): \(killed.stderr)")
            kills += 1
            let rerun = try run(["load", "--catalog", catalog, "--warehouse", url], in: dir.path)
            #expect(rerun.status == 0, "step \(step): rerun failed: \(rerun.stderr)")
            #expect(try digest(database) == expected, "step \(step): the warehouse differs from the lake")
            let again = try run(["load", "--catalog", catalog, "--warehouse", url, "--json"], in: dir.path)
            #expect(again.status == 0)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
            #expect((report["partitions"] as? [Any])?.isEmpty == true, "step \(step): a third load loaded again")
            step += CrashTests.stride
        }
        #expect(kills >= (CrashTests.long ? 100 : 8))
        print("crash safety: load killed at \(kills) steps, every rerun exact")
    }

    @Test("compaction killed at any step, then rerun, keeps exactly the same rows and ends with one file")
    func killCompaction() throws {
        let source = TemporaryDirectory("crash-compact-src")
        #expect(try run(["generate", "--out", "late", "--hours", CrashTests.long ? "6" : "3", "--per-hour", "6", "--seed", "12"], in: source.path).status == 0)
        // Four late files, all for one hour.
        #expect(try run(["ingest", "--hour", "2019-01-13T05", "late"], in: source.path).status == 0)
        let expected = try rows("flats", in: source.path)

        var step = 1
        var kills = 0
        while true {
            let dir = TemporaryDirectory("crash-compact")
            try FileManager.default.copyItem(atPath: source.file("lake"), toPath: dir.file("lake"))
            try FileManager.default.copyItem(atPath: source.file("catalog"), toPath: dir.file("catalog"))
            let killed = try run(["compact"], in: dir.path, killAt: step)
            if killed.status == 0 { break }
            #expect(killed.status == 9, "step \(step): expected SIGKILL, got \(killed.status): \(killed.stderr)")
            kills += 1
            // Between the kill and the rerun, readers see the old set or the new one.
            #expect(try rows("flats", in: dir.path) == expected, "step \(step): rows changed after the kill")
            let rerun = try run(["compact"], in: dir.path)
            #expect(rerun.status == 0, "step \(step): rerun failed: \(rerun.stderr)")
            let verify = try run(["verify", "--deep"], in: dir.path)
            #expect(verify.status == 0, "step \(step): \(verify.stdout)")
            #expect(try rows("flats", in: dir.path) == expected, "step \(step): rows differ after the rerun")
            let files = try run(["catalog", "files", "--table", "flats", "--format", "bcol", "--json"], in: dir.path)
            let doc = try JSONSerialization.jsonObject(with: Data(files.stdout.utf8)) as? [String: Any]
            #expect((doc?["files"] as? [Any])?.count == 1, "step \(step): not compacted to one file")
            step += CrashTests.stride
        }
        #expect(kills >= (CrashTests.long ? 100 : 8))
        print("crash safety: compaction killed at \(kills) steps, every rerun exact")
    }
}
