import Testing
@testable import LakeCompression

@Suite("zstd frames")
struct ZstdTests {
    private func random(_ n: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    @Test("round trips: empty, one byte, incompressible, text over 1 MiB, every level tried")
    func roundTrip() throws {
        let prose = Array(String(repeating: "Die Wohnung liegt ruhig im dritten Stock, Altbau mit Dielen. ", count: 20_000).utf8)
        #expect(prose.count > 1 << 20)
        for (input, label) in [([UInt8](), "empty"), ([0x41], "one byte"), (random(100_000), "random"), (prose, "prose")] {
            for level: Int32 in [1, 3, 19] where input.count < 200_000 || level < 19 {
                let frame = try Zstd.compress(input, level: level)
                #expect(Zstd.declaredSize(frame) == UInt64(input.count), "\(label) level \(level)")
                #expect(try Zstd.decompress(frame, expectedSize: input.count) == input, "\(label) level \(level)")
            }
        }
        let long = try Zstd.compress(prose, level: 1, windowLog: 22)
        #expect(try Zstd.decompress(long, expectedSize: prose.count) == prose)
        #expect(try Zstd.compress(prose, level: 1).count < prose.count / 50)
    }

    @Test("a truncated frame, bytes after the frame, and a wrong expected size are refused")
    func strict() throws {
        let input = Array(String(repeating: "Balkon, Einbauküche, Keller. ", count: 2000).utf8)
        let frame = try Zstd.compress(input)
        for n in [0, 3, 5, frame.count / 2, frame.count - 1] {
            #expect(throws: ZstdError.self, "truncated to \(n)") { try Zstd.decompress(Array(frame[0..<n]), expectedSize: input.count) }
        }
        #expect(throws: ZstdError.self) { try Zstd.decompress(frame + [0], expectedSize: input.count) }
        #expect(throws: ZstdError.self) { try Zstd.decompress(frame + frame, expectedSize: 2 * input.count) }
        #expect(throws: ZstdError.self) { try Zstd.decompress(frame, expectedSize: input.count + 1) }
        #expect(throws: ZstdError.self) { try Zstd.decompress(frame, expectedSize: input.count - 1) }
        #expect(throws: ZstdError.self) { try Zstd.decompress([0x28, 0xb5, 0x2f, 0xfd], expectedSize: 0) }
    }

    @Test("a frame whose recorded content size lies is refused, as is one without a size")
    func lyingFrames() throws {
        // "aaaaaaaa" at level 1: magic, frame header 0x20 (single segment, 1-byte content size), size 8, raw block.
        let frame = try Zstd.compress(Array("aaaaaaaa".utf8), level: 1)
        #expect(Array(frame[0..<6]) == [0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x08])
        var larger = frame
        larger[5] = 200  // claims 200 bytes but holds 8
        #expect(throws: ZstdError.self) { try Zstd.decompress(larger, expectedSize: 200) }
        var smaller = frame
        smaller[5] = 4
        #expect(throws: ZstdError.self) { try Zstd.decompress(smaller, expectedSize: 4) }
        // A hand-made frame with no content size: header 0x00, window descriptor, one last raw block of "abc".
        let unsized: [UInt8] = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x19, 0x00, 0x00, 0x61, 0x62, 0x63]
        #expect { try Zstd.decompress(unsized, expectedSize: 3) } throws: { error in
            (error as? ZstdError)?.message.contains("content size") == true
        }
        // Random bytes never crash.
        for _ in 0..<2000 { _ = try? Zstd.decompress(random(Int.random(in: 0...64)), expectedSize: 100) }
    }
}
