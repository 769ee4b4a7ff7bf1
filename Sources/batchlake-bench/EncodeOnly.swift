import Foundation
import LakeCore
import LakeFormat

/// `--encode-only`: the columnar writer alone, on the rows of one ingest of the workload. Every table's `.bcol`
/// files are read into memory once, then encoded again `runs` times with the options ingest uses (sorted by the
/// file's sort column, a Bloom filter on `listing_id`), so two builds can be compared A B A B on the same rows.
enum EncodeOnly {
    struct Part {
        var schema: TableSchema
        var columns: [ColumnVector]
        var sortColumn: String?
        var valueBytes: Int
        var onDisk: Int64
    }

    /// One ingest of the workload into `work`/lake-encode, made once and reused.
    static func prepare(batchlake: String, workload: String, work: String) throws {
        let lake = "\(work)/lake-encode"
        if !FileManager.default.fileExists(atPath: lake + "/.complete") {
            progress("encode-only: one ingest into \(lake)")
            try? FileManager.default.removeItem(atPath: lake)
            try? FileManager.default.removeItem(atPath: "\(work)/catalog-encode")
            let run = try ChildProcess.run([batchlake, "ingest", "--lake", lake, "--catalog",
                                            "\(work)/catalog-encode/catalog.sqlite", workload], workDirectory: work)
            guard run.status == 0 else { fail("batchlake ingest failed (\(run.status)):\n\(run.stderr)") }
            if !FileManager.default.createFile(atPath: lake + "/.complete", contents: Data()) {
                progress("could not mark \(lake) complete; the next run ingests it again")
            }
        }
    }

    static func run(batchlake: String, workload: String, work: String, runs: Int) throws {
        let lake = "\(work)/lake-encode"
        try prepare(batchlake: batchlake, workload: workload, work: work)
        var parts: [String: [Part]] = [:]
        let tables = ["flats", "address", "agency", "quarter"]
        for table in tables {
            for path in treeFiles("\(lake)/clean/\(table)", suffix: ".bcol") {
                let reader = try ColumnarReader(path: path)
                let columns = try reader.readAll()
                parts[table, default: []].append(Part(
                    schema: reader.schema, columns: columns, sortColumn: reader.sortColumn,
                    valueBytes: columns.reduce(0) { $0 + $1.byteSize }, onDisk: fileSize(path)))
            }
        }
        // Page codecs compared in this one run, A B A B: deflate only (the writer before zstd, version-1 files),
        // then zstd at each level (BENCH_ZSTD_LEVELS, default the writer's).
        let levels = (ProcessInfo.processInfo.environment["BENCH_ZSTD_LEVELS"] ?? "").split(separator: ",").compactMap { Int32($0) }
        let variants: [(name: String, zstd: Bool, level: Int32)] = [("deflate only", false, 1)]
            + (levels.isEmpty ? [ColumnarWriterOptions().zstdLevel] : levels).map { ("zstd \($0)", true, $0) }
        print("| table | page codecs | files | MB of values | CPU seconds (best of \(runs)) | MB/s | .bcol bytes (this build) | .bcol bytes (as ingested) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        var totalValues = 0
        var totalSeconds = [Double](repeating: 0, count: variants.count)
        var totalBytes = [Int](repeating: 0, count: variants.count)
        for table in tables {
            guard let list = parts[table] else { continue }
            var best = [Double](repeating: .infinity, count: variants.count)
            var bytes = [Int](repeating: 0, count: variants.count)
            for _ in 0..<runs {
                for (v, variant) in variants.enumerated() {
                    bytes[v] = 0
                    let started = threadCPU()
                    for part in list {
                        let options = ColumnarWriterOptions(
                            rowGroupRows: max(1, part.columns.first?.count ?? 1),
                            bloomFilterColumns: part.schema.index(of: "listing_id") != nil ? ["listing_id"] : [],
                            sortColumn: part.sortColumn, zstd: variant.zstd, zstdLevel: variant.level)
                        bytes[v] += try ColumnarWriter.encode(schema: part.schema, columns: part.columns, options: options).count
                    }
                    best[v] = min(best[v], threadCPU() - started)
                }
            }
            let values = list.reduce(0) { $0 + $1.valueBytes }
            totalValues += values
            for (v, variant) in variants.enumerated() {
                totalSeconds[v] += best[v]
                totalBytes[v] += bytes[v]
                print("| \(table) | \(variant.name) | \(list.count) | \(mb(Int64(values))) | \(fixed(best[v])) | \(rate(Int64(values), best[v])) | "
                      + "\(bytes[v]) | \(list.reduce(Int64(0)) { $0 + $1.onDisk }) |")
            }
        }
        if ProcessInfo.processInfo.environment["BENCH_COLUMNS"] != nil, let list = parts["flats"] {
            var perColumn: [String: Int] = [:]
            var order: [String] = []
            for part in list {
                let writer = try ColumnarWriter(path: "\(work)/encode-only.bcol", schema: part.schema, options: ColumnarWriterOptions(
                    rowGroupRows: max(1, part.columns.first?.count ?? 1), bloomFilterColumns: ["listing_id"],
                    sortColumn: part.sortColumn))
                try writer.write(part.columns)
                for c in try writer.finish().columns {
                    if perColumn[c.name] == nil { order.append(c.name) }
                    perColumn[c.name, default: 0] += c.compressedBytes
                }
            }
            for name in order.sorted(by: { perColumn[$0]! > perColumn[$1]! }).prefix(12) {
                print("  flats.\(name): \(perColumn[name]!)")
            }
        }
        for (v, variant) in variants.enumerated() {
            print("| all | \(variant.name) | | \(mb(Int64(totalValues))) | \(fixed(totalSeconds[v])) | \(rate(Int64(totalValues), totalSeconds[v])) | \(totalBytes[v]) | |")
        }
    }
}

/// CPU time of the calling thread: the encoder runs on it alone, so other work on a shared machine does not count.
func threadCPU() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
