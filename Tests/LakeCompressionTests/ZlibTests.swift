import Foundation
import TestSupport
import Testing
@testable import LakeCompression

@Suite("zlib streams")
struct ZlibTests {
    @Test("deflate and inflate round-trip in every framing", arguments: [DeflateFormat.raw, .gzip, .zlib])
    func roundTrip(format: DeflateFormat) throws {
        var rng = SystemRandomNumberGenerator()
        let text = (0..<20_000).map { _ in UInt8.random(in: 97...102, using: &rng) }
        let packed = try Zlib.compress(text, format: format)
        #expect(packed.count < text.count)
        #expect(try Zlib.decompress(packed, format: format) == text)
    }

    @Test("inflate refuses output past its limit and a truncated stream")
    func limits() throws {
        let text = [UInt8](repeating: 65, count: 100_000)
        let packed = try Zlib.compress(text)
        #expect(throws: DeflateError.self) { try Zlib.decompress(packed, limit: 99_999) }
        #expect(throws: DeflateError.self) { try Zlib.decompress(Array(packed.dropLast(3))) }
        #expect(throws: DeflateError.self) { try Zlib.decompress(packed + [0]) }  // a byte past the stream's end
    }

    @Test("CRC-32 matches the IEEE check value")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test("streaming inflate hands out the same bytes for any input split")
    func splits() throws {
        let text = Array(String(repeating: "Wohnung in Berlin-Mitte, 3 Zimmer. ", count: 3000).utf8)
        let packed = try Zlib.compress(text, format: .gzip)
        for chunk in [1, 7, 4096] {
            let inflater = try Inflater(format: .gzip, chunkSize: 1000)
            var out: [UInt8] = []
            var offset = 0
            while offset < packed.count {
                let end = min(offset + chunk, packed.count)
                try packed[offset..<end].withUnsafeBytes { input in
                    _ = try inflater.inflate(input) { out.append(contentsOf: $0) }
                }
                offset = end
            }
            #expect(inflater.isFinished)
            #expect(out == text)
        }
    }
}

@Suite("gzip streams of the zlib Deflater")
struct GzipDeflaterTests {
    /// zlib's own gzip stream of `input` at `level` (Python's zlib module, the same C library), as bytes.
    private static func zlibGzip(_ input: [UInt8], level: Int32) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(input))
        let hex = try python("""
            import sys, zlib
            c = zlib.compressobj(int(sys.argv[2]), zlib.DEFLATED, 31)
            print((c.compress(open(sys.argv[1], 'rb').read()) + c.flush()).hex())
            """, arguments: [path, String(level)]).trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test("a gzip Deflater writes byte for byte what Python's zlib writes, in one call or many, after a reset",
          arguments: [Int32(1), 2, 3, 6, 9])
    func sameBytesAsZlib(level: Int32) throws {
        var rng = SystemRandomNumberGenerator()
        for input in [[UInt8](), Array("id,name\n1,\"a \"\"b\"\"\"\n".utf8),
                      (0..<200_000).map { _ in UInt8.random(in: 0...9, using: &rng) }] {
            let reference = try Self.zlibGzip(input, level: level)
            #expect(try Zlib.compress(input, format: .gzip, level: level) == reference, "level \(level), \(input.count) bytes")
            // Streamed in pieces of 7,777 bytes, through a deflater used once before and reset.
            let deflater = try Deflater(format: .gzip, level: level, chunkSize: 4096)
            try [UInt8](repeating: 65, count: 1000).withUnsafeBytes { try deflater.deflate($0, finish: true) { _ in } }
            deflater.reset()
            let streamed = try deflated(input, inPiecesOf: 7777) { try deflater.deflate($0, finish: $1, sink: $2) }
            #expect(streamed == reference, "streamed, level \(level), \(input.count) bytes")
            #expect(deflater.totalOut == Int64(reference.count))
            #expect(try Zlib.decompress(streamed, format: .gzip) == input)
        }
    }
}
