import Foundation
import TestSupport
import Testing

/// Runs the built `batchlake` binary in `dir`.
func batchlake(_ arguments: [String], in dir: String) throws -> ProcessResult {
    try runProcess(batchlakeExecutable, arguments, environment: ["BATCHLAKE_LAKE": "", "BATCHLAKE_CATALOG": ""],
                   currentDirectory: dir)
}

@Suite("command line", .serialized)
struct CLITests {
    @Test("the root help teaches the commands and the exit codes")
    func rootHelp() throws {
        let dir = TemporaryDirectory("cli-help")
        let result = try batchlake(["--help"], in: dir.path)
        #expect(result.status == 0)
        for word in ["generate", "ingest", "catalog", "scan", "inspect", "export", "75", "temporary failure"] {
            #expect(result.stdout.contains(word), "help lacks \(word)")
        }
    }

    @Test("usage errors exit 64 with a message naming the problem", arguments: [
        ["ingest"], ["ingest", "--hour", "yesterday", "x.zip"], ["scan", "flats", "--where", "listing_id"],
        ["frobnicate"],
    ])
    func usage(arguments: [String]) throws {
        let dir = TemporaryDirectory("cli-usage")
        let result = try batchlake(arguments, in: dir.path)
        #expect(result.status == 64)
        #expect(!result.stderr.isEmpty)
    }

