// batchlake-bench: the benchmark of issues 4 and 8. Generates the standard workload (24 hours x 500 records,
// seed 42; --large for 24 x 5,000; --quick for 4 x 500), then measures on it, in one run: the floor (inflate, and
// inflate + line split, on both cores), `batchlake ingest` against its peers (DuckDB, pyarrow, pandas; A B A B),
// peak RSS, time per stage, bytes per table per format, columnar encode and decode, scans and a point lookup.
// Prints Markdown tables on stdout and progress on stderr. See README, "Performance".

import Foundation
import LakeCompression
import LakeCore
import LakeFormat
import LakeGenerator
import LakePipeline
import LakeStorage

struct BenchOptions {
    var quick = false
    var large = false
    var runs = 2
    var peers = true
    var encodeOnly = false
    var codecTrial = false
    var work = NSTemporaryDirectory() + "batchlake-bench"
    var root = FileManager.default.currentDirectoryPath

    static let usage = """
        usage: batchlake-bench [--quick | --large] [--runs N] [--no-peers] [--encode-only] [--codec-trial] [--work DIR] [--root DIR]

          --quick      4 hours x 500 records (a smoke run)
          --large      24 hours x 5,000 records (the 10x workload)
          --runs N     A B A B rounds of ingest against the peers (default 2)
          --no-peers   skip the Python peers, sizes in other formats and the DuckDB lookup
          --encode-only  only the columnar writer: re-encode every table's .bcol files of one ingest (made once
                       under --work) --runs times, in memory, and print MB/s and bytes per table (for A/B runs of
                       two builds on the same rows)
          --codec-trial  page codecs side by side (deflate 1 and 6, zstd 1-19 with and without a long window)
                       on the long text of flats from that same ingest: bytes, compress and decompress CPU s
          --work DIR   where workloads, lakes and peer outputs go (default: $TMPDIR/batchlake-bench); the
                       generated workload is reused across runs
          --root DIR   the package folder, for Benchmarks/peers and the bundled spec (default: the current folder)

        Build both executables first: swift build -c release && swift run -c release batchlake-bench
        """

    static func parse(_ arguments: [String]) -> BenchOptions {
        var options = BenchOptions()
        var i = 0
        func value() -> String {
            i += 1
            guard i < arguments.count else { fail("\(arguments[i - 1]) needs a value\n\n\(usage)") }
            return arguments[i]
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--quick": options.quick = true
            case "--large": options.large = true
            case "--runs": options.runs = max(1, Int(value()) ?? 2)
            case "--no-peers": options.peers = false
            case "--encode-only": options.encodeOnly = true
            case "--codec-trial": options.codecTrial = true
            case "--work": options.work = value()
            case "--root": options.root = value()
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument \(arguments[i])\n\n\(usage)")
            }
            i += 1
        }
        if options.quick && options.large { fail("--quick and --large exclude each other") }
        return options
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("batchlake-bench: \(message)\n".utf8))
    exit(64)
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data("· \(message)\n".utf8))
}

