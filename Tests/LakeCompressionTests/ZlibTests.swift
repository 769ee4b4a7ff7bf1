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
        #expect(throws: ZlibError.self) { try Zlib.decompress(packed, limit: 99_999) }
        #expect(throws: ZlibError.self) { try Zlib.decompress(Array(packed.dropLast(3))) }
        #expect(throws: ZlibError.self) { try Zlib.decompress(packed + [0]) }  // a byte past the stream's end
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

@Suite("gzip framing of our own")
struct GzipFrameTests {
    @Test("raw deflate in GzipFrame is byte for byte zlib's gzip stream, and gunzips", arguments: [Int32(1), 2, 3, 6, 9])
    func sameBytesAsZlib(level: Int32) throws {
        var rng = SystemRandomNumberGenerator()
        for input in [[UInt8](), Array("id,name\n1,\"a \"\"b\"\"\"\n".utf8),
                      (0..<200_000).map { _ in UInt8.random(in: 0...9, using: &rng) }] {
            let framed = GzipFrame.header(level: level) + (try Zlib.compress(input, format: .raw, level: level))
                + GzipFrame.trailer(crc: CRC32.checksum(input), size: Int64(input.count))
            #expect(framed == (try Zlib.compress(input, format: .gzip, level: level)), "level \(level), \(input.count) bytes")
            #expect(try Zlib.decompress(framed, format: .gzip) == input)
        }
    }
}
