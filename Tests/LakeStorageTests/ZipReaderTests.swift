import LakeCompression
import LakeCore
import TestSupport
import Testing

@testable import LakeStorage

@Suite("ZIP reader")
struct ZipReaderTests {
    @Test("members are read in order: deflated and stored, folders skipped, odd names are mere labels")
    func severalMembers() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/batch.zip"
        try pythonZip(path, [
            ("a.jsonl", jsonLines(3, tag: "a"), true),
            ("dir/", "", false),
            ("dir/b.jsonl", jsonLines(2, tag: "b"), false),
            ("../../x.jsonl", "{\"x\":1}\n", true),
            ("/abs.jsonl", "{\"abs\":1}", true),
        ], comment: "made by a test")
        let input = try InputFile.open(path: path)
        #expect(input.kind == .zip)
        #expect(try input.zipMembers().map(\.name) == ["a.jsonl", "dir/", "dir/b.jsonl", "../../x.jsonl", "/abs.jsonl"])
        #expect(try input.zipMembers().map(\.method) == [8, 0, 0, 8, 8])
        let (lines, summary) = try readLines(path)
        #expect(lines.map(\.member) == ["a.jsonl", "a.jsonl", "a.jsonl", "dir/b.jsonl", "dir/b.jsonl",
                                        "../../x.jsonl", "/abs.jsonl"])
        #expect(lines.map(\.number) == [1, 2, 3, 1, 2, 1, 1])
        #expect(lines[1].text == "{\"a\":2,\"text\":\"line 2 of a\"}")
        #expect(lines[1].offset == Int64(jsonLines(1, tag: "a").utf8.count))
        #expect(lines[6].text == "{\"abs\":1}")
        #expect(summary.members == 4 && summary.lines == 7)
        #expect(summary.bytesOut == Int64((jsonLines(3, tag: "a") + jsonLines(2, tag: "b")).utf8.count + 8 + 9))
    }

    @Test("an empty ZIP (only an end record) reads as zero members")
    func emptyZip() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/empty.bin"
        try pythonZip(path, [])
        let input = try InputFile.open(path: path)
        #expect(input.kind == .zip)  // by the PK\5\6 magic
        let (lines, summary) = try readLines(path)
        #expect(lines.isEmpty && summary.members == 0)
    }

    @Test("a ZIP cut at any offset fails with a LakeError, never a crash")
    func truncatedEverywhere() throws {
        let dir = try ScratchDirectory()
        let full = try rawZip([
            RawMember(name: "a.jsonl", data: Array(jsonLines(20).utf8)),
            RawMember(name: "b.jsonl", data: Array(jsonLines(5).utf8), method: 0),
        ])
        let path = try dir.write("full.zip", full)
        #expect(try readLines(path).summary.lines == 25)
        var messages = Set<String>()
        for cut in 0..<full.count {
            let cutPath = try dir.write("cut.zip", Array(full[..<cut]))
            do {
                _ = try readLines(cutPath)
                Issue.record("cut at \(cut) was accepted")
            } catch let error as LakeError {
                #expect(error.code == .badInput)
                messages.insert(error.message)
            }
        }
        #expect(messages.contains("not a ZIP archive (no end-of-central-directory record); was the upload cut short?"))
    }

    @Test("a member inflating past its declared size is refused as a bomb, having delivered no more than declared")
    func bomb() throws {
        let dir = try ScratchDirectory()
        let zeros = [UInt8](repeating: 0x20, count: 20 << 20) + Array("{}\n".utf8)
        let path = try dir.write("bomb.zip", try rawZip([RawMember(name: "bomb.jsonl", data: zeros,
                                                                    declaredUncompressed: 1000)]))
        let input = try InputFile.open(path: path, options: InputOptions(chunkSize: 64 * 1024))
        let archive = try ZipArchive(file: input.file, chunkSize: 64 * 1024)
        var delivered = 0
        let error = expectLakeError("member \"bomb.jsonl\" inflates past its declared 1000 bytes: refused as a ZIP bomb") {
            try archive.read(archive.members[0]) { delivered += $0.count }
        }
        #expect(delivered <= 1000)
        #expect(error?.location?.member == "\"bomb.jsonl\"")
        #expect(error?.location?.file == path)
    }

    @Test("a member whose compressed size runs past the end of the file is refused as truncated")
    func compressedPastEOF() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("lie.zip", try rawZip([RawMember(name: "a.jsonl", data: Array(jsonLines(3).utf8),
                                                                 declaredCompressed: 1 << 20)]))
        expectLakeError("truncated: member \"a.jsonl\"'s data runs past the end of the file") { _ = try readLines(path) }
    }

    @Test("a member whose data overlaps the central directory or another member is refused")
    func overlapping() throws {
        let dir = try ScratchDirectory()
        let data = Array(jsonLines(50).utf8)
        let compressedCount = try Zlib.compress(data, format: .raw).count
        let path = try dir.write("over.zip", try rawZip([RawMember(name: "a.jsonl", data: data,
                                                                   declaredCompressed: UInt64(compressedCount + 10))]))
        expectLakeError("overlaps the next member or the central directory") { _ = try readLines(path) }
        let shared = try dir.write("shared.zip", try rawZip([
            RawMember(name: "a.jsonl", data: data),
            RawMember(name: "b.jsonl", data: data, localHeaderOf: 0),
        ]))
        expectLakeError("shares its data with another member: refused as a ZIP bomb") { _ = try readLines(shared) }
    }

    @Test("a member that holds fewer bytes than declared is refused")
    func shortMember() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("short.zip", try rawZip([RawMember(name: "a.jsonl", data: Array(jsonLines(3).utf8),
                                                                   declaredUncompressed: 100_000)]))
        expectLakeError("not its declared 100000") { _ = try readLines(path) }
    }

    @Test("a CRC-32 mismatch is refused after the member's data")
    func crcMismatch() throws {
        let dir = try ScratchDirectory()
        for method: UInt16 in [0, 8] {
            let path = try dir.write("crc.zip", try rawZip([RawMember(name: "a.jsonl", data: Array(jsonLines(3).utf8),
                                                                     method: method, declaredCRC: 0xDEAD_BEEF)]))
            expectLakeError("CRC-32 mismatch in member \"a.jsonl\"") { _ = try readLines(path) }
        }
    }

    @Test("unsupported methods and encrypted members are refused with the reason")
    func unsupported() throws {
        let dir = try ScratchDirectory()
        let bzip = try dir.write("bz.zip", try rawZip([RawMember(name: "a.jsonl", data: Array("{}\n".utf8), method: 12)]))
        expectLakeError("uses compression method 12 (bzip2)") { _ = try readLines(bzip) }
        let locked = try dir.write("enc.zip", try rawZip([RawMember(name: "a.jsonl", data: Array("{}\n".utf8), flags: 1)]))
        expectLakeError("is encrypted") { _ = try readLines(locked) }
    }

    @Test("an end record claiming more members than its central directory can hold is refused")
    func lyingCount() throws {
        let dir = try ScratchDirectory()
        var bytes = try rawZip([RawMember(name: "a.jsonl", data: Array("{}\n".utf8))])
        let eocd = bytes.count - 22
        bytes[eocd + 8] = 0xFF; bytes[eocd + 9] = 0xFE; bytes[eocd + 10] = 0xFF; bytes[eocd + 11] = 0xFE
        let path = try dir.write("count.zip", bytes)
        expectLakeError("claims 65279 members") { _ = try readLines(path) }
        var long = try rawZip([RawMember(name: String(repeating: "n", count: 60) + ".jsonl", data: Array("{}\n".utf8))])
        long[long.count - 22 + 8] = 2; long[long.count - 22 + 10] = 2
        let two = try dir.write("two.zip", long)
        expectLakeError("central directory ends inside record 2 of 2") { _ = try readLines(two) }
    }

    @Test("Zip64 end records and extra fields supply sizes and offsets")
    func zip64() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("z64.zip", try rawZip([
            RawMember(name: "a.jsonl", data: Array(jsonLines(4, tag: "a").utf8)),
            RawMember(name: "b.jsonl", data: Array(jsonLines(2, tag: "b").utf8), method: 0),
        ], zip64: true))
        let (lines, summary) = try readLines(path)
        #expect(lines.count == 6 && summary.members == 2)
        #expect(lines.last?.text == "{\"b\":2,\"text\":\"line 2 of b\"}")
    }

    @Test("an end record followed by a comment is found")
    func comment() throws {
        let dir = try ScratchDirectory()
        let comment = Array(String(repeating: "PK\u{5}\u{6} not a record ", count: 100).utf8)
        let path = try dir.write("c.zip", try rawZip([RawMember(name: "a.jsonl", data: Array("{}\n".utf8))],
                                                     comment: comment))
        #expect(try readLines(path).lines.count == 1)
    }

    @Test("control characters in member names are escaped in messages")
    func labels() throws {
        #expect(ZipArchive.label("a\u{1B}[31m\n\"b\".jsonl") == "\"a\\u{1b}[31m\\u{a}\\\"b\\\".jsonl\"")
        let dir = try ScratchDirectory()
        let path = try dir.write("l.zip", try rawZip([RawMember(name: "evil\u{1B}.jsonl", data: Array("{}\n".utf8),
                                                               method: 12)]))
        let error = expectLakeError("member \"evil\\u{1b}.jsonl\"") { _ = try readLines(path) }
        #expect(error?.description.contains("\u{1B}") == false)
    }

    @Test("a large honest member streams through many chunks")
    func honestLarge() throws {
        let dir = try ScratchDirectory()
        let text = jsonLines(100_000)
        let path = try dir.write("big.zip", try rawZip([RawMember(name: "big.jsonl", data: Array(text.utf8))]))
        let (lines, summary) = try readLines(path, options: InputOptions(chunkSize: 4096))
        #expect(lines.count == 100_000 && summary.bytesOut == Int64(text.utf8.count))
        #expect(lines[99_999].text == "{\"r\":100000,\"text\":\"line 100000 of r\"}")
    }

    @Test("every chunk size (1, 2, 3, 7, 4096) reads identical lines from a ZIP")
    func chunkSizes() throws {
        let dir = try ScratchDirectory()
        let tricky = LineSplitterTests.tricky
        let path = try dir.write("t.zip", try rawZip([
            RawMember(name: "d.jsonl", data: tricky),
            RawMember(name: "s.jsonl", data: tricky, method: 0),
        ]))
        let reference = try readLines(path, options: InputOptions(maxLineLength: 60, chunkSize: 1 << 20)).lines
        #expect(reference.count == 12)
        for size in [1, 2, 3, 7, 4096] {
            #expect(try readLines(path, options: InputOptions(maxLineLength: 60, chunkSize: size)).lines == reference)
        }
    }

    @Test("random corruption yields lines or a LakeError, never a crash")
    func fuzz() throws {
        let dir = try ScratchDirectory()
        let valid = try rawZip([
            RawMember(name: "a.jsonl", data: Array(jsonLines(30).utf8)),
            RawMember(name: "b.jsonl", data: Array(jsonLines(3).utf8), method: 0),
        ])
        var generator = SplitMix64(seed: 42)
        for round in 0..<400 {
            var bytes = valid
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let at = Int(generator.next() % UInt64(bytes.count))
                bytes[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            let path = try dir.write("f.zip", bytes)
            do {
                _ = try readLines(path, options: InputOptions(chunkSize: round % 2 == 0 ? 64 : 4096))
            } catch is LakeError {
            }
        }
    }
}

