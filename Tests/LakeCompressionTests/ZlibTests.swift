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
