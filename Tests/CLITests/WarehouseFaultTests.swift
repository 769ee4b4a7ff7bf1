import Foundation
import TestSupport
import Testing

/// A `batchlake` child that runs while the test does something else; its output goes to files.
final class RunningCommand {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    init(_ arguments: [String], in dir: String, environment: [String: String] = [:]) throws {
        stdoutPath = dir + "/child-\(UUID().uuidString.prefix(8)).out"
        stderrPath = dir + "/child-\(UUID().uuidString.prefix(8)).err"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: batchlakeExecutable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .merging(["BATCHLAKE_LAKE": "", "BATCHLAKE_CATALOG": ""].merging(environment) { $1 }) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    /// Waits for the child and returns what it did.
    func wait() -> ProcessResult {
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return ProcessResult(status: process.terminationStatus, stdout: out, stderr: err)
    }
}

/// A JSON document printed by `--json`.
func jsonDocument(_ result: ProcessResult) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                 "not a JSON document: \(result.stdout.prefix(300)) \(result.stderr.prefix(300))")
}

/// Every table of a database's `public` schema as `rows:md5` of its rows' text, all columns, in a fixed order:
/// two databases with equal digests hold the same rows (dt and hour included), duplicates counted.
func tableDigests(_ server: PostgresServer, database: String) throws -> [String: String] {
    let tables = try server.psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                                 + "AND table_type = 'BASE TABLE' ORDER BY 1", database: database)
        .split(separator: "\n").map(String.init)
    var out: [String: String] = [:]
    for table in tables {
        out[table] = try server.psql("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY "
                                     + "t::text)), '') FROM \"\(table)\" t", database: database)
    }
    return out
}

@Suite("warehouse faults and credentials", .serialized)
struct WarehouseFaultTests {
    /// A lake of `hours` generated hours, ingested through the CLI.
    func makeLake(_ dir: TemporaryDirectory, hours: Int, perHour: Int, seed: Int) throws {
        let generate = try batchlake(["generate", "--out", "inbox", "--hours", "\(hours)", "--per-hour", "\(perHour)",
                                      "--seed", "\(seed)"], in: dir.path)
        #expect(generate.status == 0, "\(generate.stderr)")
        let ingest = try batchlake(["ingest", "inbox"], in: dir.path)
        #expect(ingest.status == 0, "\(ingest.stderr)")
    }

