import Foundation
import TestSupport
import Testing
@testable import LakeCompression

@Suite("igzip streams")
struct IgzipTests {
    /// What Python's zlib (a second implementation) makes of a gzip file: `eof` (the member ended, nothing
    /// after it), the length and the CRC-32 of its content.
    private static func zlibReads(_ gzip: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("igzip-\(UUID()).gz").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(gzip))
        return try python("""
            import sys, zlib
            d = zlib.decompressobj(31)
            out = d.decompress(open(sys.argv[1], 'rb').read())
            print(d.eof and not d.unused_data, len(out), zlib.crc32(out))
            """, arguments: [path]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func text(_ count: Int) -> [UInt8] {
        let words = ["Wohnung", "Berlin", "Mitte", "3", "Zimmer", "\"balcony\"", "2019-01-13", "1250.50", "\n"]
        var rng = SplitMix64(seed: 7)
        var out: [UInt8] = []
        while out.count < count { out += Array(words[Int(rng.next() % UInt64(words.count))].utf8) + [44] }
        return Array(out.prefix(count))
    }

    @Test("a gzip IgzipDeflater streamed in pieces, reset and reused, is read back by zlib at every level",
          arguments: [Int32(0), 1, 2, 3])
    func readByZlib(level: Int32) throws {
        let deflater = try IgzipDeflater(format: .gzip, level: level, chunkSize: 4096)
        try [UInt8](repeating: 65, count: 5000).withUnsafeBytes { try deflater.deflate($0, finish: true) { _ in } }
        for input in [[UInt8](), Array("id,name\n".utf8), Self.text(3_000_000)] {
            deflater.reset()
            let packed = try deflated(input, inPiecesOf: 77_777) { try deflater.deflate($0, finish: $1, sink: $2) }
            #expect(deflater.totalIn == Int64(input.count))
            #expect(deflater.totalOut == Int64(packed.count))
            #expect(try Self.zlibReads(packed) == "True \(input.count) \(CRC32.checksum(input))", "level \(level)")
            #expect(try Zlib.decompress(packed, format: .gzip) == input)
            if input.count > 1000 { #expect(packed.count < input.count / 4, "level \(level): \(packed.count)") }
        }
    }

    @Test("a raw IgzipDeflater round-trips through inflate, and bad levels and framings are refused")
    func raw() throws {
        let input = Self.text(200_000)
        let deflater = try IgzipDeflater(format: .raw, level: 2)
        var packed: [UInt8] = []
        try input.withUnsafeBytes { try deflater.deflate($0, finish: true) { packed.append(contentsOf: $0) } }
        #expect(try Zlib.decompress(packed, format: .raw) == input)
        #expect(throws: DeflateError.self) { try IgzipDeflater(format: .gzip, level: 4) }
        #expect(throws: DeflateError.self) { try IgzipDeflater(format: .zlib) }
    }

    @Test("inflate counts exactly the bytes of a raw stream, whatever follows it")
    func consumedRaw() throws {
        let text = Self.text(100_000)
        let packed = try Zlib.compress(text, format: .raw, level: 6)
        for extra in 0...12 {
            let inflater = try Inflater(format: .raw)
            var out: [UInt8] = []
            let used = try (packed + [UInt8](repeating: 0, count: extra)).withUnsafeBytes { input in
                try inflater.inflate(input) { out.append(contentsOf: $0) }
            }
            #expect(inflater.isFinished && out == text)
            #expect(used == packed.count, "\(extra) bytes after the stream")
        }
    }

    @Test("inflate stops at the end of each gzip member and goes on after a reset")
    func members() throws {
        let first = Self.text(40_000), second = Array("{\"ok\": true}\n".utf8)
        let file = try Zlib.compress(first, format: .gzip) + Zlib.compress(second, format: .gzip)
        let inflater = try Inflater(format: .gzip, chunkSize: 1000)
        var out: [UInt8] = []
        let used = try file.withUnsafeBytes { try inflater.inflate($0) { out.append(contentsOf: $0) } }
        #expect(inflater.isFinished && out == first)
        try inflater.reset()
        out = []
        let rest = try file[used...].withUnsafeBytes { try inflater.inflate($0) { out.append(contentsOf: $0) } }
        #expect(inflater.isFinished && out == second && used + rest == file.count)
    }

    @Test("a gzip stream that does not start with the magic number is refused at its first bytes, even one at a time")
    func magicAtOnce() throws {
        for junk in [Array("junk!".utf8), [0x1f, 0x00], [0x00]] {
            let inflater = try Inflater(format: .gzip)
            do {
                for byte in junk { _ = try [byte].withUnsafeBytes { try inflater.inflate($0) { _ in } } }
                Issue.record("\(junk) was taken for the start of a gzip member")
            } catch let error as DeflateError {
                #expect(error.message.contains("header"))
            }
        }
        // The magic number alone is a member cut short, not an error yet.
        let inflater = try Inflater(format: .gzip)
        #expect(try [UInt8]([0x1f, 0x8b]).withUnsafeBytes { try inflater.inflate($0) { _ in } } == 2)
        #expect(!inflater.isFinished)
    }

    @Test("corrupt data, a wrong CRC and a bad header are refused with what igzip found")
    func corrupt() throws {
        let packed = try Zlib.compress(Self.text(50_000), format: .gzip)
        var crc = packed
        crc[crc.count - 6] ^= 0xff
        #expect(throws: DeflateError.self) { try Zlib.decompress(crc, format: .gzip) }
        var header = packed
        header[1] = 0
        do {
            _ = try Zlib.decompress(header, format: .gzip)
            Issue.record("a bad magic number was accepted")
        } catch let error as DeflateError {
            #expect(error.message.contains("header"))
        }
        var body = packed
        for i in stride(from: 20, to: 200, by: 3) { body[i] = 0xff }
        #expect(throws: DeflateError.self) { try Zlib.decompress(body, format: .gzip) }
    }
}

