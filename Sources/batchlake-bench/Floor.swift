import Dispatch
import Foundation
import LakeCompression
import LakeStorage
import Synchronization

/// The floor under any ingest of these batches: what it costs only to get the JSON bytes out of the ZIPs, on both
/// cores (files dealt out to two threads).
enum Floor {
    /// Raw inflate of every member into a reused buffer: no CRC, no line split.
    static func inflateOnly(_ files: [String], threads: Int) throws -> (seconds: Double, bytes: Int64) {
        try parallel(files, threads: threads) { path in
            let input = try InputFile.open(path: path)
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            var produced: Int64 = 0
            let inflater = try Inflater(format: .raw)
            for member in try input.zipMembers() where !member.isDirectory {
                try handle.seek(toOffset: member.localHeaderOffset)
                let header = try handle.read(upToCount: 30) ?? Data()
                guard header.count == 30 else { throw BenchError("\(path): short local header") }
                let nameLength = Int(header[26]) | Int(header[27]) << 8
                let extraLength = Int(header[28]) | Int(header[29]) << 8
                try handle.seek(toOffset: member.localHeaderOffset + 30 + UInt64(nameLength + extraLength))
                let data = try handle.read(upToCount: Int(member.compressedSize)) ?? Data()
                try inflater.reset()
                try data.withUnsafeBytes { compressed in
                    _ = try inflater.inflate(compressed) { chunk in produced += Int64(chunk.count) }
                }
            }
            return produced
        }
    }

    /// The batch reader as ingest uses it: inflate, CRC-32 check, line split, every line handed to a no-op.
    static func inflateAndSplit(_ files: [String], threads: Int) throws -> (seconds: Double, bytes: Int64) {
        try parallel(files, threads: threads) { path in
            var lines = 0
            let summary = try InputFile.open(path: path).forEachLine { _ in lines += 1 }
            return summary.bytesOut
        }
    }

    private static func parallel(_ files: [String], threads: Int,
                                 _ work: @Sendable @escaping (String) throws -> Int64) throws
        -> (seconds: Double, bytes: Int64) {
        let total = Mutex<Int64>(0)
        let failure = Mutex<String?>(nil)
        let started = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var mine: Int64 = 0
            for i in stride(from: t, to: files.count, by: threads) {
                do { mine += try work(files[i]) } catch { failure.withLock { $0 = "\(error)" } }
            }
            total.withLock { $0 += mine }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if let message = failure.withLock({ $0 }) { throw BenchError(message) }
        return (seconds, total.withLock { $0 })
    }
}