    @Test("PostgreSQL stopped in the middle of a load: exit 69, the load recorded failed saying what to do; after a restart a rerun leaves the warehouse equal to the lake, no duplicates",
          arguments: [PostgresServer.StopMode.immediate, .fast])
    func serverStoppedMidLoad(mode: PostgresServer.StopMode) throws {
        let dir = TemporaryDirectory("pg-restart-\(mode.rawValue)")
        try makeLake(dir, hours: 12, perHour: 60, seed: 21)
        // A server of this test's own: stopping the shared one would fail the other suites running meanwhile.
        // synchronous_commit on, as PostgreSQL ships: with it off (the test default, for speed) an immediate stop
        // loses transactions the server had already acknowledged, which no client can defend against.
        let server = try PostgresServer(settings: ["synchronous_commit=on"])
        defer { server.stop() }
        let database = try server.createDatabase("restart")
        let url = server.url(database: database)
        let partitions = try jsonDocument(try batchlake(["catalog", "partitions", "--json"], in: dir.path))
        let partitionCount = try #require(partitions["partitions"] as? [[String: Any]]).count
        #expect(partitionCount >= 12 * 3)

        let load = try RunningCommand(["load", "--warehouse", url], in: dir.path)
        // Wait, inside the server, until three hours of flats are committed and the load's connection is in the
        // middle of a COPY (each turn of the loop is a transaction of its own, so it sees fresh data and holds no
        // lock), then stop the server: `immediate` kills the backends (as a crash would), `fast` terminates them
        // with an error (SQLSTATE 57P01) and shuts down cleanly.
        let waited = Result {
            try server.psql("""
                DO $$
                DECLARE deadline timestamptz := clock_timestamp() + interval '300 seconds';
                DECLARE committed int := 0;
                BEGIN
                  LOOP
                    PERFORM pg_stat_clear_snapshot();
                    IF to_regclass('public.flats') IS NOT NULL THEN
                      EXECUTE 'SELECT count(DISTINCT (dt, hour)) FROM public.flats' INTO committed;
                    END IF;
                    EXIT WHEN committed >= 3 AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
                      AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE 'COPY%');
                    IF clock_timestamp() > deadline THEN RAISE EXCEPTION 'the load never got that far'; END IF;
                    COMMIT;  -- lets go of the lock on flats, which the load's partition replace needs
                    PERFORM pg_sleep(0.001);
                  END LOOP;
                END $$
                """, database: database)
        }
        try server.halt(mode)
        let stopped = load.wait()
        try waited.get()
        print("load with the server stopped (\(mode.rawValue)) under it: exit \(stopped.status), \(stopped.stderr)")
        #expect(stopped.status == 69, "exit \(stopped.status): \(stopped.stderr)")
        #expect(stopped.stderr.contains("lost the warehouse") && stopped.stderr.contains("rerun"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("Fatal error") && !stopped.stderr.contains(PostgresServer.password))

        // The catalog says which partition failed and why; nothing claims to be loaded that was not committed.
        let loads = try jsonDocument(try batchlake(["catalog", "loads", "--json"], in: dir.path))
        let records = try #require(loads["loads"] as? [[String: Any]])
        let failed = records.filter { $0["status"] as? String == "failed" }
        let loaded = records.filter { $0["status"] as? String == "loaded" }
        #expect(!failed.isEmpty)
        #expect(loaded.count < partitionCount, "every partition loaded: the server was stopped too late")
        #expect(loaded.count >= 3 * 2, "stopped before three hours had loaded")
        #expect(!records.contains { $0["status"] as? String == "running" })
        // Every partition is accounted for: loaded before the stop, or failed (the one in hand, and those not
        // tried yet), as when the server cannot be reached at all.
        let accounted = records.map { "\($0["table"] ?? "") \($0["partition"] ?? "")" }
        #expect(records.count == partitionCount && Set(accounted).count == partitionCount,
                "\(records.count) loads recorded for \(partitionCount) partitions")
        for record in failed {
            let error = record["error"] as? String ?? ""
            #expect(error.contains("lost the warehouse") && error.contains("rerun"), "\(error)")
        }
        let table = try batchlake(["catalog", "loads", "--status", "failed"], in: dir.path)
        #expect(table.status == 0 && table.stdout.contains("failed"))
        #expect(try batchlake(["catalog", "loads", "--warehouse", url, "--pending"], in: dir.path).stdout
            .contains("\(partitionCount - loaded.count) partitions need a load"))

        try server.restart()
        let rerun = try batchlake(["load", "--warehouse", url], in: dir.path)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("loaded \(partitionCount - loaded.count) partitions"), "\(rerun.stdout)")
        let again = try batchlake(["load", "--warehouse", url], in: dir.path)
        #expect(again.stdout.contains("loaded 0 partitions") && again.stdout.contains("\(partitionCount) up to date"))

        // The warehouse equals the lake: flats hold the lake's rows, each listing version once, and every table
        // (all columns, dt and hour included) equals an uninterrupted load of the same lake.
        let flatsRows = try #require(try jsonDocument(try batchlake(["catalog", "partitions", "--table", "flats",
                                                                     "--json"], in: dir.path))["partitions"]
            as? [[String: Any]]).reduce(0) { $0 + ($1["rows"] as? Int ?? 0) }
        #expect(flatsRows > 0)
        #expect(try server.psql("SELECT count(*) FROM flats", database: database) == "\(flatsRows)")
        #expect(try server.psql("SELECT count(DISTINCT (listing_id, modified_at)) FROM flats", database: database)
            == "\(flatsRows)")
        let reference = try server.createDatabase("reference")
        let clean = try batchlake(["load", "--warehouse", server.url(database: reference)], in: dir.path)
        #expect(clean.status == 0, "\(clean.stderr)")
        let expected = try tableDigests(server, database: reference)
        #expect(expected.count >= 4 && expected["flats"] != nil)
        let got = try tableDigests(server, database: database)
        #expect(got == expected, "\(got.filter { expected[$0.key] != $0.value }) differ from \(expected)")
    }

    @Test("a password in a postgres:// URL never appears in any output nor in the catalog, whatever the command and however it ends")
    func passwordNeverShown() throws {
        let dir = TemporaryDirectory("cli-secret")
        try makeLake(dir, hours: 2, perHour: 10, seed: 3)
        let server = try PostgresServer.start()
        let database = try server.createDatabase("secret")
        let password = PostgresServer.password
        let url = server.url(database: database)
        let wrong = "Wr0ng-pa55word"
        let downPassword = "d0wn-pa55word"
        let down = "postgres://postgres:\(downPassword)@127.0.0.1:\(PostgresServer.freePort())/\(database)"
        let secrets = [password, wrong, downPassword]

        var results: [(String, ProcessResult)] = []
        func run(_ arguments: [String], environment: [String: String] = [:], expect status: Int32) throws {
            let result = try runProcess(batchlakeExecutable, arguments, environment: [
                "BATCHLAKE_LAKE": "", "BATCHLAKE_CATALOG": "", "BATCHLAKE_WAREHOUSE": "",
            ].merging(environment) { $1 }, currentDirectory: dir.path)
            #expect(result.status == status, "\(arguments.joined(separator: " ")): \(result.stderr)")
            results.append((arguments.joined(separator: " "), result))
        }
        try run(["load", "--warehouse", down], expect: 69)
        try run(["load", "--warehouse", down, "--json"], expect: 69)
        try run(["load", "--warehouse", server.url(database: database, password: wrong)], expect: 65)
        try run(["load", "--warehouse", url, "--dry-run"], expect: 0)
        try run(["load", "--warehouse", url], expect: 0)
        try run(["load", "--json"], environment: ["BATCHLAKE_WAREHOUSE": url], expect: 0)
        try run(["reload", "--warehouse", url, "--partition", "dt=2019-01-13/hour=01"], expect: 0)
        try run(["reload", "--warehouse", url, "--partition", "dt=2019-01-13/hour=01", "--json"], expect: 0)
        try run(["reload", "--warehouse", down, "--partition", "dt=2019-01-13/hour=01"], expect: 69)
        try run(["catalog", "loads"], expect: 0)
        try run(["catalog", "loads", "--json"], expect: 0)
        try run(["catalog", "loads", "--warehouse", url], expect: 0)
        try run(["catalog", "loads", "--warehouse", url, "--pending", "--json"], expect: 0)
        try run(["catalog", "loads", "--warehouse", down, "--status", "failed"], expect: 0)
        try run(["lineage", "dt=2019-01-13/hour=01", "--table", "flats"], expect: 0)
        try run(["status", "--json"], expect: 0)

        // The commands did what they say, so the grep below looks at real output.
        let loads = try jsonDocument(results.first { $0.0 == "catalog loads --json" }!.1)
        let records = try #require(loads["loads"] as? [[String: Any]])
        #expect(records.contains { $0["status"] as? String == "failed" })
        #expect(records.contains { $0["status"] as? String == "loaded" })
        #expect(records.allSatisfy { ($0["warehouse"] as? String)?.hasPrefix("postgres://postgres@127.0.0.1:") == true })

        for (command, result) in results {
            for secret in secrets {
                #expect(!result.stdout.contains(secret), "\(command) printed a password on stdout")
                #expect(!result.stderr.contains(secret), "\(command) printed a password on stderr")
            }
        }
        // The catalog file (and any journal beside it) holds no password, in any encoding SQLite might use.
        let catalogFiles = try FileManager.default.contentsOfDirectory(atPath: dir.file("catalog"))
        #expect(catalogFiles.contains("catalog.sqlite"))
        for name in catalogFiles {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("catalog/" + name)))
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(name) holds a password")
                #expect(bytes.range(of: secret.data(using: .utf16LittleEndian)!) == nil, "\(name) holds a password")
            }
        }
    }
}
