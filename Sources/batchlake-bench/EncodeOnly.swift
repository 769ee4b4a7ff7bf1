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

    static func run(batchlake: String, workload: String, work: String, runs: Int) throws {
        let lake = "\(work)/lake-encode"
        if !FileManager.default.fileExists(atPath: lake + "/.complete") {
            progress("encode-only: one ingest into \(lake)")
            try? FileManager.default.removeItem(atPath: lake)
            try? FileManager.default.removeItem(atPath: "\(work)/catalog-encode")
            let run = try ChildProcess.run([batchlake, "ingest", "--lake", lake, "--catalog",
                                            "\(work)/catalog-encode/catalog.sqlite", workload], workDirectory: work)
            guard run.status == 0 else { fail("batchlake ingest failed (\(run.status)):\n\(run.stderr)") }
            FileManager.default.createFile(atPath: lake + "/.complete", contents: Data())
        }
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
        print("| table | files | MB of values | CPU seconds (best of \(runs)) | MB/s | .bcol bytes (this build) | .bcol bytes (as ingested) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        var totalValues = 0, totalSeconds = 0.0
        for table in tables {
            guard let list = parts[table] else { continue }
            var best = Double.infinity
            var bytes = 0
            for _ in 0..<runs {
                bytes = 0
                let started = threadCPU()
                for part in list {
                    let options = ColumnarWriterOptions(
                        rowGroupRows: max(1, part.columns.first?.count ?? 1),
                        bloomFilterColumns: part.schema.index(of: "listing_id") != nil ? ["listing_id"] : [],
                        sortColumn: part.sortColumn)
                    bytes += try ColumnarWriter.encode(schema: part.schema, columns: part.columns, options: options).count
                }
                best = min(best, threadCPU() - started)
            }
            let values = list.reduce(0) { $0 + $1.valueBytes }
            totalValues += values
            totalSeconds += best
            print("| \(table) | \(list.count) | \(mb(Int64(values))) | \(fixed(best)) | \(rate(Int64(values), best)) | "
                  + "\(bytes) | \(list.reduce(Int64(0)) { $0 + $1.onDisk }) |")
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
        print("| all | | \(mb(Int64(totalValues))) | \(fixed(totalSeconds)) | \(rate(Int64(totalValues), totalSeconds)) | | |")
    }
}

/// CPU time of the calling thread: the encoder runs on it alone, so other work on a shared machine does not count.
func threadCPU() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
