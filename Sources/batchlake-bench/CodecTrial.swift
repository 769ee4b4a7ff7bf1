import Foundation
import LakeCompression
import LakeCore
import LakeFormat

/// `--codec-trial`: page codecs side by side on the long text of one ingest (the columns the encoder spends its
/// time on). Each flats file's text columns of at least 64 KB of values are taken as one page of plain bytes (the
/// values back to back, as a plain body holds them) and compressed with raw deflate 6 (the codec before zstd) and
/// zstd at several levels, with and without a long window; CPU seconds of this thread, best of `runs`.
enum CodecTrial {
    static func run(lake: String, runs: Int) throws {
        var pages: [[UInt8]] = []
        for path in treeFiles("\(lake)/clean/flats", suffix: ".bcol") {
            let reader = try ColumnarReader(path: path)
            let columns = try reader.readAll()
            for column in columns where column.type == .text && column.bytes.count >= 64 * 1024 {
                // Pages are cut at 4 MiB of values, as the writer does.
                var start = 0
                while start < column.bytes.count {
                    let end = min(column.bytes.count, start + (4 << 20))
                    pages.append(Array(column.bytes[start..<end]))
                    start = end
                }
            }
        }
        let total = pages.reduce(0) { $0 + $1.count }
        print("Long text pages of flats: \(pages.count) pages, \(mb(Int64(total))) MB of values.")
        print("")
        print("| codec | bytes | ratio | compress CPU s | MB/s | decompress CPU s | MB/s |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        typealias Codec = (name: String, compress: ([UInt8]) throws -> [UInt8], decompress: ([UInt8], Int) throws -> [UInt8])
        var codecs: [Codec] = [
            ("deflate 1", { try Zlib.compress($0, format: .raw, level: 1) }, { try Zlib.decompress($0, format: .raw, limit: $1) }),
            ("deflate 6", { try Zlib.compress($0, format: .raw, level: 6) }, { try Zlib.decompress($0, format: .raw, limit: $1) }),
        ]
        for level: Int32 in [1, 3, 6, 9, 19] {
            codecs.append(("zstd \(level)", { try Zstd.compress($0, level: level) }, { try Zstd.decompress($0, expectedSize: $1) }))
            codecs.append(("zstd \(level) long (window 4 MiB)", { try Zstd.compress($0, level: level, windowLog: 22) },
                           { try Zstd.decompress($0, expectedSize: $1) }))
        }
        for codec in codecs {
            var bytes = 0
            var compressed: [[UInt8]] = []
            var best = Double.infinity
            for _ in 0..<runs {
                compressed = []
                let started = threadCPU()
                for page in pages { compressed.append(try codec.compress(page)) }
                best = min(best, threadCPU() - started)
            }
            bytes = compressed.reduce(0) { $0 + $1.count }
            var bestDecode = Double.infinity
            for _ in 0..<runs {
                let started = threadCPU()
                for (page, packed) in zip(pages, compressed) {
                    guard try codec.decompress(packed, page.count).count == page.count else { fail("\(codec.name) lost bytes") }
                }
                bestDecode = min(bestDecode, threadCPU() - started)
            }
            print("| \(codec.name) | \(bytes) | \(fixed(Double(total) / Double(bytes), 1))x | \(fixed(best)) | "
                  + "\(rate(Int64(total), best)) | \(fixed(bestDecode)) | \(rate(Int64(total), bestDecode)) |")
        }
    }
}
