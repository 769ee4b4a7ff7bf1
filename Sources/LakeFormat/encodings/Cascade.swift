/// What a page decode has seen so far: the encoding ids in preorder (compared with the footer's copy), the
/// nesting depth, and the decoded bytes spent against the page's budget.
struct DecodeState {
    var ids: [UInt8] = []
    var depth = 0
    var budget: Int

    init(budget: Int = FormatLimits.maxDecodedPageBytes) { self.budget = budget }

    /// Accounts for `bytes` more decoded bytes, refusing expansion past the format's page limit.
    mutating func spend(_ bytes: Int) throws {
        guard bytes <= budget else {
            throw FormatError("decoded page exceeds \(FormatLimits.maxDecodedPageBytes) bytes")
        }
        budget -= bytes
    }

    mutating func enter(_ id: UInt8) throws {
        ids.append(id)
        depth += 1
        guard depth <= FormatLimits.maxNesting else {
            throw FormatError("encodings nested deeper than \(FormatLimits.maxNesting)")
        }
    }
}

/// Which cascades an integer stream may still try; nested streams narrow it so the search stays small.
struct IntegerCandidates: OptionSet {
    let rawValue: UInt8
    static let delta = IntegerCandidates(rawValue: 1)
    static let runLength = IntegerCandidates(rawValue: 2)
    static let dictionary = IntegerCandidates(rawValue: 4)
    static let all: IntegerCandidates = [.delta, .runLength, .dictionary]
}

/// Chooses and decodes integer streams (also booleans, validity, codes and lengths).
enum IntegerStream {
    /// The smallest encoding found by trying every candidate on the values, cascading up to `depth` levels.
    static func encode(_ values: [Int64], depth: Int = 3, candidates: IntegerCandidates = .all) -> [UInt8] {
        var w = ByteWriter()
        guard let first = values.first else {
            PlainIntegers.encode([], into: &w)
            return w.bytes
        }
        var lo = first, hi = first, runs = 1
        var previous = first
        for v in values.dropFirst() {
            if v < lo { lo = v } else if v > hi { hi = v }
            if v != previous { runs += 1 }
            previous = v
        }
        if lo == hi {
            ConstantIntegers.encode(first, into: &w)
            return w.bytes
        }
        BitPacked.encode(values, min: lo, max: hi, into: &w)
        var best = w.bytes
        func consider(_ candidate: [UInt8]) { if candidate.count < best.count { best = candidate } }

        if VarintIntegers.size(values) < best.count {
            var v = ByteWriter()
            VarintIntegers.encode(values, into: &v)
            consider(v.bytes)
        }
        guard depth > 0 else { return best }
        let n = values.count
        if candidates.contains(.delta) && n >= 3 {
            let deltas = IntegerStream.encode(DeltaIntegers.deltas(values), depth: depth - 1,
                                              candidates: candidates.subtracting(.dictionary))
            var v = ByteWriter()
            DeltaIntegers.encode(first: first, deltas: deltas, into: &v)
            consider(v.bytes)
        }
        if candidates.contains(.runLength) && runs * 2 <= n {
            let (runValues, lengths) = RunLength.runs(values)
            let encodedValues = IntegerStream.encode(runValues, depth: depth - 1,
                                                     candidates: candidates.subtracting(.runLength))
            let encodedLengths = IntegerStream.encode(lengths, depth: depth - 1, candidates: [])
            var v = ByteWriter()
            RunLength.encode(runCount: runValues.count, values: encodedValues, lengths: encodedLengths, into: &v)
            consider(v.bytes)
        }
        if candidates.contains(.dictionary), n >= 4, let (entries, codes) = DictionaryEncoding.build(values, limit: n / 2) {
            let encodedEntries = IntegerStream.encode(entries, depth: depth - 1, candidates: [.delta])
            let encodedCodes = IntegerStream.encode(codes, depth: depth - 1, candidates: [.runLength])
            var v = ByteWriter()
            DictionaryEncoding.encode(id: .dictionary, entryCount: entries.count, entries: encodedEntries,
                                      codes: encodedCodes, into: &v)
            consider(v.bytes)
        }
        return best
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> [Int64] {
        let raw = try r.u8()
        try state.enter(raw)
        defer { state.depth -= 1 }
        try state.spend(count * 8)
        switch EncodingID(rawValue: raw) {
        case .plain: return try PlainIntegers.decode(&r, count: count)
        case .varint: return try VarintIntegers.decode(&r, count: count)
        case .constant: return try ConstantIntegers.decode(&r, count: count)
        case .bitPacked: return try BitPacked.decode(&r, count: count)
        case .delta: return try DeltaIntegers.decode(&r, count: count, state: &state)
        case .runLength: return try RunLength.decode(&r, count: count, state: &state)
        case .dictionary: return try DictionaryEncoding.decodeIntegers(&r, count: count, state: &state)
        default: throw FormatError("encoding id 0x\(String(raw, radix: 16)) is not an integer encoding")
        }
    }
}

/// Which text encodings a stream may try.
struct TextCandidates: OptionSet {
    let rawValue: UInt8
    static let dictionary = TextCandidates(rawValue: 1)
    static let fsst = TextCandidates(rawValue: 2)
    static let digits = TextCandidates(rawValue: 4)
    static let all: TextCandidates = [.dictionary, .fsst, .digits]
}

/// Chooses and decodes text streams.
enum TextStream {
    /// FSST is tried only for text with at least this many bytes; a table costs up to ~2 KB.
    static let fsstMinimumBytes = 256

