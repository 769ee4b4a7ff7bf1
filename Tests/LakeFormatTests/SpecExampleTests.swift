import LakeCore
import Testing
@testable import LakeFormat

private func bytes(_ hex: String) -> [UInt8] { hex.split(separator: " ").map { UInt8($0, radix: 16)! } }

private func integers(_ hex: String, _ n: Int) throws -> [Int64] {
    var r = ByteReader(bytes(hex))
    var state = DecodeState()
    defer { #expect(r.isAtEnd) }
    return try IntegerStream.decode(&r, count: n, state: &state)
}

private func text(_ hex: String, _ n: Int) throws -> [String] {
    var r = ByteReader(bytes(hex))
    var state = DecodeState()
    let t = try TextStream.decode(&r, count: n, state: &state)
    #expect(r.isAtEnd)
    return (0..<t.count).map { String(decoding: t[$0], as: UTF8.self) }
}

private func floats(_ hex: String, _ n: Int) throws -> [UInt64] {
    var r = ByteReader(bytes(hex))
    var state = DecodeState()
    let v = try FloatStream.decode(&r, count: n, state: &state)
    #expect(r.isAtEnd)
    return v.map(\.bitPattern)
}

/// Every worked example in docs/FORMAT.md, decoded by the reader's code.
@Suite("FORMAT.md examples")
struct SpecExampleTests {
    @Test("integer encoding examples decode to the documented values")
    func integerExamples() throws {
        #expect(try integers("00 01 00 00 00 00 00 00 00 fe ff ff ff ff ff ff ff", 2) == [1, -2])
        #expect(try integers("01 02 03 d8 04", 3) == [1, -2, 300])
        #expect(try integers("02 0e", 500) == Array(repeating: 7, count: 500))
        #expect(try integers("03 c8 01 03 58 0e", 4) == [100, 103, 101, 107])
        #expect(try integers("03 00 01 05", 3) == [1, 0, 1])
        #expect(try integers("04 d0 0f 02 14", 4) == [1000, 1010, 1020, 1030])
        #expect(try integers("05 02 01 0a 12 01 06 02", 6) == [5, 5, 5, 5, 9, 9])
        #expect(try integers("06 02 01 0a 80 89 7a 03 00 01 25", 8) == [1_000_000, 5, 1_000_000, 5, 5, 1_000_000, 5, 5])
        var r = ByteReader(bytes("ac 02 ff ff ff ff ff ff ff ff ff 01"))
        #expect(try r.varint() == 300)
        #expect(try r.zigzag() == .min)
    }

    @Test("text and float examples decode to the documented values")
    func textAndFloatExamples() throws {
        #expect(try text("10 01 06 00 06 47 61 73 c3 96 6c", 3) == ["Gas", "", "Öl"])
        #expect(try text("11 02 10 02 06 47 61 73 c3 96 6c 03 00 01 12", 6) == ["Gas", "Öl", "Gas", "Gas", "Öl", "Gas"])
        #expect(try text("12 02 03 04 75 6e 67 57 6f 68 6e 02 08 01 00 ff 21", 1) == ["Wohnung!"])
        #expect(try text("13 01 10 04 01 01 06 01 06 01 0a 61 62 20 61 62", 2) == ["ab ab ab", "ab"])
        #expect(try floats("20 01 ff ff ff ff ff ff ff ff ff 01 80 80 80 80 80 80 80 f8 ff 01", 2)
                == [(-0.0).bitPattern, Double.nan.bitPattern])
        #expect(try floats("21 02 03 96 01 08 4b 96 00", 3) == [1.5, 2.25, 0.75].map(\.bitPattern))
    }

    @Test("checksum and Bloom hash test vectors match the spec")
    func vectors() {
        #expect(CRC32Check.value("123456789") == 0xCBF4_3926)
        #expect(BloomFilter.hash(integer: 7) == 0xc211_2d51_b876_518d)
        #expect(BloomFilter.hash(bytes: Array("Gas".utf8)) == 0x2331_87f2_2470_844d)
    }
}

import LakeCompression
enum CRC32Check {
    static func value(_ s: String) -> UInt32 { CRC32.checksum(Array(s.utf8)) }
}