    @Test("the default lake and catalog are ./lake and ./catalog/catalog.sqlite, created on first use")
    func defaults() throws {
        let dir = TemporaryDirectory("cli-defaults")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "2", "--per-hour", "5", "--seed", "1"], in: dir.path).status == 0)
        let ingest = try batchlake(["ingest", "inbox"], in: dir.path)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("catalog/catalog.sqlite")))
        #expect(FileManager.default.fileExists(atPath: dir.file("lake/raw/immobilienscout24/dt=2019-01-13/hour=01/immobilienscout24_berlin_20190113_01.zip")))
        let lines = ingest.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains("ingested") && lines[0].contains("MB/s"))
    }

    @Test("--json prints one document with a version key; a refused input exits 1 and the rest still lands")
    func jsonAndRefusal() throws {
        let dir = TemporaryDirectory("cli-json")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "1", "--per-hour", "5"], in: dir.path).status == 0)
        FileManager.default.createFile(atPath: dir.file("inbox/broken.zip"), contents: Data("PK\u{3}\u{4}not really".utf8))
        let result = try batchlake(["ingest", "--json", "inbox"], in: dir.path)
        #expect(result.status == 1)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(doc["version"] as? Int == 1)
        let batches = try #require(doc["batches"] as? [[String: Any]])
        #expect(Set(batches.compactMap { $0["outcome"] as? String }) == ["ingested", "refused"])
        #expect(result.stderr.contains("broken.zip"))
        #expect(!result.stderr.contains("Fatal error"))

        let partitions = try batchlake(["catalog", "partitions", "--json", "--table", "flats"], in: dir.path)
        let pdoc = try #require(try JSONSerialization.jsonObject(with: Data(partitions.stdout.utf8)) as? [String: Any])
        #expect(pdoc["version"] as? Int == 1)
        #expect((pdoc["partitions"] as? [[String: Any]])?.first?["data_version"] as? Int == 1)
    }

    @Test("scan answers a point lookup with the same row in every output format, and explains the pruning")
    func scanFormats() throws {
        let dir = TemporaryDirectory("cli-scan")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "3", "--per-hour", "20", "--seed", "5"], in: dir.path).status == 0)
        #expect(try batchlake(["ingest", "inbox"], in: dir.path).status == 0)
        let ids = try batchlake(["scan", "flats", "--columns", "listing_id", "--format", "csv"], in: dir.path)
        let all = ids.stdout.split(separator: "\n").dropFirst().map(String.init)
        #expect(all.count == 60)
        let id = try #require(all.last)
        let jsonl = try batchlake(["scan", "flats", "--where", "listing_id = \(id)", "--format", "jsonl",
                                   "--columns", "listing_id,total_rent", "--explain"], in: dir.path)
        #expect(jsonl.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(jsonl.stdout.utf8)) as? [String: Any])
        #expect(object["listing_id"] as? String == id)
        #expect(jsonl.stderr.contains("skipped by Bloom filter"))
        let explain = try batchlake(["scan", "flats", "--where", "listing_id = \(id)", "--explain", "--json"], in: dir.path)
        let e = try #require(try JSONSerialization.jsonObject(with: Data(explain.stdout.utf8)) as? [String: Any])
        #expect(e["rows_returned"] as? Int == 1)
        #expect((e["files_skipped_by_bloom_filter"] as? Int ?? 0) + (e["files_skipped_by_statistics"] as? Int ?? 0) >= 1)
        let pruned = try batchlake(["scan", "flats", "--partition", "dt=2019-01-13/hour=01", "--explain", "--json"], in: dir.path)
        let p = try #require(try JSONSerialization.jsonObject(with: Data(pruned.stdout.utf8)) as? [String: Any])
        #expect(p["partitions_pruned"] as? Int == 2)
        #expect(p["rows_returned"] as? Int == 20)
        let unknown = try batchlake(["scan", "flats", "--columns", "nope"], in: dir.path)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("nope"))
    }

    @Test("inspect --verify passes on a written file and exits 1 naming the file after a flipped byte")
    func inspectVerify() throws {
        let dir = TemporaryDirectory("cli-inspect")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "1", "--per-hour", "10"], in: dir.path).status == 0)
        #expect(try batchlake(["ingest", "inbox"], in: dir.path).status == 0)
        let files = try batchlake(["catalog", "files", "--format", "bcol", "--table", "flats", "--json"], in: dir.path)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(files.stdout.utf8)) as? [String: Any])
        let path = try #require(((doc["files"] as? [[String: Any]])?.first?["path"]) as? String)
        let file = dir.file("lake/" + path)
        let ok = try batchlake(["inspect", "--verify", file], in: dir.path)
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("listing_id"))
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count / 2] ^= 0x10
        FileManager.default.createFile(atPath: dir.file("damaged.bcol"), contents: Data(bytes))
        let bad = try batchlake(["inspect", "--verify", dir.file("damaged.bcol")], in: dir.path)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("damaged.bcol"))
    }

    @Test("verify exits 1 naming a flipped byte, a deleted file and an orphan, and is clean once they are repaired")
    func verifyFindsDamage() throws {
        let dir = TemporaryDirectory("cli-verify")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "2", "--per-hour", "10"], in: dir.path).status == 0)
        #expect(try batchlake(["ingest", "inbox"], in: dir.path).status == 0)
        #expect(try batchlake(["verify", "--deep"], in: dir.path).status == 0)
        func activePath(_ table: String, _ format: String) throws -> String {
            let files = try batchlake(["catalog", "files", "--format", format, "--table", table, "--json"], in: dir.path)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(files.stdout.utf8)) as? [String: Any])
            return try #require(((doc["files"] as? [[String: Any]])?.first?["path"]) as? String)
        }
        // One flipped bit in a columnar file (same size), one CSV.gz deleted, one stray file in a partition.
        let flipped = try activePath("flats", "bcol")
        let original = try Data(contentsOf: URL(fileURLWithPath: dir.file("lake/" + flipped)))
        var bytes = Array(original)
        bytes[bytes.count / 3] ^= 0x04
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("lake/" + flipped)))
        let deleted = try activePath("agency", "csv.gz")
        let kept = try Data(contentsOf: URL(fileURLWithPath: dir.file("lake/" + deleted)))
        try FileManager.default.removeItem(atPath: dir.file("lake/" + deleted))
        let orphan = "clean/address/dt=2019-01-13/hour=00/stray.csv.gz"
        #expect(FileManager.default.createFile(atPath: dir.file("lake/" + orphan), contents: Data("x".utf8)))

        for deep in [false, true] {
            let result = try batchlake(["verify", "--json"] + (deep ? ["--deep"] : []), in: dir.path)
            #expect(result.status == 1, "\(result.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let problems = (doc["problems"] as? [[String: Any]] ?? []).map { "\($0["kind"]!) \($0["path"]!)" }
            #expect(problems.contains("checksum_mismatch \(flipped)"), "\(problems)")
            #expect(problems.contains("missing \(deleted)"), "\(problems)")
            #expect(problems.contains("orphan \(orphan)"), "\(problems)")
        }
        let text = try batchlake(["verify"], in: dir.path)
        #expect(text.status == 1)
        #expect(text.stdout.contains("3 problems") && text.stdout.contains(flipped) && text.stdout.contains(deleted))

        try original.write(to: URL(fileURLWithPath: dir.file("lake/" + flipped)))
        try kept.write(to: URL(fileURLWithPath: dir.file("lake/" + deleted)))
        try FileManager.default.removeItem(atPath: dir.file("lake/" + orphan))
        let clean = try batchlake(["verify", "--deep"], in: dir.path)
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.contains("consistent"))
    }

    @Test("export regenerates a partition's CSV.gz from the columnar files with the same rows")
    func exportCSV() throws {
        let dir = TemporaryDirectory("cli-export")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "2", "--per-hour", "15"], in: dir.path).status == 0)
        #expect(try batchlake(["ingest", "inbox"], in: dir.path).status == 0)
        let result = try batchlake(["export", "flats", "--partition", "dt=2019-01-13/hour=01", "--out", "out"], in: dir.path)
        #expect(result.status == 0, "\(result.stderr)")
        let same = try python("""
            import duckdb, sys
            q = "select * exclude (dt, hour) from read_csv('{}', hive_partitioning=true, all_varchar=true, allow_quoted_nulls=false)"
            a = duckdb.sql(q.format(sys.argv[1] + '/lake/clean/flats/dt=2019-01-13/hour=01/*.csv.gz')).fetchall()
            b = duckdb.sql(q.format(sys.argv[1] + '/out/flats/dt=2019-01-13/hour=01/*.csv.gz')).fetchall()
            print(len(a), sorted(a) == sorted(b))
            """, arguments: [dir.path])
        #expect(same.trimmingCharacters(in: .whitespacesAndNewlines) == "15 True")
        #expect(FileManager.default.fileExists(atPath: dir.file("out/flats/dt=2019-01-13/hour=01/manifest.json")))
    }

    @Test("status shows a killed ingest as in flight with its owner gone, then the recovered batch among the errors")
    func status() throws {
        let dir = TemporaryDirectory("cli-status")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "1", "--per-hour", "5"], in: dir.path).status == 0)
        let killed = try runProcess(batchlakeExecutable, ["ingest", "inbox"],
                                    environment: ["BATCHLAKE_LAKE": "", "BATCHLAKE_CATALOG": "", "BATCHLAKE_FAILPOINT": "close"],
                                    currentDirectory: dir.path)
        #expect(killed.status == 9)
        let before = try batchlake(["status", "--json"], in: dir.path)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any])
        #expect(doc["version"] as? Int == 1)
        let inFlight = try #require(doc["in_flight"] as? [[String: Any]])
        #expect(inFlight.count == 1 && inFlight.first?["owner_gone"] as? Bool == true)
        #expect(try batchlake(["ingest", "inbox"], in: dir.path).status == 0)
        let after = try batchlake(["status", "--json"], in: dir.path)
        let doc2 = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        #expect((doc2["in_flight"] as? [Any])?.isEmpty == true)
        #expect(((doc2["last_errors"] as? [[String: Any]])?.first?["error"] as? String)?.contains("abandoned") == true)
    }
}
