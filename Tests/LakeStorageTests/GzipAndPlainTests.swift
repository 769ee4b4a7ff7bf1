import Foundation
import LakeCompression
import LakeCore
import Testing

@testable import LakeStorage

@Suite("gzip and plain inputs")
struct GzipAndPlainTests {
    @Test("a single-member gzip file reads its lines")
    func single() throws {
        let dir = try ScratchDirectory()
        let text = jsonLines(1000)
        let path = try dir.write("a.jsonl.gz", try Zlib.compress(Array(text.utf8), format: .gzip))
        let (lines, summary) = try readLines(path)
        #expect(summary.kind == .gzip && summary.members == 1 && lines.count == 1000)
        #expect(summary.bytesOut == Int64(text.utf8.count))
        #expect(lines[999].member == nil && lines[999].number == 1000)
    }

    @Test("concatenated gzip members form one stream, a line may span two members")
    func concatenated() throws {
        let dir = try ScratchDirectory()
        let first = try Zlib.compress(Array((jsonLines(3) + "{\"split\":").utf8), format: .gzip)
        let second = try Zlib.compress(Array("true}\n".utf8), format: .gzip)
        let third = try Zlib.compress(Array(jsonLines(2, tag: "z").utf8), format: .gzip)
        let path = try dir.write("c.gz", first + second + third)
        for size in [1, 7, 4096, 1 << 20] {
            let (lines, summary) = try readLines(path, options: InputOptions(chunkSize: size))
            #expect(summary.members == 3 && lines.count == 6, "chunk \(size)")
            #expect(lines[3].text == "{\"split\":true}" && lines[3].number == 4)
            #expect(lines[5].text == "{\"z\":2,\"text\":\"line 2 of z\"}")
        }
    }

    @Test("a gzip file cut at any offset fails with a LakeError naming the file")
    func truncated() throws {
        let dir = try ScratchDirectory()
        let full = try Zlib.compress(Array(jsonLines(50).utf8), format: .gzip)
        for cut in 0..<full.count {
            let path = try dir.write("t.gz", Array(full[..<cut]))
            do {
                _ = try readLines(path)
                Issue.record("cut at \(cut) was accepted")
            } catch let error as LakeError {
                #expect(error.code == .badInput)
                #expect(error.location?.file == path)
            }
        }
        let path = try dir.write("t.gz", Array(full.dropLast(3)))
        expectLakeError("truncated gzip") { _ = try readLines(path) }
    }

    @Test("bytes after a gzip member that are not another member are refused")
    func trailingGarbage() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("g.gz", try Zlib.compress(Array("{}\n".utf8), format: .gzip) + Array("junk!".utf8))
        expectLakeError("not another gzip member") { _ = try readLines(path) }
    }

    @Test("plain JSON lines with BOM and CRLF read the same at every chunk size")
    func plain() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("p.jsonl", LineSplitterTests.tricky)
        let expected = referenceSplit(LineSplitterTests.tricky, maxLineLength: 60)
        for size in [1, 2, 3, 7, 4096] {
            let (lines, summary) = try readLines(path, options: InputOptions(maxLineLength: 60, chunkSize: size))
            #expect(lines == expected, "chunk \(size)")
            #expect(summary.kind == .plain && summary.members == 1 && summary.blankLines == 4)
            #expect(summary.bytesIn == Int64(LineSplitterTests.tricky.count))
        }
        let gz = try dir.write("p.gz", try Zlib.compress(LineSplitterTests.tricky, format: .gzip))
        for size in [1, 2, 3, 7, 4096] {
            #expect(try readLines(gz, options: InputOptions(maxLineLength: 60, chunkSize: size)).lines == expected)
        }
    }

    @Test("kinds are detected by magic bytes, then extension, else plain")
    func detection() throws {
        #expect(InputKind.detect(magic: [0x50, 0x4B, 3, 4], path: "x.jsonl") == .zip)
        #expect(InputKind.detect(magic: [0x50, 0x4B, 5, 6], path: "x") == .zip)
        #expect(InputKind.detect(magic: [0x1F, 0x8B, 8, 0], path: "x.zip") == .gzip)
        #expect(InputKind.detect(magic: Array("{\"a".utf8), path: "X.ZIP") == .zip)
        #expect(InputKind.detect(magic: [], path: "dir.zip/a.gz") == .gzip)
        #expect(InputKind.detect(magic: Array("{}\n".utf8), path: "a.json") == .plain)
        #expect(InputKind.detect(magic: Array("{}\n".utf8), path: "a.txt") == .plain)
        let dir = try ScratchDirectory()
        let path = try dir.write("mislabelled.jsonl", try Zlib.compress(Array("{}\n".utf8), format: .gzip))
        #expect(try InputFile.open(path: path).kind == .gzip)
        expectLakeError("not a ZIP archive") { _ = try readLines(try dir.write("fake.zip", Array("{}\n".utf8))) }
    }

    @Test("SHA-256 of the file bytes matches a known digest")
    func sha256() throws {
        let dir = try ScratchDirectory()
        let abc = try InputFile.open(path: try dir.write("abc.jsonl", Array("abc".utf8)))
        #expect(try abc.sha256Hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let big = [UInt8]((0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let file = try InputFile.open(path: try dir.write("big.bin", big))
        #expect(try file.sha256().count == 32 && file.byteCount == Int64(big.count))
    }

    @Test("a missing file and a directory are refused as bad input naming the path")
    func openFailures() throws {
        let dir = try ScratchDirectory()
        let missing = expectLakeError("input file not found") { _ = try InputFile.open(path: dir.path + "/nope.zip") }
        #expect(missing?.location?.file == dir.path + "/nope.zip")
        #expect("\(missing!.cause!)".contains("open("))
        expectLakeError("not a regular file") { _ = try InputFile.open(path: dir.path) }
    }
}
