import LakeCore
import TestSupport
import Testing
@testable import LakeFormat

/// Encoded bytes of one integer encoding, decoded by the generic dispatcher.
private func decodeIntegers(_ bytes: [UInt8], count: Int) throws -> (values: [Int64], ids: [UInt8]) {
    var r = ByteReader(bytes)
    var state = DecodeState()
    let values = try IntegerStream.decode(&r, count: count, state: &state)
    try r.expectEnd("stream")
    return (values, state.ids)
}

private func decodeText(_ bytes: [UInt8], count: Int) throws -> (values: TextValues, ids: [UInt8]) {
    var r = ByteReader(bytes)
    var state = DecodeState()
    let values = try TextStream.decode(&r, count: count, state: &state)
    try r.expectEnd("stream")
    return (values, state.ids)
}

private func decodeFloats(_ bytes: [UInt8], count: Int) throws -> [Double] {
    var r = ByteReader(bytes)
    var state = DecodeState()
    let values = try FloatStream.decode(&r, count: count, state: &state)
    try r.expectEnd("stream")
    return values
}

/// Integer samples of several shapes: random full range, small, sorted, runs, few distinct, edge values.
private func integerSamples(_ rng: inout SplitMix64) -> [[Int64]] {
    var out: [[Int64]] = [[], [0], EdgeValues.integers, [.min, .max], [.max, .min, .max]]
    for _ in 0..<30 {
        let n = Int.random(in: 1...2000, using: &rng)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: out.append((0..<n).map { _ in Int64.random(in: .min ... .max, using: &rng) })
        case 1: out.append((0..<n).map { _ in Int64.random(in: -100...100, using: &rng) })
        case 2:
            var v = Int64.random(in: -1_000_000...1_000_000, using: &rng)
            out.append((0..<n).map { _ in v += Int64.random(in: 0...50, using: &rng); return v })
        case 3:
            var v: [Int64] = []
            while v.count < n { v += Array(repeating: Int64.random(in: 0...3, using: &rng), count: Int.random(in: 1...40, using: &rng)) }
            out.append(v)
        default:
            let dict = (0..<5).map { _ in Int64.random(in: .min ... .max, using: &rng) }
            out.append((0..<n).map { _ in dict.randomElement(using: &rng)! } + EdgeValues.integers)
        }
    }
    return out
}

@Suite("Encodings: each round-trips seeded random data and edge values")
struct EncodingTests {
    @Test("plain integers round-trip")
    func plain() throws {
        var rng = SplitMix64(seed: testSeed(10))
        for values in integerSamples(&rng) {
            var w = ByteWriter()
            PlainIntegers.encode(values, into: &w)
            #expect(try decodeIntegers(w.bytes, count: values.count) == (values, [0x00]))
        }
    }

    @Test("zigzag varints round-trip")
    func varint() throws {
        var rng = SplitMix64(seed: testSeed(11))
        for values in integerSamples(&rng) {
            var w = ByteWriter()
            VarintIntegers.encode(values, into: &w)
            #expect(w.count == VarintIntegers.size(values))
            #expect(try decodeIntegers(w.bytes, count: values.count).values == values)
        }
    }

    @Test("constant round-trips any value, including Int64.min and max")
    func constant() throws {
        for v in EdgeValues.integers {
            var w = ByteWriter()
            ConstantIntegers.encode(v, into: &w)
            #expect(try decodeIntegers(w.bytes, count: 17).values == Array(repeating: v, count: 17))
        }
    }

    @Test("frame-of-reference bit-packing round-trips every width 0…64")
    func bitPacked() throws {
        var rng = SplitMix64(seed: testSeed(12))
        var samples = integerSamples(&rng)
        for width in 0...64 {
            let top: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
            let base = Int64.random(in: -1000...1000, using: &rng)
            samples.append((0..<Int.random(in: 1...70, using: &rng)).map { _ in
                base &+ Int64(bitPattern: UInt64.random(in: 0...top, using: &rng))
            })
        }
        for values in samples where !values.isEmpty {
            var w = ByteWriter()
            BitPacked.encode(values, min: values.min()!, max: values.max()!, into: &w)
            #expect(w.count == BitPacked.size(count: values.count, min: values.min()!, max: values.max()!))
            #expect(try decodeIntegers(w.bytes, count: values.count).values == values)
        }
    }

