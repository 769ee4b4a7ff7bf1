import Foundation
import TestSupport
import Testing

/// Runs the built `batchlake` in `dir` with the given environment (BATCHLAKE_* cleared unless given).
func batchlake(_ arguments: [String], in dir: String, environment: [String: String]) throws -> ProcessResult {
    try runProcess(batchlakeExecutable, arguments,
                   environment: ["BATCHLAKE_LAKE": "", "BATCHLAKE_CATALOG": ""].merging(environment) { $1 },
                   currentDirectory: dir)
}

@Suite("command line on a PostgreSQL catalog", .serialized)
struct PostgresCatalogCLITests {
    @Test("catalog migrate copies a SQLite catalog to PostgreSQL, check compares, and every command runs on it")
    func migrateCheckIngestScan() throws {
        let server = try PostgresServer.start()
        let database = try server.createDatabase("cli_catalog")
        let url = server.url(database: database)
        let dir = TemporaryDirectory("cli-pgcat")
        func run(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ProcessResult {
            let result = try batchlake(arguments, in: dir.path, environment: environment)
            // The password never reaches the output, whatever the command.
            #expect(!result.stdout.contains(PostgresServer.password) && !result.stderr.contains(PostgresServer.password),
                    "password printed by \(arguments.first ?? "")")
            return result
        }

        #expect(try run(["generate", "--out", "inbox", "--hours", "2", "--per-hour", "10", "--seed", "3"]).status == 0)
        #expect(try run(["ingest", "inbox"]).status == 0)

        let migrate = try run(["catalog", "migrate", "--from", "catalog/catalog.sqlite", "--to", url])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("check: equal"))
        #expect(try server.psql("SELECT COUNT(*) FROM batches WHERE status = 'published'", database: database) == "2")

        let check = try run(["catalog", "check", "--json", "--from", "catalog/catalog.sqlite", "--to", url])
        #expect(check.status == 0, "\(check.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        #expect(doc["version"] as? Int == 1 && doc["equal"] as? Bool == true)
        #expect((doc["tables"] as? [[String: Any]])?.contains { $0["table"] as? String == "listing_versions" } == true)

        // The target holds a catalog now: a second copy is refused (usage), the first stays.
        let again = try run(["catalog", "migrate", "--from", "catalog/catalog.sqlite", "--to", url])
        #expect(again.status == 64)
        #expect(again.stderr.contains("not empty") && again.stderr.contains("--force"))

