import Testing

@testable import LakeStorage

@Suite("Line splitter")
struct LineSplitterTests {
    /// An input exercising every rule: BOM, CRLF, blank and whitespace-only lines, leading blanks, a lone CR,
    /// a line over the small maximum, a CR-only tail, and a final line without `\n`.
    static let tricky: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((
        "{\"a\":1}\r\n"
        + "\n"
        + "   \t  \r\n"
        + "  {\"b\":2}  \n"
        + "\r\n"
        + "\r\r\r\n"
        + "{\"long\":\"" + String(repeating: "x", count: 90) + "\"}\r\n"
        + "{\"c\":\"\r\"}\r\r\n"
        + "\t{\"fits\":\"" + String(repeating: "y", count: 40) + "\"}\r\n"
        + "{\"last\":true}").utf8)

    @Test("every chunk size (1, 2, 3, 7, 4096) gives the lines of the reference splitter")
    func chunkSizesAgree() throws {
        let expected = referenceSplit(Self.tricky, maxLineLength: 60, prefixLength: 16)
        #expect(expected.count == 6)
        #expect(expected.contains { $0.tooLongLength == 101 })
        for size in [1, 2, 3, 7, 4096] {
            let (lines, counts) = try split(Self.tricky, chunkSize: size, maxLineLength: 60, prefixLength: 16)
            #expect(lines == expected, "chunk size \(size)")
            #expect(counts.lines == 5 && counts.tooLongLines == 1 && counts.blankLines == 4)
            #expect(counts.bytes == Int64(Self.tricky.count))
        }
    }

    @Test("every two-piece split of the input gives identical lines")
    func everySplitPointAgrees() throws {
        let expected = referenceSplit(Self.tricky, maxLineLength: 60, prefixLength: 16)
        for cut in 0...Self.tricky.count {
            var splitter = LineSplitter(maxLineLength: 60, tooLongPrefixLength: 16)
            var lines: [SeenLine] = []
            try Self.tricky.withUnsafeBytes { all in
                try splitter.feed(UnsafeRawBufferPointer(rebasing: all[..<cut])) { lines.append(seen($0)) }
                try splitter.feed(UnsafeRawBufferPointer(rebasing: all[cut...])) { lines.append(seen($0)) }
            }
            try splitter.finish { lines.append(seen($0)) }
            #expect(lines == expected, "cut at \(cut)")
        }
    }

    @Test("a leading BOM is stripped and CRLF endings lose their CR; offsets count the BOM")
    func bomAndCRLF() throws {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\r\n{\"b\":2}\r\n".utf8)
        for size in [1, 2, 4096] {
            let (lines, _) = try split(input, chunkSize: size)
            #expect(lines.map(\.text) == ["{\"a\":1}", "{\"b\":2}"])
            #expect(lines.map(\.number) == [1, 2])
            #expect(lines.map(\.offset) == [0, 12])
        }
    }