    @Test("delta round-trips, wrapping across Int64.min and max")
    func delta() throws {
        var rng = SplitMix64(seed: testSeed(13))
        for values in integerSamples(&rng) where !values.isEmpty {
            var w = ByteWriter()
            DeltaIntegers.encode(first: values[0], deltas: IntegerStream.encode(DeltaIntegers.deltas(values)), into: &w)
            #expect(try decodeIntegers(w.bytes, count: values.count).values == values)
        }
    }

    @Test("run-length round-trips")
    func runLength() throws {
        var rng = SplitMix64(seed: testSeed(14))
        for values in integerSamples(&rng) where !values.isEmpty {
            let (runValues, lengths) = RunLength.runs(values)
            var w = ByteWriter()
            RunLength.encode(runCount: runValues.count, values: IntegerStream.encode(runValues),
                             lengths: IntegerStream.encode(lengths), into: &w)
            #expect(try decodeIntegers(w.bytes, count: values.count).values == values)
        }
    }

    @Test("integer dictionary round-trips")
    func integerDictionary() throws {
        var rng = SplitMix64(seed: testSeed(15))
        for values in integerSamples(&rng) where !values.isEmpty {
            let (entries, codes) = DictionaryEncoding.build(values, limit: values.count)!
            var w = ByteWriter()
            DictionaryEncoding.encode(id: .dictionary, entryCount: entries.count, entries: IntegerStream.encode(entries),
                                      codes: IntegerStream.encode(codes), into: &w)
            #expect(try decodeIntegers(w.bytes, count: values.count).values == values)
        }
    }

    @Test("the chooser round-trips everything and picks the expected shapes")
    func integerChooser() throws {
        var rng = SplitMix64(seed: testSeed(16))
        for values in integerSamples(&rng) {
            #expect(try decodeIntegers(IntegerStream.encode(values), count: values.count).values == values)
        }
        #expect(IntegerStream.encode(Array(repeating: 7, count: 500)) == [0x02, 14])
        let ids = (0..<1000).map { Int64(110_000_000 + 3 * $0) }
        #expect(try decodeIntegers(IntegerStream.encode(ids), count: 1000).ids == [0x04, 0x02])
        let runs: [Int64] = Array(repeating: 1, count: 300) + Array(repeating: 0, count: 300)
        #expect(try decodeIntegers(IntegerStream.encode(runs), count: 600).ids.first == 0x05)
    }

    private func textSamples(_ rng: inout SplitMix64) -> [TextValues] {
        var tables = RandomTables(rng: rng)
        var out: [TextValues] = [TextValues([]), TextValues([""]), TextValues(EdgeValues.strings),
                                 TextValues(Array(repeating: "", count: 50))]
        for _ in 0..<15 {
            let n = Int.random(in: 1...300, using: &rng)
            let few = (0..<4).map { _ in tables.randomWords(3) }
            out.append(TextValues((0..<n).map { _ in
                Bool.random(using: &rng) ? few.randomElement(using: &tables.rng)! : tables.randomWords(Int.random(in: 0...80, using: &tables.rng))
            } + EdgeValues.strings))
        }
        rng = tables.rng
        return out
    }

    @Test("plain text round-trips empty strings and unicode")
    func plainText() throws {
        var rng = SplitMix64(seed: testSeed(17))
        for text in textSamples(&rng) {
            var w = ByteWriter()
            PlainText.encode(lengths: IntegerStream.encode(text.lengths), bytes: text.bytes[...], into: &w)
            #expect(try decodeText(w.bytes, count: text.count).values == text)
        }
    }

    @Test("text dictionary round-trips")
    func textDictionary() throws {
        var rng = SplitMix64(seed: testSeed(18))
        for text in textSamples(&rng) where text.count > 0 {
            let (entries, codes) = DictionaryEncoding.build(text, limit: text.count)!
            var w = ByteWriter()
            DictionaryEncoding.encode(id: .textDictionary, entryCount: entries.count, entries: TextStream.encode(entries),
                                      codes: IntegerStream.encode(codes), into: &w)
            #expect(try decodeText(w.bytes, count: text.count).values == text)
        }
    }

    @Test("FSST round-trips German prose, unicode, empty strings and all 256 byte values")
    func fsst() throws {
        var rng = SplitMix64(seed: testSeed(19))
        var samples = textSamples(&rng)
        samples.append(TextValues([String(decoding: (0...255).map { UInt8($0) }, as: UTF8.self)]))
        var binary = TextValues()
        binary.append(ArraySlice((0...255).map { UInt8($0) } + (0...255).map { UInt8(255 - $0) }))
        samples.append(binary)
        for text in samples {
            let table = FSST.buildTable(text)
            let encoded = FSST.encode(text, table: table) { IntegerStream.encode($0) }
            #expect(try decodeText(encoded, count: text.count).values == text)
        }
        var tables = RandomTables(rng: rng)
        let prose = TextValues((0..<200).map { _ in tables.randomWords(300) })
        let encoded = FSST.encode(prose, table: FSST.buildTable(prose)) { IntegerStream.encode($0) }
        #expect(encoded.count * 2 < prose.bytes.count, "FSST should at least halve word-list prose")
    }

