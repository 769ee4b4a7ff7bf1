// batchlake-loadbench: a day of generated batches loaded into a throwaway PostgreSQL 15 by `batchlake load`,
// timed beside `psql \copy` of the same CSV.gz files (the limit), plus the checks of issue 5's "done when".
//
//   swift build -c release --product batchlake --product batchlake-loadbench
//   .build/release/batchlake-loadbench [--hours 24] [--per-hour 500] [--seed 42] [--repeat 3]
//
// The `batchlake` binary next to this one runs the loads. PostgreSQL runs from /usr/lib/postgresql/15/bin (or
// $BATCHLAKE_PG_BIN) with fsync off, as in the tests; both paths share the server and its settings.
import Foundation
import LakeCatalog
import LakeCore
import LakeGenerator
import LakePipeline

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

// MARK: Arguments

var hours = 24, perHour = 500, seed: UInt64 = 42, repeats = 3, keep = false
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    func next() -> String { args.popFirst() ?? "" }
    switch a {
    case "--hours": hours = Int(next()) ?? hours
    case "--per-hour": perHour = Int(next()) ?? perHour
    case "--seed": seed = UInt64(next()) ?? seed
    case "--repeat": repeats = max(1, Int(next()) ?? repeats)
    case "--keep": keep = true
    default:
        FileHandle.standardError.write(Data("usage: batchlake-loadbench [--hours N] [--per-hour N] [--seed N] [--repeat N] [--keep]\n".utf8))
        exit(64)
    }
}

// MARK: Processes (posix_spawn: Foundation's Process waits forever on pg_ctl's daemon)