    @Test("a partial BOM is content, and a BOM after line 1 is not stripped")
    func partialBOM() throws {
        let partial: [UInt8] = [0xEF, 0xBB] + Array("x\n".utf8)
        for size in [1, 2, 4096] {
            let (lines, _) = try split(partial, chunkSize: size)
            #expect(lines.map(\.text) == [String(decoding: [0xEF, 0xBB, 0x78] as [UInt8], as: UTF8.self)])
        }
        let onlyPartial: [UInt8] = [0xEF]
        #expect(try split(onlyPartial, chunkSize: 1).lines.count == 1)
        let later: [UInt8] = Array("a\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("b\n".utf8)
        #expect(try split(later, chunkSize: 1).lines.map(\.text) == ["a", "\u{FEFF}b"])
    }

    @Test("a final line without newline counts; an empty input yields nothing")
    func finalLineAndEmpty() throws {
        #expect(try split(Array("a\nb".utf8), chunkSize: 1).lines.map(\.text) == ["a", "b"])
        #expect(try split(Array("a\nb".utf8), chunkSize: 10).lines.map(\.number) == [1, 2])
        #expect(try split([], chunkSize: 10).lines.isEmpty)
        let blanks = try split(Array("\n\n  ".utf8), chunkSize: 10)
        #expect(blanks.lines.isEmpty && blanks.counts.blankLines == 3)
    }

    @Test("lines inside a chunk are handed out without a copy")
    func zeroCopyInsideChunk() throws {
        let input = Array("{\"a\":1}\n{\"b\":2}\n".utf8)
        var splitter = LineSplitter()
        try input.withUnsafeBytes { chunk in
            var pointers: [UnsafeRawPointer?] = []
            try splitter.feed(chunk) { event in
                if case .line(let line) = event { pointers.append(line.bytes.baseAddress) }
            }
            #expect(pointers == [chunk.baseAddress, chunk.baseAddress! + 8])
        }
    }

    @Test("whitespace-only lines of 10 MB pass without being buffered")
    func hugeBlankLines() throws {
        var splitter = LineSplitter(maxLineLength: 1000)
        var lines: [SeenLine] = []
        let blanks = [UInt8](repeating: 0x20, count: 64 * 1024).enumerated().map { $0.offset % 7 == 0 ? 0x09 : $0.element }
        var peak = 0
        for _ in 0..<2 {
            try blanks.withUnsafeBytes { chunk in
                for _ in 0..<160 {  // 10 MiB of blanks in one line
                    try splitter.feed(chunk) { lines.append(seen($0)) }
                    peak = max(peak, splitter.carryCapacity)
                }
            }
            try Array("\r\n".utf8).withUnsafeBytes { try splitter.feed($0) { lines.append(seen($0)) } }
        }
        try Array("  {\"after\":1}\n".utf8).withUnsafeBytes { try splitter.feed($0) { lines.append(seen($0)) } }
        try splitter.finish { lines.append(seen($0)) }
        #expect(peak == 0)
        #expect(lines.map(\.text) == ["{\"after\":1}"])
        #expect(lines.first?.number == 3)
        let expectedOffset: Int64 = 2 * (160 * 64 * 1024 + 2)
        #expect(lines.first?.offset == expectedOffset)
        #expect(splitter.counts.blankLines == 2)
    }

    @Test("a 64 MB line is buffered whole and delivered, then its buffer is released")
    func sixtyFourMegabyteLine() throws {
        let body = 64 * 1024 * 1024
        var input = Array("{\"big\":\"".utf8)
        input += [UInt8](repeating: 0x61, count: body)
        input += Array("\"}\n{\"next\":1}\n".utf8)
        var splitter = LineSplitter()
        var lengths: [Int] = []
        var firstBytes: [UInt8] = []
        try input.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + 256 * 1024)
                try splitter.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])) { event in
                    guard case .line(let line) = event else { Issue.record("unexpected \(event)"); return }
                    lengths.append(line.bytes.count)
                    if firstBytes.isEmpty { firstBytes = Array(line.bytes.prefix(8)) }
                }
                start = end
            }
        }
        try splitter.finish { _ in }
        #expect(lengths == [body + 10, 10])
        #expect(firstBytes == Array("{\"big\":\"".utf8))
        #expect(splitter.carryCapacity < 2 << 20)
    }

    @Test("a line over the maximum is reported as too long with its first KB and length, then skipped")
    func tooLong() throws {
        let long = "{\"k\":\"" + String(repeating: "z", count: 5000) + "\"}"
        let input = Array(("{\"a\":1}\n" + long + "\r\n{\"b\":2}\n").utf8)
        for size in [7, 4096, 1 << 20] {
            let (lines, counts) = try split(input, chunkSize: size, maxLineLength: 100)
            #expect(lines.count == 3, "chunk \(size)")
            #expect(lines[1].tooLongLength == long.utf8.count)
            #expect(lines[1].text == String(long.prefix(1024)))
            #expect(lines[1].number == 2 && lines[1].offset == 8)
            #expect(lines[2].text == "{\"b\":2}" && lines[2].number == 3)
            #expect(counts.tooLongLines == 1)
        }
        // The line at exactly the maximum is fine, one over is not.
        let exact = try split(Array("12345\r\n123456\r\n".utf8), chunkSize: 3, maxLineLength: 5)
        #expect(exact.lines.map(\.tooLongLength) == [nil, 6])
    }

    @Test("a too-long line spanning chunks is never buffered past the maximum")
    func tooLongBounded() throws {
        var splitter = LineSplitter(maxLineLength: 1000)
        var events: [SeenLine] = []
        let chunk = [UInt8](repeating: 0x7A, count: 64 * 1024)
        var peak = 0
        try chunk.withUnsafeBytes { c in
            for _ in 0..<100 {
                try splitter.feed(c) { events.append(seen($0)) }
                peak = max(peak, splitter.carryCapacity)
            }
        }
        try splitter.finish { events.append(seen($0)) }
        #expect(peak < 64 * 1024 + 2048)
        #expect(events.count == 1 && events[0].tooLongLength == 100 * 64 * 1024 && events[0].text.count == 1024)
    }
}