    @Test("float bits round-trip NaN, ±infinity, -0.0 bit for bit")
    func floatBits() throws {
        var rng = SplitMix64(seed: testSeed(20))
        var values = EdgeValues.doubles + [Double(bitPattern: 0x7ff8_dead_beef_0001)]
        values += (0..<500).map { _ in Double(bitPattern: UInt64.random(in: 0 ... .max, using: &rng)) }
        var w = ByteWriter()
        w.u8(EncodingID.floatBits.rawValue)
        w.append(IntegerStream.encode(FloatBits.patterns(values)))
        #expect(try decodeFloats(w.bytes, count: values.count).map(\.bitPattern) == values.map(\.bitPattern))
        #expect(try decodeFloats(FloatStream.encode(values), count: values.count).map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("scaled floats round-trip decimals and refuse what they cannot reproduce")
    func floatScaled() throws {
        var rng = SplitMix64(seed: testSeed(21))
        let values = (0..<1000).map { _ in Double(Int.random(in: -99_999_999...99_999_999, using: &rng)) / 1_000_000 }
        let (exponent, integers) = try #require(FloatScaled.scale(values))
        #expect(exponent <= 6)
        var w = ByteWriter()
        w.u8(EncodingID.floatScaled.rawValue)
        w.u8(UInt8(exponent))
        w.append(IntegerStream.encode(integers))
        #expect(try decodeFloats(w.bytes, count: values.count).map(\.bitPattern) == values.map(\.bitPattern))
        #expect(FloatStream.encode(values).first == EncodingID.floatScaled.rawValue)
        #expect(FloatScaled.scale([1.5, -0.0]) == nil)
        #expect(FloatScaled.scale([1.5, .nan]) == nil)
        #expect(FloatScaled.scale([.infinity]) == nil)
        #expect(FloatScaled.scale([0.1 + 0.2]) == nil)
    }

    @Test("varints refuse overflow and truncation without trapping")
    func varintLimits() throws {
        var r = ByteReader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])
        #expect(throws: FormatError.self) { try r.varint() }
        var ok = ByteReader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
        #expect(try ok.varint() == .max)
        var short = ByteReader([0x80])
        #expect(throws: FormatError.self) { try short.varint() }
        #expect(zigzagDecode(zigzagEncode(.min)) == .min)
        #expect(zigzagDecode(zigzagEncode(.max)) == .max)
    }

    @Test("decoders refuse nesting past the limit")
    func nestingLimit() throws {
        // delta(delta(delta(…))) twenty deep.
        var bytes: [UInt8] = []
        for _ in 0..<20 { bytes += [0x04, 0x00] }
        bytes += [0x02, 0x00]
        #expect(throws: FormatError.self) { try decodeIntegers(bytes, count: 30) }
    }
}

@Suite("Long-range copies")
struct LongRangeTests {
    @Test("lz round-trips repeated prose, overlapping copies, unicode and empty values")
    func longRange() throws {
        var tables = RandomTables(rng: SplitMix64(seed: testSeed(22)))
        let sentences = (0..<40).map { _ in tables.randomWords(12) }
        var samples: [TextValues] = []
        for _ in 0..<10 {
            samples.append(TextValues((0..<200).map { _ in
                (0..<Int.random(in: 0...8, using: &tables.rng)).map { _ in sentences.randomElement(using: &tables.rng)! }
                    .joined(separator: " ") + EdgeValues.strings.randomElement(using: &tables.rng)!
            }))
        }
        samples.append(TextValues([String(repeating: "ab", count: 5000), "", String(repeating: "ab", count: 3000)]))
        for text in samples {
            let encoded = try #require(LongRange.encode(text))
            var r = ByteReader(encoded)
            var state = DecodeState()
            let back = try TextStream.decode(&r, count: text.count, state: &state)
            #expect(r.isAtEnd)
            #expect(back == text)
            #expect(state.ids.first == EncodingID.longRange.rawValue)
        }
        #expect(LongRange.encode(TextValues(["short"])) == nil)
    }
}
