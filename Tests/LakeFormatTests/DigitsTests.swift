import LakeCore
import TestSupport
import Testing
@testable import LakeFormat

/// Encoding 0x14 `digits` (minor version 1): text of ASCII digits stored as widths and integers.
@Suite("digits text encoding")
struct DigitsTests {
    private func decode(_ bytes: [UInt8], count: Int) throws -> [String] {
        var r = ByteReader(bytes)
        var state = DecodeState()
        let text = try TextStream.decode(&r, count: count, state: &state)
        try r.expectEnd("test stream")
        return (0..<text.count).map { String(decoding: text.bytes[text.offsets[$0]..<text.offsets[$0 + 1]], as: UTF8.self) }
    }

    @Test("the FORMAT.md example decodes, and the writer's choice round-trips leading zeros, empty values, 18 digits")
    func roundTrip() throws {
        #expect(try decode([0x14, 0x01, 0x0a, 0x06, 0x00, 0x01, 0x86, 0x9e, 0x01, 0x0e, 0x00], count: 3) == ["10115", "007", ""])
        var rng = SplitMix64(seed: testSeed(60))
        let postcodes = (0..<500).map { _ in String(Int.random(in: 10115...14199, using: &rng)) }
        let ids = (0..<500).map { _ in String(Int.random(in: 10_000_000...999_999_999, using: &rng)) }.sorted()
        let padded = (0..<300).map { _ in String(repeating: "0", count: Int.random(in: 0...3, using: &rng)) + String(Int.random(in: 0...999, using: &rng)) }
        let edges = ["", "0", "00", "999999999999999999", "000000000000000000", "123456789012345678"]
        for (label, values) in [("postcodes", postcodes), ("ids", ids), ("padded", padded), ("edges", edges)] {
            let text = TextValues(values)
            let encoded = TextStream.encode(text)
            if label != "edges" { #expect(encoded.first == EncodingID.digits.rawValue || encoded.first == EncodingID.textDictionary.rawValue, "\(label)") }
            #expect(try decode(encoded, count: values.count) == values, "\(label)")
            var w = ByteWriter()
            let (widths, ints) = try #require(DigitText.split(text))
            DigitText.encode(widths: IntegerStream.encode(widths), values: IntegerStream.encode(ints), into: &w)
            #expect(try decode(w.bytes, count: values.count) == values, "\(label), digits forced")
        }
        // Not digits: a sign, a space, 19 digits, a non-ASCII digit.
        for value in ["-1", "1 2", "1234567890123456789", "١٢"] { #expect(DigitText.split(TextValues([value])) == nil, "\(value)") }
    }

    @Test("widths over 18 and values that do not fit their width are corrupt")
    func refusals() throws {
        // width 19 (zigzag 38 = 0x26)
        #expect(throws: FormatError.self) { try decode([0x14, 0x02, 0x26, 0x02, 0x00], count: 1) }
        // width 2, value 100
        #expect(throws: FormatError.self) { try decode([0x14, 0x02, 0x04, 0x02, 0xc8, 0x01], count: 1) }
        // width 0, value 1
        #expect(throws: FormatError.self) { try decode([0x14, 0x02, 0x00, 0x02, 0x02], count: 1) }
        // negative value
        #expect(throws: FormatError.self) { try decode([0x14, 0x02, 0x04, 0x02, 0x01], count: 1) }
    }

    @Test("files use minor version 1 only when a page uses digits")
    func minorVersion() throws {
        func file(_ values: [String]) throws -> ColumnarReader {
            var v = ColumnVector(type: .text)
            for s in values { v.append(text: s) }
            let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "c", type: .text)])
            let reader = try ColumnarReader(bytes: ColumnarWriter.encode(schema: schema, columns: [v]))
            try reader.verify()
            #expect(try reader.readAll()[0].isIdentical(to: v))
            return reader
        }
        let digits = try file((0..<200).map { String(10_000_000 + $0 * 7919) })
        #expect(digits.minorVersion == 1)
        #expect(try file(["Gas", "Öl", "Gas"]).minorVersion == 0)
    }
}