func mb(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
func rate(_ bytes: Int64, _ seconds: Double) -> String { String(format: "%.0f", Double(bytes) / 1e6 / max(seconds, 1e-9)) }
func fixed(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func treeFiles(_ root: String, suffix: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    var found: [String] = []
    while let item = walker.nextObject() as? String {
        if item.hasSuffix(suffix) { found.append(root + "/" + item) }
    }
    return found.sorted()
}

func fileSize(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

func jsonObject(_ text: String) -> [String: Any]? {
    if let whole = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] { return whole }
    guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
}

// MARK: Run

let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
let hours = options.quick ? 4 : 24
let perHour = options.large ? 5_000 : 500
let cores = ProcessInfo.processInfo.activeProcessorCount
let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    ?? CommandLine.arguments[0]
let batchlake = (executable as NSString).deletingLastPathComponent + "/batchlake"
guard FileManager.default.isExecutableFile(atPath: batchlake) else {
    fail("\(batchlake) is missing: build it first (swift build -c release)")
}
let specPath = options.root + "/Sources/LakePipeline/Specs/immobilienscout24.json"
let peersDirectory = options.root + "/Benchmarks/peers"
var runPeers = options.peers
if runPeers {
    guard FileManager.default.fileExists(atPath: peersDirectory + "/peer.py"),
          FileManager.default.fileExists(atPath: specPath) else {
        fail("no Benchmarks/peers/peer.py under \(options.root): run from the package folder or pass --root")
    }
    let check = try ChildProcess.run(["python3", "-c", "import duckdb, pyarrow, pandas"], workDirectory: NSTemporaryDirectory())
    if check.status != 0 {
        progress("python3 lacks duckdb, pyarrow or pandas (bash scripts/setup --test-tools): peers skipped")
        runPeers = false
    }
}

try FileManager.default.createDirectory(atPath: options.work, withIntermediateDirectories: true)
let work = options.work

// The workload, generated once per shape.
let workload = "\(work)/workload-\(hours)x\(perHour)-seed42"
if !FileManager.default.fileExists(atPath: workload + "/.complete") {
    progress("generating \(hours) hours x \(perHour) records (seed 42) into \(workload)")
    try? FileManager.default.removeItem(atPath: workload)
    _ = try Generator.generate(GeneratorOptions(
        outputDirectory: workload, hours: hours, perHour: perHour, seed: 42,
        start: PartitionKey(year: 2019, month: 1, day: 13, hour: 0)))
    if !FileManager.default.createFile(atPath: workload + "/.complete", contents: Data()) {
        progress("could not mark \(workload) complete; the next run generates it again")
    }
}
let batches = treeFiles(workload, suffix: ".zip")
var jsonBytes: Int64 = 0
var zipBytes: Int64 = 0
for path in batches {
    zipBytes += fileSize(path)
    for member in try InputFile.open(path: path).zipMembers() { jsonBytes += Int64(member.uncompressedSize) }
}

if options.codecTrial {
    try EncodeOnly.prepare(batchlake: batchlake, workload: workload, work: work)
    try CodecTrial.run(lake: "\(work)/lake-encode", runs: options.runs)
    exit(0)
}

if options.encodeOnly {
    try EncodeOnly.run(batchlake: batchlake, workload: workload, work: work, runs: options.runs)
    exit(0)
}

print("# batchlake-bench")
print("")
print("Workload: \(batches.count) hourly batches x \(perHour) records (seed 42), \(mb(jsonBytes)) MB of JSON lines in "
      + "\(mb(zipBytes)) MB of ZIP; \(cores) cores.")
print("")

// MARK: Floor

progress("floor: inflate, and inflate + CRC + line split, on \(cores) threads")
var floorInflate = (seconds: Double.infinity, bytes: Int64(0))
var floorSplit = (seconds: Double.infinity, bytes: Int64(0))
for _ in 0..<2 {
    let a = try Floor.inflateOnly(batches, threads: cores)
    if a.seconds < floorInflate.seconds { floorInflate = a }
    let b = try Floor.inflateAndSplit(batches, threads: cores)
    if b.seconds < floorSplit.seconds { floorSplit = b }
}

// MARK: Ingest against the peers, A B A B

struct EngineResult {
    var name: String
    var seconds: [Double] = []
    var rssKiB: [Int] = []
    var records = 0
    var best: Double { seconds.min() ?? .infinity }
}

var ours = EngineResult(name: "batchlake ingest")
let peerNames = ["pyarrow", "duckdb", "pandas"]
var peers = peerNames.map { EngineResult(name: $0) }
let lake = "\(work)/lake"
let catalog = "\(work)/catalog/catalog.sqlite"
for round in 1...options.runs {
    try? FileManager.default.removeItem(atPath: lake)
    try? FileManager.default.removeItem(atPath: "\(work)/catalog")
    progress("round \(round): batchlake ingest")
    let run = try ChildProcess.run([batchlake, "ingest", "--lake", lake, "--catalog", catalog, "--json", workload],
                                   workDirectory: work)
    guard run.status == 0 else { fail("batchlake ingest failed (\(run.status)):\n\(run.stderr)") }
    ours.seconds.append(run.seconds)
    ours.rssKiB.append(run.peakRSSKiB)
    ours.records = (jsonObject(run.stdout)?["records"] as? Int) ?? 0
    guard runPeers else { continue }
    for (i, name) in peerNames.enumerated() {
        progress("round \(round): \(name)")
        let out = "\(work)/peers/\(name)"
        let run = try ChildProcess.run(["python3", peersDirectory + "/peer.py", "--engine", name, "--spec", specPath,
                                        "--out", out] + batches, workDirectory: work)
        guard run.status == 0 else { fail("peer \(name) failed (\(run.status)):\n\(run.stderr)") }
        peers[i].seconds.append(run.seconds)
        peers[i].rssKiB.append(run.peakRSSKiB)
        peers[i].records = (jsonObject(run.stdout)?["records"] as? Int) ?? 0
    }
}

print("## Ingest, end to end (best of \(options.runs) A B A B rounds; each a fresh process)")
print("")
print("| engine | seconds | MB/s of JSON | records/s | peak RSS MiB | batchlake is |")
print("|---|---:|---:|---:|---:|---:|")
func engineRow(_ e: EngineResult, ratio: String, jsonBytes: Int64) {
    let mib = Double(e.rssKiB.max() ?? 0) / 1024
    print("| \(e.name) | \(fixed(e.best)) | \(rate(jsonBytes, e.best)) | "
          + "\(Int(Double(e.records) / e.best)) | \(fixed(mib, 0)) | \(ratio) |")
}
engineRow(ours, ratio: "", jsonBytes: jsonBytes)
for p in peers where !p.seconds.isEmpty {
    engineRow(p, ratio: fixed(p.best / ours.best, 1) + "x faster", jsonBytes: jsonBytes)
}
print("")
print("All runs (seconds): " + ([ours] + peers).filter { !$0.seconds.isEmpty }
    .map { "\($0.name) " + $0.seconds.map { fixed($0) }.joined(separator: ", ") }.joined(separator: "; "))
print("")
let fastestPeer = peers.filter { !$0.seconds.isEmpty }.min { $0.best < $1.best }
print("## Floor (same run, \(cores) threads)")
print("")
print("| what | seconds | MB/s of JSON | ingest reaches |")
print("|---|---:|---:|---:|")
print("| inflate only | \(fixed(floorInflate.seconds)) | \(rate(floorInflate.bytes, floorInflate.seconds)) | "
      + "\(fixed(100 * floorInflate.seconds / ours.best, 0))% |")
print("| inflate + CRC-32 + line split | \(fixed(floorSplit.seconds)) | \(rate(floorSplit.bytes, floorSplit.seconds)) | "
      + "\(fixed(100 * floorSplit.seconds / ours.best, 0))% |")
print("| batchlake ingest | \(fixed(ours.best)) | \(rate(jsonBytes, ours.best)) | |")
print("")

// MARK: Stage times (in process, timers on)

progress("stage times: ingest in this process with stage timers on")
let profiledLake = "\(work)/lake-profiled"
try? FileManager.default.removeItem(atPath: profiledLake)
try? FileManager.default.removeItem(atPath: "\(work)/catalog-profiled")
do {
    let lake = try Lake(root: profiledLake, catalogPath: "\(work)/catalog-profiled/catalog.sqlite")
    let cpuBefore = cpuSeconds()
    let started = now()
    IngestProfile.start()
    let reports = try lake.ingest(paths: [workload])
    IngestProfile.stop()
    let wall = now() - started
    let cpu = cpuSeconds() - cpuBefore
    guard reports.allSatisfy({ $0.outcome == .ingested }) else { fail("profiled ingest refused a batch") }
    let stages = IngestProfile.seconds()
    let timed = stages.values.reduce(0, +)
    print("## Time per stage (one in-process ingest with stage timers on: \(fixed(wall)) s wall, \(fixed(cpu)) s CPU)")
    print("")
    print("Stages run on two threads at once (the reading thread, and the writers of the batch before), so their "
          + "times add up to more than the wall time. Share: of all timed stages.")
    print("")
    print("| stage | seconds | share | MB/s of JSON |")
    print("|---|---:|---:|---:|")
    for stage in IngestStage.allCases {
        let s = stages[stage] ?? 0
        print("| \(stage.name) | \(fixed(s)) | \(fixed(100 * s / timed, 0))% | \(s > 0.005 ? rate(jsonBytes, s) : "") |")
    }
    print("")
}

// MARK: Bytes per table per format

progress("bytes per table per format")
let tables = ["flats", "address", "agency", "quarter", "city", "region", "country"]
var other: [String: [String: Int]] = [:]
if runPeers {
    let run = try ChildProcess.run(["python3", peersDirectory + "/sizes.py", "--spec", specPath, "--lake", lake,
                                    "--out", "\(work)/sizes"], workDirectory: work)
    guard run.status == 0 else { fail("sizes.py failed:\n\(run.stderr)") }
    for (table, formats) in jsonObject(run.stdout) ?? [:] { other[table] = formats as? [String: Int] }
}
print("## Bytes per table and format (the same rows and partitions: one file per table and hour)")
print("")
print("CSV.gz is as ingest writes it (igzip level \(CSVGzipWriter.defaultLevel)); \"CSV.gz -6\" is the same CSV "
      + "through zlib at gzip's default level. Parquet files are written from the lake's rows, typed by the spec. Ratio: .bcol / "
      + "the smallest Parquet+zstd.")
print("")
print("| table | rows | JSON lines | CSV.gz | CSV.gz -6 | .bcol | Parquet+zstd (DuckDB) | Parquet+zstd (pyarrow) "
      + "| Parquet+gzip (DuckDB) | Parquet+gzip (pyarrow) | .bcol / Parquet+zstd |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
var flatsCSV: [String] = []
for table in tables {
    let csvFiles = treeFiles("\(lake)/clean/\(table)", suffix: ".csv.gz")
    let bcolFiles = treeFiles("\(lake)/clean/\(table)", suffix: ".bcol")
    if table == "flats" { flatsCSV = csvFiles }
    var csvBytes: Int64 = 0, csv6: Int64 = 0, rows = 0
    for path in csvFiles {
        let gz = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        csvBytes += Int64(gz.count)
        let text = try Zlib.decompress(gz, format: .gzip)
        csv6 += Int64(try Zlib.compress(text, format: .gzip, level: 6).count)
    }
    var bcolBytes: Int64 = 0
    for path in bcolFiles {
        bcolBytes += fileSize(path)
        rows += try ColumnarReader(path: path).rowCount
    }
    let o = other[table] ?? [:]
    func cell(_ key: String) -> String { o[key].map { String($0) } ?? "–" }
    let zstd = [o["parquet_zstd_duckdb"], o["parquet_zstd_pyarrow"]].compactMap { $0 }.min()
    print("| \(table) | \(rows) | \(cell("json")) | \(csvBytes) | \(csv6) | \(bcolBytes) | \(cell("parquet_zstd_duckdb")) | "
          + "\(cell("parquet_zstd_pyarrow")) | \(cell("parquet_gzip_duckdb")) | \(cell("parquet_gzip_pyarrow")) | "
          + "\(zstd.map { fixed(Double(bcolBytes) / Double($0)) } ?? "–") |")
}
print("")

// MARK: CSV gzip level

progress("CSV gzip levels on flats")
do {
    var text: [UInt8] = []
    for path in flatsCSV.prefix(4) {
        text += try Zlib.decompress([UInt8](Data(contentsOf: URL(fileURLWithPath: path))), format: .gzip)
    }
    print("## CSV gzip level (the flats CSV of \(min(4, flatsCSV.count)) hours, \(mb(Int64(text.count))) MB, one core)")
    print("")
    print("Ingest writes the CSV.gz with ISA-L's igzip; zlib's levels for comparison (zlib wrote it before).")
    print("")
    print("| deflater | MB/s | size | vs zlib 6 |")
    print("|---|---:|---:|---:|")
    let deflaters: [(name: String, compress: ([UInt8]) throws -> Int)] =
        IgzipDeflater.levels.map { level in
            ("igzip \(level)\(level == CSVGzipWriter.defaultLevel ? " (ingest)" : "")", { input in
                let deflater = try IgzipDeflater(format: .gzip, level: level)
                var size = 0
                try input.withUnsafeBytes { try deflater.deflate($0, finish: true) { size += $0.count } }
                return size
            })
        } + [Int32(1), 3, 6].map { level in ("zlib \(level)", { try Zlib.compress($0, format: .gzip, level: level).count }) }
    var results: [(name: String, seconds: Double, size: Int)] = []
    for deflater in deflaters {
        var best = Double.infinity, size = 0
        for _ in 0..<2 {
            let started = now()
            size = try deflater.compress(text)
            best = min(best, now() - started)
        }
        results.append((deflater.name, best, size))
    }
    let zlib6 = Double(results.last!.size)
    for result in results {
        print("| \(result.name) | \(rate(Int64(text.count), result.seconds)) | \(result.size) | "
              + "\(fixed(Double(result.size) / zlib6)) |")
    }
    print("")
}

// MARK: Columnar encode and decode

progress("columnar encode and decode of flats")
do {
    var valueBytes: Int64 = 0, csvText: Int64 = 0
    var encode = 0.0, decode = 0.0, gunzip = 0.0
    for path in treeFiles("\(lake)/clean/flats", suffix: ".bcol") {
        let reader = try ColumnarReader(path: path)
        var started = now()
        let columns = try reader.readAll()
        decode += now() - started
        valueBytes += Int64(columns.reduce(0) { $0 + $1.byteSize })
        let writerOptions = ColumnarWriterOptions(
            rowGroupRows: max(1, reader.rowCount), bloomFilterColumns: ["listing_id"], sortColumn: reader.sortColumn)
        started = now()
        _ = try ColumnarWriter.encode(schema: reader.schema, columns: columns, options: writerOptions)
        encode += now() - started
    }
    for path in flatsCSV {
        let gz = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let started = now()
        csvText += Int64(try Zlib.decompress(gz, format: .gzip).count)
        gunzip += now() - started
    }
    print("## Columnar encode and decode (all flats files, one core; MB/s of in-memory column values)")
    print("")
    print("| what | seconds | MB/s |")
    print("|---|---:|---:|")
    print("| encode (.bcol writer, in memory) | \(fixed(encode)) | \(rate(valueBytes, encode)) |")
    print("| decode (.bcol reader, every column) | \(fixed(decode)) | \(rate(valueBytes, decode)) |")
    print("| gunzip of the CSV.gz alone (no CSV parsing) | \(fixed(gunzip)) | \(rate(valueBytes, gunzip)) |")
    print("")
}

// MARK: Scans and a point lookup

progress("scans and a point lookup")
do {
    let flatsBcol = treeFiles("\(lake)/clean/flats", suffix: ".bcol")
    let flatsBytes = flatsBcol.reduce(Int64(0)) { $0 + fileSize($1) }
    let middle = flatsBcol[flatsBcol.count / 2]
    let ids = try ColumnarReader(path: middle).readAll(columns: [0])[0]
    guard case .text(let listingID) = ids.value(at: ids.count / 2) else { fail("no listing id in \(middle)") }
    func scan(_ extra: [String], format: String = "jsonl") throws -> ChildRun {
        var best: ChildRun?
        for _ in 0..<3 {
            let run = try ChildProcess.run([batchlake, "scan", "flats", "--lake", lake, "--catalog", catalog,
                                            "--format", format] + extra, workDirectory: work)
            guard run.status == 0 else { fail("batchlake scan failed:\n\(run.stderr)") }
            if best == nil || run.seconds < best!.seconds { best = run }
        }
        return best!
    }
    let full = try scan([])
    let hourPartition = (middle as NSString).deletingLastPathComponent.components(separatedBy: "/clean/flats/")[1]
    let pruned = try scan(["--partition", hourPartition])
    let fullCSV = try scan([], format: "csv")
    let fullTable = try scan([], format: "table")
    var lookups: [Double] = []
    var lookupRows = 0
    for _ in 0..<7 {
        let run = try ChildProcess.run([batchlake, "scan", "flats", "--lake", lake, "--catalog", catalog, "--format",
                                        "jsonl", "--columns", "listing_id,modified_at,base_rent", "--where",
                                        "listing_id = \(listingID)"], workDirectory: work)
        lookups.append(run.seconds)
        lookupRows = run.stdoutLines
    }
    lookups.sort()
    // The same lookup inside this process, without process start and catalog open.
    let opened = try Lake(root: lake, catalogPath: catalog)
    var request = ScanRequest(table: "flats")
    request.predicates = [ScanPredicate.parse("listing_id = \(listingID)")!]
    var inProcess: [Double] = []
    for _ in 0..<7 {
        let started = now()
        _ = try opened.scan(request) { _ in true }
        inProcess.append(now() - started)
    }
    inProcess.sort()
    print("## Scans (`batchlake scan flats --format jsonl` unless said, a fresh process each, best of 3)")
    print("")
    print("| scan | seconds | rows | MB/s of .bcol in scope |")
    print("|---|---:|---:|---:|")
    let fullRows = full.stdoutLines
    print("| all \(flatsBcol.count) partitions (no pruning) | \(fixed(full.seconds, 3)) | \(max(0, fullRows)) | "
          + "\(rate(flatsBytes, full.seconds)) |")
    print("| the same, `--format csv` | \(fixed(fullCSV.seconds, 3)) | \(max(0, fullRows)) | "
          + "\(rate(flatsBytes, fullCSV.seconds)) |")
    print("| the same, `--format table` (cells cut to 40 characters) | \(fixed(fullTable.seconds, 3)) | "
          + "\(max(0, fullRows)) | \(rate(flatsBytes, fullTable.seconds)) |")
    let prunedRows = pruned.stdoutLines
    print("| `--partition \(hourPartition)` (\(flatsBcol.count - 1) pruned) | \(fixed(pruned.seconds, 3)) | "
          + "\(max(0, prunedRows)) | \(rate(flatsBytes, pruned.seconds)) (of all) |")
    print("")
    print("## Point lookup of listing \(listingID) over a day of partitions")
    print("")
    print("| engine | median ms | rows |")
    print("|---|---:|---:|")
    print("| `batchlake scan flats --where \"listing_id = \(listingID)\" --columns listing_id,modified_at,base_rent` "
          + "(a process) | "
          + "\(fixed(lookups[lookups.count / 2] * 1000, 1)) | \(lookupRows) |")
    print("| the same scan in an open lake (no process start) | \(fixed(inProcess[inProcess.count / 2] * 1000, 1)) | "
          + "\(lookupRows) |")
    if runPeers {
        let run = try ChildProcess.run(["python3", peersDirectory + "/lookup.py", "--parquet",
                                        "\(work)/peers/duckdb/parquet/flats/*/*/*.parquet", "--listing-id", listingID],
                                       workDirectory: work)
        if let result = jsonObject(run.stdout), let median = result["median_seconds"] as? Double {
            print("| DuckDB over the peers' Parquet (warm, in process) | \(fixed(median * 1000, 1)) | "
                  + "\(result["rows"] as? Int ?? 0) |")
        }
    }
    print("")
}

// MARK: Summary

print("## Summary")
print("")
print("- ingest: \(rate(jsonBytes, ours.best)) MB/s of JSON, \(Int(Double(ours.records) / ours.best)) records/s, "
      + "peak RSS \(fixed(Double(ours.rssKiB.max() ?? 0) / 1024, 0)) MiB")
if let fastestPeer {
    print("- fastest peer: \(fastestPeer.name) at \(rate(jsonBytes, fastestPeer.best)) MB/s; batchlake is "
          + "\(fixed(fastestPeer.best / ours.best, 1))x (target 4x)")
}
print("- floor: inflate + split at \(rate(floorSplit.bytes, floorSplit.seconds)) MB/s on \(cores) cores; ingest runs at "
      + "\(fixed(100 * floorSplit.seconds / ours.best, 0))% of it")
