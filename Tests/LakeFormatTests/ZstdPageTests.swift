import LakeCore
import TestSupport
import Testing
@testable import LakeCompression
@testable import LakeFormat

/// Page codec 2 (zstd, format version 2): round trips of the shapes a page can take, the version byte, and pages
/// whose frame is damaged behind a valid CRC.
@Suite("zstd pages")
struct ZstdPageTests {
    private func write(_ column: ColumnVector, zstd: Bool = true) throws -> [UInt8] {
        let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "c", type: column.type)])
        return try ColumnarWriter.encode(schema: schema, columns: [column], options: .init(zstd: zstd))
    }

    private func codecs(_ bytes: [UInt8]) throws -> [PageCodec] {
        let footer = try Footer.parse(footerBytes(bytes), footerStart: footerStart(bytes), majorVersion: bytes[4])
        return footer.rowGroups.flatMap { $0.chunks.flatMap { $0.pages.map(\.codec) } }
    }

    private func footerStart(_ bytes: [UInt8]) -> Int {
        var r = ByteReader(bytes, from: bytes.count - 12)
        return bytes.count - 12 - Int(try! r.u32())
    }

    private func footerBytes(_ bytes: [UInt8]) -> [UInt8] { Array(bytes[footerStart(bytes)..<(bytes.count - 12)]) }

    private func prose(_ rows: Int, seed: UInt64) -> [String?] {
        var rng = SplitMix64(seed: seed)
        let words = ["Wohnung", "Balkon", "ruhig", "gelegen", "Altbau", "Dielen", "Küche", "hell", "Stuck", "saniert",
                     "Keller", "Aufzug", "Garten", "Südseite", "Parkett", "Bad", "Fenster", "neu"]
        return (0..<rows).map { _ in (0..<Int.random(in: 20...200, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ") }
    }

    @Test("round trips: empty values, one byte, incompressible text, a page over 1 MiB, NULLs; zstd pages make version 2")
    func roundTrips() throws {
        var rng = SplitMix64(seed: testSeed(50))
        let random = (0..<300).map { _ in
            String((0..<400).map { _ in Character(Unicode.Scalar(UInt8.random(in: 33...126, using: &rng))) })
        }
        let big = prose(6000, seed: 51)
        let cases: [(String, [String?])] = [
            ("empty strings", Array(repeating: "", count: 50)),
            ("one byte", ["x"]),
            ("incompressible", random),
            ("over 1 MiB", big),
            ("prose with NULLs", prose(400, seed: 52).enumerated().map { $0.offset % 7 == 0 ? nil : $0.element }),
        ]
        #expect(big.reduce(0) { $0 + $1!.utf8.count } > 1 << 20)
        for (label, values) in cases {
            let column = textColumn(values)
            for zstd in [true, false] {
                let bytes = try write(column, zstd: zstd)
                let reader = try ColumnarReader(bytes: bytes)
                try reader.verify()
                #expect(try reader.readAll()[0].isIdentical(to: column), "\(label), zstd \(zstd)")
                let used = try codecs(bytes)
                #expect(Int(bytes[4]) == (used.contains(.zstd) ? 2 : 1), "\(label): version byte follows the codecs")
                if !zstd { #expect(!used.contains(.zstd), "\(label): zstd off writes no zstd page") }
            }
        }
        // Picture URL lists take zstd; random words from a small vocabulary,
        // where zstd 1 is far larger than deflate 6, stay on deflate.
        var srng = SplitMix64(seed: 54)
        let repeated = textColumn((0..<3000).map { _ in pictureList(&srng) })
        let zstdFile = try write(repeated), deflateFile = try write(repeated, zstd: false)
        #expect(try codecs(zstdFile).contains(.zstd))
        // The writer takes zstd unless a sample predicts it over 25% larger than deflate 6.
        #expect(Double(zstdFile.count) <= Double(deflateFile.count) * 1.1, "\(zstdFile.count) vs \(deflateFile.count)")
        let words = try write(textColumn(big)), wordsDeflate = try write(textColumn(big), zstd: false)
        #expect(Double(words.count) <= Double(wordsDeflate.count) * 1.02, "random words: \(words.count) vs \(wordsDeflate.count)")
    }

    /// Replaces page 0's payload with `payload` and its footer body size with `bodySize`, then repairs the CRCs.
    private func damaged(_ bytes: [UInt8], payload: (([UInt8]) -> [UInt8])? = nil, bodySize: Int? = nil) throws -> [UInt8] {
        let start = footerStart(bytes)
        var footer = try Footer.parse(footerBytes(bytes), footerStart: start, majorVersion: bytes[4])
        var page = footer.rowGroups[0].chunks[0].pages[0]
        #expect(page.codec == .zstd)
        let old = Array(bytes[page.offset..<(page.offset + page.storedSize - 4)])
        let new = payload?(old) ?? old
        page.storedSize = new.count + 4
        if let bodySize { page.bodySize = bodySize }
        footer.rowGroups[0].chunks[0].pages[0] = page
        let footerOut = footer.serialize()
        var out = Array(bytes[0..<page.offset]) + new + [0, 0, 0, 0]
            + Array(bytes[(page.offset + old.count + 4)..<start]) + footerOut
        var trailer = ByteWriter()
        trailer.u32(UInt32(footerOut.count))
        trailer.u32(0)
        trailer.append(FormatLimits.magic)
        out += trailer.bytes
        ColumnarReader._repairChecksums(&out)
        return out
    }

    /// `frame` with the content size in its header changed by `delta` (same field width), the blocks untouched: a
    /// frame that lies about its size, which the footer then repeats.
    private func withContentSize(_ frame: [UInt8], plus delta: Int) -> [UInt8] {
        var f = frame
        let descriptor = f[4]
        let singleSegment = descriptor & 0x20 != 0
        let width = [singleSegment ? 1 : 0, 2, 4, 8][Int(descriptor >> 6)]
        let at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][Int(descriptor & 3)]
        var value = 0
        for k in 0..<width { value |= Int(f[at + k]) << (8 * k) }
        value += delta
        for k in 0..<width { f[at + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
        return f
    }

    @Test("a truncated frame, a frame claiming a larger or smaller size, and bytes after the frame are refused")
    func damagedFrames() throws {
        var srng = SplitMix64(seed: 55)
        let bytes = try write(textColumn((0..<400).map { _ in pictureList(&srng) }))
        try ColumnarReader(bytes: try damaged(bytes)).verify()  // the repair itself keeps a valid file valid
        let frame = Array(bytes[5...])  // page 0 starts at byte 5
        let declared = try #require(Zstd.declaredSize(frame).map(Int.init), "page 0 must be a zstd frame")
        let cases: [(String, [UInt8])] = [
            ("truncated frame", try damaged(bytes, payload: { Array($0.dropLast(7)) })),
            ("frame cut to its header", try damaged(bytes, payload: { Array($0.prefix(6)) })),
            ("byte after the frame", try damaged(bytes, payload: { $0 + [0] })),
            ("footer claims a larger body", try damaged(bytes, bodySize: declared + 1)),
            ("footer claims a smaller body", try damaged(bytes, bodySize: declared - 1)),
            ("frame claims a larger size", try damaged(bytes, payload: { withContentSize($0, plus: 1000) }, bodySize: declared + 1000)),
            ("frame claims a smaller size", try damaged(bytes, payload: { withContentSize($0, plus: -10) }, bodySize: declared - 10)),
        ]
        for (label, damagedBytes) in cases {
            #expect(throws: LakeError.self, "\(label)") {
                let reader = try ColumnarReader(bytes: damagedBytes)
                try reader.verify()
            }
        }
    }
}