@discardableResult
func spawn(_ executable: String, _ arguments: [String], check: Bool = true) throws -> (status: Int32, output: String) {
    let outputPath = "/tmp/batchlake-loadbench-\(UUID().uuidString.prefix(8)).log"
    defer { unlink(outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard code == 0 else { throw BenchError("cannot start \(executable): errno \(code)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    if check && exitStatus != 0 {
        throw BenchError("\(executable) \(arguments.prefix(6).joined(separator: " ")) failed (\(exitStatus)):\n\(output)")
    }
    return (exitStatus, output)
}

func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = Date()
    let value = try body()
    return (value, Date().timeIntervalSince(start))
}

// MARK: A throwaway PostgreSQL (the few lines of Tests/TestSupport/PostgresServer.swift it needs)

final class Server {
    let bin = ProcessInfo.processInfo.environment["BATCHLAKE_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
    let directory = "/tmp/batchlake-loadbench-pg-\(UUID().uuidString.prefix(8))"
    let asPostgres = getuid() == 0 ? ["-u", "postgres", "--"] : []
    var port = 0

    func run(_ tool: String, _ arguments: [String]) throws {
        if asPostgres.isEmpty {
            try spawn("/usr/bin/env", ["-C", "/", "\(bin)/\(tool)"] + arguments)
        } else {
            try spawn("/usr/sbin/runuser", asPostgres + ["/usr/bin/env", "-C", "/", "\(bin)/\(tool)"] + arguments)
        }
    }

    func start() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 { try spawn("/bin/chown", ["postgres:postgres", directory]) }
        try run("initdb", ["-D", directory + "/data", "--no-sync", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                           "--locale=C"])
        for _ in 0..<5 {
            port = Int.random(in: 20_000..<60_000)
            do {
                try run("pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "30",
                                   "start", "-o", "-c listen_addresses=127.0.0.1 -p \(port) "
                                    + "-c unix_socket_directories=\(directory) -c fsync=off -c synchronous_commit=off "
                                    + "-c full_page_writes=off"])
                return
            } catch {}
        }
        throw BenchError("pg_ctl start failed; see \(directory)/server.log")
    }

    func stop() {
        _ = try? run("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    func url(_ database: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)" }

    /// psql over the socket: a command (`-c`) or a script file (`-f`).
    @discardableResult
    func psql(_ sql: String? = nil, file: String? = nil, database: String) throws -> String {
        var arguments = ["-h", directory, "-p", "\(port)", "-U", "postgres", "-d", database, "-qAt", "-v",
                         "ON_ERROR_STOP=1"]
        if let sql { arguments += ["-c", sql] }
        if let file { arguments += ["-f", file] }
        return try spawn("\(bin)/psql", arguments).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

// MARK: The run

let batchlake = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("batchlake").path
guard FileManager.default.isExecutableFile(atPath: batchlake) else {
    FileHandle.standardError.write(Data(("error: no batchlake binary beside this one (\(batchlake)); build it with "
                                         + "`swift build -c release --product batchlake`\n").utf8))
    exit(69)
}
let work = "/tmp/batchlake-loadbench-\(UUID().uuidString.prefix(8))"
let lakeRoot = work + "/lake", catalogPath = work + "/catalog.sqlite"
let server = Server()
var failures: [String] = []

func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
@MainActor func check(_ ok: Bool, _ text: String) {
    say("  [\(ok ? "ok" : "FAIL")] \(text)")
    if !ok { failures.append(text) }
}

do {
    defer {
        server.stop()
        if !keep { try? FileManager.default.removeItem(atPath: work) }
    }
    say("generating \(hours) h x \(perHour) records (seed \(seed)) …")
    _ = try Generator.generate(GeneratorOptions(outputDirectory: work + "/inbox", hours: hours, perHour: perHour,
                                                seed: seed))
    let (reports, ingestSeconds) = try timed {
        try Lake(root: lakeRoot, catalogPath: catalogPath).ingest(paths: [work + "/inbox"])
    }
    say(String(format: "ingested %d batches in %.2f s", reports.count, ingestSeconds))
    let lake = try Lake(root: lakeRoot, catalogPath: catalogPath)
    let csvFiles = try lake.catalog.files(format: .csvGzip)
    let lakeRows = Dictionary(grouping: try lake.catalog.partitions(), by: \.table)
        .mapValues { $0.reduce(0) { $0 + $1.rows } }
    let totalRows = lakeRows.values.reduce(0, +)
    let csvBytes = csvFiles.reduce(Int64(0)) { $0 + $1.bytes }
    say("lake: \(csvFiles.count) CSV.gz files, \(totalRows) rows, \(csvBytes) bytes compressed")

    try server.start()
    say("PostgreSQL 15 on 127.0.0.1:\(server.port)")
    let lakeArgs = ["--lake", lakeRoot, "--catalog", catalogPath]

    // 1. batchlake load, into a fresh database each repeat (a fresh catalog record too: --schema per repeat).
    var loadTimes: [Double] = []
    for r in 0..<repeats {
        let database = "load\(r)"
        try server.psql("CREATE DATABASE \(database)", database: "postgres")
        let (_, seconds) = try timed { try spawn(batchlake, ["load", "--warehouse", server.url(database)] + lakeArgs) }
        loadTimes.append(seconds)
    }

    // 2. psql \copy of the same files into equivalent tables (same columns and types, the same indexes made
    //    non-unique, as a key may sit in several partitions of the lake), autocommit per file.
    var copyTimes: [Double] = []
    let tables = lake.spec.tables.map(\.name)
    for r in 0..<repeats {
        let database = "copy\(r)"
        try server.psql("CREATE DATABASE \(database) TEMPLATE template0", database: "postgres")
        // The definitions come from the tables `batchlake load` made in load0 (LIKE cannot cross databases).
        var ddl = ""
        for table in tables {
            let columns = try server.psql("""
                SELECT string_agg(quote_ident(column_name) || ' ' || format_type(a.atttypid, a.atttypmod), ', '
                    ORDER BY ordinal_position)
                FROM information_schema.columns c JOIN pg_attribute a ON a.attrelid = 'public.\(table)'::regclass
                    AND a.attname = c.column_name
                WHERE table_schema = 'public' AND table_name = '\(table)'
                    AND column_name NOT IN ('dt', 'hour')
                """, database: "load0")
            ddl += "CREATE TABLE \(table) (\(columns), dt date, hour smallint);\n"
            for index in try server.psql(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = '\(table)'",
                database: "load0").split(separator: "\n") {
                ddl += index.replacingOccurrences(of: "UNIQUE INDEX", with: "INDEX")
                    .replacingOccurrences(of: " ON public.", with: " ON ") + ";\n"
            }
        }
        try server.psql(ddl, database: database)
        var script = ""
        for file in csvFiles {
            let columns = try lake.schema(of: file.table).columns.map(\.name).joined(separator: ", ")
            script += "\\copy \(file.table) (\(columns)) FROM PROGRAM 'gzip -dc \(lakeRoot)/\(file.path)' "
                + "WITH (FORMAT csv, HEADER true)\n"
        }
        let scriptPath = work + "/copy.sql"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let (_, seconds) = try timed { try server.psql(file: scriptPath, database: database) }
        copyTimes.append(seconds)
        let copied = Int(try server.psql("SELECT (SELECT count(*) FROM flats)", database: database)) ?? -1
        if copied != lakeRows["flats"] { failures.append("psql \\copy loaded \(copied) flats rows") }
    }

    let load = loadTimes.min()!, copy = copyTimes.min()!
    say("")
    say("load of \(hours) h x \(perHour) records: \(csvFiles.count) files, \(totalRows) rows (best of \(repeats))")
    say(String(format: "  batchlake load   %7.3f s  %8.0f rows/s   (runs: %@)", load, Double(totalRows) / load,
               loadTimes.map { String(format: "%.3f", $0) }.joined(separator: ", ")))
    say(String(format: "  psql \\copy       %7.3f s  %8.0f rows/s   (runs: %@)", copy, Double(totalRows) / copy,
               copyTimes.map { String(format: "%.3f", $0) }.joined(separator: ", ")))
    say(String(format: "  ratio            %7.2fx (aim: within 1.5x)", load / copy))

    // 3. Issue 5's done-when, on the first loaded database.
    say("")
    say("checks (database load0):")
    let db = "load0"
    for table in tables {
        let count = Int(try server.psql("SELECT count(*) FROM \(table)", database: db)) ?? -1
        if lake.spec.table(named: table)?.kind == .fact {
            check(count == lakeRows[table], "\(table): count(*) \(count) = the lake's rows \(lakeRows[table] ?? 0)")
        } else {
            // Each natural key once: the lake's distinct keys of the table.
            let keys = Int(try lake.catalog.db.query("SELECT count(*) FROM dimension_keys WHERE table_name = ?", table)
                .first?[0].int ?? -1)
            check(count == keys, "\(table): count(*) \(count) = the lake's distinct keys \(keys) "
                  + "(\(lakeRows[table] ?? 0) rows over its partitions; upserted by key)")
        }
    }
    func digest(_ table: String, _ condition: String = "TRUE") throws -> String {
        try server.psql("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \(table) t "
                        + "WHERE \(condition)", database: db)
    }
    let before = try Dictionary(uniqueKeysWithValues: tables.map { ($0, try digest($0)) })
    let second = try spawn(batchlake, ["load", "--warehouse", server.url(db), "--json"] + lakeArgs).output
    let secondDoc = try JSONSerialization.jsonObject(with: Data(second.utf8)) as? [String: Any]
    let secondCount = (secondDoc?["partitions"] as? [Any])?.count ?? -1
    let unchanged = try tables.allSatisfy { try digest($0) == before[$0] }
    check(secondCount == 0 && unchanged, "a second load loads \(secondCount) partitions; every table unchanged")

    let hour = PartitionKey(year: 2019, month: 1, day: 13, hour: min(5, hours - 1))
    let condition = "dt = DATE '\(hour.dateString)' AND hour = \(hour.hour)"
    let hourRows = Int(try server.psql("SELECT count(*) FROM flats WHERE \(condition)", database: db)) ?? -1
    var deleted = 0
    for table in tables {
        deleted += Int(try server.psql("WITH d AS (DELETE FROM \(table) WHERE \(condition) RETURNING 1) "
                                       + "SELECT count(*) FROM d", database: db)) ?? 0
    }
    let reload = try spawn(batchlake, ["reload", "--warehouse", server.url(db), "--partition", hour.path] + lakeArgs)
    let restored = try tables.allSatisfy { try digest($0) == before[$0] }
    check(restored, "deleted \(deleted) rows of \(hour.path) (\(hourRows) flats); `reload` restored every table exactly")
    if !restored { say(reload.output) }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(70)
}
if !failures.isEmpty {
    say("\(failures.count) checks failed")
    exit(1)
}
