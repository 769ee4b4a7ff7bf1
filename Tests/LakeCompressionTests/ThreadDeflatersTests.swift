import Foundation
import Testing
@testable import LakeCompression

/// `Zlib.compress` and `Igzip.compress` reuse a deflater per thread; what it writes must not depend on what the thread compressed before.
@Suite("per-thread deflaters")
struct ThreadDeflatersTests {
    /// The call as a new thread makes it: with a fresh deflater.
    private static func onNewThread(_ body: @escaping @Sendable () throws -> [UInt8]) throws -> [UInt8] {
        final class Box: @unchecked Sendable { var result: Result<[UInt8], any Error>? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { try body() }
            done.signal()
        }
        thread.start()
        done.wait()
        return try box.result!.get()
    }

    @Test("the same bytes as a fresh deflater, after other inputs, levels and framings on the same thread")
    func sameBytesWhateverCameBefore() throws {
        var rng = SystemRandomNumberGenerator()
        let text = Array(String(repeating: "{\"url\": \"https://pictures.example/a1b2c3/\", \"title\": \"Küche\"}, ",
                                count: 3000).utf8)
        let inputs: [[UInt8]] = [[], [7], (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }, text,
                                 Array(text.prefix(900))]
        for round in 0..<2 {
            for (i, input) in inputs.enumerated() {
                for (format, level) in [(DeflateFormat.raw, Int32(6)), (.raw, 1), (.gzip, 3), (.raw, 9), (.zlib, 6)] {
                    let reused = try Zlib.compress(input, format: format, level: level)
                    let fresh = try Self.onNewThread { try Zlib.compress(input, format: format, level: level) }
                    #expect(reused == fresh, "\(format) level \(level), input \(i), round \(round)")
                    #expect(try Zlib.decompress(reused, format: format) == input)
                }
                for level in IgzipDeflater.levels {
                    let reused = try Igzip.compress(input, level: level)
                    let fresh = try Self.onNewThread { try Igzip.compress(input, level: level) }
                    #expect(reused == fresh, "igzip level \(level), input \(i), round \(round)")
                    #expect(try Zlib.decompress(reused, format: .raw) == input)
                }
            }
        }
    }
}