        // Ingest more on PostgreSQL only (through the environment variable): the same content again is a no-op,
        // the new hour lands, and the two catalogs now differ.
        #expect(try run(["generate", "--out", "inbox2", "--start", "2019-01-13T05", "--hours", "1", "--per-hour", "10",
                         "--seed", "9"]).status == 0)
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.file("inbox")).sorted().first)
        try FileManager.default.copyItem(atPath: dir.file("inbox/\(first)"), toPath: dir.file("inbox2/\(first)"))
        let ingest = try run(["ingest", "inbox2"], ["BATCHLAKE_CATALOG": url])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("already ingested"))
        #expect(try server.psql("SELECT COUNT(*) FROM batches WHERE status = 'published'", database: database) == "3")
        let differs = try run(["catalog", "check", "--from", "catalog/catalog.sqlite", "--to", url])
        #expect(differs.status == 1)
        #expect(differs.stdout.contains("differ") && differs.stdout.contains("batches"))

        // scan reads through the PostgreSQL catalog: every row the catalog counts, once.
        let rows = try server.psql("SELECT SUM(rows) FROM partitions WHERE table_name = 'flats'", database: database)
        let scan = try run(["scan", "flats", "--catalog", url, "--columns", "listing_id", "--format", "csv"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let ids = scan.stdout.split(separator: "\n").dropFirst()
        #expect("\(ids.count)" == rows && ids.count > 20)

        // The password may come from PGPASSWORD instead of the URL.
        let listed = try run(["catalog", "batches", "--json", "--catalog", server.url(database: database, password: nil)],
                             ["PGPASSWORD": PostgresServer.password])
        #expect(listed.status == 0, "\(listed.stderr)")
        let batches = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        #expect((batches["batches"] as? [Any])?.count == 3)

        // A wrong password is refused without echoing either password.
        let refused = try run(["catalog", "batches", "--catalog", server.url(database: database, password: "nope-wrong")])
        #expect(refused.status == 65)
        #expect(!refused.stderr.contains("nope-wrong") && refused.stderr.contains("catalog"))
    }

    @Test("several processes opening an empty PostgreSQL catalog at once all succeed; it migrates once")
    func concurrentProcessesMigrateOnce() throws {
        let server = try PostgresServer.start()
        let database = try server.createDatabase("cli_race")
        let url = server.url(database: database)
        let dir = TemporaryDirectory("cli-pgcat-race")
        let executable = batchlakeExecutable
        let path = dir.path
        // Start the processes together (not one after the other) and wait for all.
        var processes: [Process] = []
        for _ in 0..<5 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["catalog", "batches", "--catalog", url]
            process.currentDirectoryURL = URL(fileURLWithPath: path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            processes.append(process)
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.map(\.terminationStatus) == Array(repeating: 0, count: 5))
        let versions = try server.psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations",
                                       database: database)
        #expect(versions == "1,2,3,4")
    }

    @Test("three ingest processes on one inbox, one lake and one PostgreSQL catalog: every batch and row once")
    func concurrentIngestsLandEachBatchOnce() throws {
        let server = try PostgresServer.start()
        let database = try server.createDatabase("cli_ingest_race")
        let url = server.url(database: database)
        let dir = TemporaryDirectory("cli-pgcat-ingest")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "6", "--per-hour", "15", "--seed", "11",
                               "--messy"], in: dir.path, environment: [:]).status == 0)
        var processes: [Process] = []
        for _ in 0..<3 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: batchlakeExecutable)
            process.arguments = ["ingest", "--catalog", url, "inbox"]
            process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
            process.environment = ProcessInfo.processInfo.environment.merging(["BATCHLAKE_LAKE": ""]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            processes.append(process)
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        // A process that found an input in progress elsewhere exits 75 (rerun is safe); rerun once, as a cron would.
        #expect(processes.allSatisfy { [0, 75].contains($0.terminationStatus) })
        let rerun = try batchlake(["ingest", "--catalog", url, "inbox"], in: dir.path, environment: [:])
        #expect(rerun.status == 0, "\(rerun.stderr)")

        #expect(try server.psql("SELECT COUNT(*) FROM batches WHERE status = 'published'", database: database) == "6")
        #expect(try server.psql("SELECT COUNT(DISTINCT sha256) FROM batches WHERE status = 'published'",
                                database: database) == "6")
        #expect(try server.psql("SELECT COUNT(*) FROM batches WHERE status = 'pending'", database: database) == "0")
        #expect(try server.psql("SELECT COUNT(*) FROM leases", database: database) == "0")
        let verify = try batchlake(["verify", "--deep", "--catalog", url], in: dir.path, environment: [:])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let versions = try server.psql("SELECT COUNT(*) FROM listing_versions", database: database)
        let scan = try batchlake(["scan", "flats", "--catalog", url, "--columns", "listing_id,modified_at",
                                  "--format", "csv"], in: dir.path, environment: [:])
        let rows = scan.stdout.split(separator: "\n").dropFirst()
        #expect("\(rows.count)" == versions && Set(rows).count == rows.count && rows.count > 60)
    }

    @Test("ingest on a PostgreSQL catalog killed at any step, then rerun, lands every row once; verify is clean")
    func killIngestOnPostgres() throws {
        let server = try PostgresServer.start()
        let source = TemporaryDirectory("cli-pgcat-crash-src")
        #expect(try batchlake(["generate", "--out", "inbox", "--hours", "1", "--per-hour", "8", "--seed", "11",
                               "--messy"], in: source.path, environment: [:]).status == 0)
        func rows(_ dir: String, _ catalog: String) throws -> [Substring] {
            let scan = try batchlake(["scan", "flats", "--format", "csv", "--catalog", catalog], in: dir, environment: [:])
            #expect(scan.status == 0, "\(scan.stderr)")
            return scan.stdout.split(separator: "\n").dropFirst().sorted()
        }
        let reference = server.url(database: try server.createDatabase("crash_ref"))
        #expect(try batchlake(["ingest", "--catalog", reference, source.file("inbox")], in: source.path,
                              environment: [:]).status == 0)
        let expected = try rows(source.path, reference)
        #expect(!expected.isEmpty)

        var step = 1
        var kills = 0
        while true {
            let dir = TemporaryDirectory("cli-pgcat-crash")
            let catalog = server.url(database: try server.createDatabase("crash"))
            let killed = try batchlake(["ingest", "--catalog", catalog, source.file("inbox")], in: dir.path,
                                       environment: ["BATCHLAKE_KILL_AT": String(step)])
            if killed.status == 0 { break }
            #expect(killed.status == 9, "step \(step): expected SIGKILL, got \(killed.status): \(killed.stderr)")
            kills += 1
            let rerun = try batchlake(["ingest", "--catalog", catalog, source.file("inbox")], in: dir.path,
                                      environment: [:])
            #expect(rerun.status == 0, "step \(step): rerun failed: \(rerun.stderr)")
            let verify = try batchlake(["verify", "--deep", "--catalog", catalog], in: dir.path, environment: [:])
            #expect(verify.status == 0, "step \(step): \(verify.stdout)")
            #expect(try rows(dir.path, catalog) == expected, "step \(step): flats rows differ")
            // Every step with BATCHLAKE_LONG_TESTS=1, as the SQLite kill tests; every 12th by default.
            step += ProcessInfo.processInfo.environment["BATCHLAKE_LONG_TESTS"] != nil ? 1 : 12
        }
        #expect(kills >= 4)
        print("crash safety: ingest on a PostgreSQL catalog killed at \(kills) steps, every rerun exact")
    }
}