    static func encode(_ text: TextValues, depth: Int = 2, candidates: TextCandidates = .all) -> [UInt8] {
        var w = ByteWriter(capacity: text.bytes.count + 16)
        let lengths = IntegerStream.encode(text.lengths, depth: 2)
        PlainText.encode(lengths: lengths, bytes: text.bytes[...], into: &w)
        var best = w.bytes
        guard depth > 0 else { return best }
        let n = text.count
        if candidates.contains(.dictionary), n >= 4, let (entries, codes) = DictionaryEncoding.build(text, limit: n / 2) {
            let encodedEntries = TextStream.encode(entries, depth: depth - 1, candidates: candidates.subtracting(.dictionary))
            let encodedCodes = IntegerStream.encode(codes, depth: 2, candidates: [.runLength])
            var v = ByteWriter()
            DictionaryEncoding.encode(id: .textDictionary, entryCount: entries.count, entries: encodedEntries,
                                      codes: encodedCodes, into: &v)
            if v.count < best.count { best = v.bytes }
        }
        if candidates.contains(.digits), let (widths, values) = DigitText.split(text) {
            var v = ByteWriter()
            DigitText.encode(widths: IntegerStream.encode(widths, depth: 2),
                             values: IntegerStream.encode(values, depth: 3), into: &v)
            if v.count < best.count { best = v.bytes }
        }
        if candidates.contains(.fsst) && text.bytes.count >= fsstMinimumBytes {
            let table = FSST.buildTable(text)
            let candidate = FSST.encode(text, table: table) { IntegerStream.encode($0, depth: 2) }
            if candidate.count < best.count { best = candidate }
        }
        return best
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> TextValues {
        let raw = try r.u8()
        try state.enter(raw)
        defer { state.depth -= 1 }
        try state.spend(count * 8)
        switch EncodingID(rawValue: raw) {
        case .textPlain: return try PlainText.decode(&r, count: count, state: &state)
        case .textDictionary: return try DictionaryEncoding.decodeText(&r, count: count, state: &state)
        case .fsst: return try FSST.decode(&r, count: count, state: &state)
        case .longRange: return try LongRange.decode(&r, count: count, state: &state)
        case .digits: return try DigitText.decode(&r, count: count, state: &state)
        default: throw FormatError("encoding id 0x\(String(raw, radix: 16)) is not a text encoding")
        }
    }
}

/// Chooses and decodes float64 streams.
enum FloatStream {
    static func encode(_ values: [Double]) -> [UInt8] {
        var w = ByteWriter()
        w.u8(EncodingID.floatBits.rawValue)
        w.append(IntegerStream.encode(FloatBits.patterns(values), depth: 2, candidates: [.runLength, .dictionary]))
        var best = w.bytes
        if !values.isEmpty, let (exponent, integers) = FloatScaled.scale(values) {
            var v = ByteWriter()
            v.u8(EncodingID.floatScaled.rawValue)
            v.u8(UInt8(exponent))
            v.append(IntegerStream.encode(integers, depth: 3))
            if v.count < best.count { best = v.bytes }
        }
        return best
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> [Double] {
        let raw = try r.u8()
        try state.enter(raw)
        defer { state.depth -= 1 }
        switch EncodingID(rawValue: raw) {
        case .floatBits: return try FloatBits.decode(&r, count: count, state: &state)
        case .floatScaled: return try FloatScaled.decode(&r, count: count, state: &state)
        default: throw FormatError("encoding id 0x\(String(raw, radix: 16)) is not a float64 encoding")
        }
    }
}
