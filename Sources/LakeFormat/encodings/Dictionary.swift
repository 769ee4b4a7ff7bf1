/// `0x06 dict` (integers) and `0x11 dict` (text): the distinct values once, then one code per value.
///
/// ```
/// 06 | varint d (1 ≤ d ≤ n) | integer stream of d distinct values (ascending) | integer stream of n codes
/// 11 | varint d (1 ≤ d ≤ n) | text stream of d distinct values (byte-wise ascending) | integer stream of n codes
/// ```
/// Code c (0 ≤ c < d) stands for dictionary entry c. Codes cascade to bit-packing or run-length; entries cascade
/// to delta (integers) or FSST (text).
enum DictionaryEncoding {
    /// Sorted distinct values and the code of each value, or nil when there are more than `limit` distinct values.
    static func build(_ values: [Int64], limit: Int) -> (entries: [Int64], codes: [Int64])? {
        var seen: [Int64: Int64] = [:]
        for v in values where seen[v] == nil {
            guard seen.count < limit else { return nil }
            seen[v] = 0
        }
        let entries = seen.keys.sorted()
        for (i, v) in entries.enumerated() { seen[v] = Int64(i) }
        return (entries, values.map { seen[$0]! })
    }

    static func build(_ text: TextValues, limit: Int) -> (entries: TextValues, codes: [Int64])? {
        var distinct = DistinctText(capacity: min(text.count, limit + 1))
        var first = [Int](repeating: 0, count: text.count)
        var firsts: [Int] = []
        let fits = text.bytes.withUnsafeBufferPointer { bytes in
            text.offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<text.count {
                    first[i] = distinct.insert(i, bytes: bytes, offsets: offsets)
                    if first[i] == i {
                        guard distinct.count <= limit else { return false }
                        firsts.append(i)
                    }
                }
                return true
            }
        }
        guard fits else { return nil }
        firsts.sort { text[$0].lexicographicallyPrecedes(text[$1]) }
        var code = [Int64](repeating: 0, count: text.count)  // by the index of a value's first occurrence
        var entries = TextValues()
        for (rank, f) in firsts.enumerated() {
            code[f] = Int64(rank)
            entries.append(text[f])
        }
        return (entries, first.map { code[$0] })
    }

    /// The number of distinct values, or nil as soon as it passes `limit` (no codes or entries are built).
    static func distinctCount(_ text: TextValues, limit: Int) -> Int? {
        var distinct = DistinctText(capacity: min(text.count, limit + 1))
        return text.bytes.withUnsafeBufferPointer { bytes in
            text.offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<text.count {
                    _ = distinct.insert(i, bytes: bytes, offsets: offsets)
                    if distinct.count > limit { return nil }
                }
                return distinct.count
            }
        }
    }

    static func encode(id: EncodingID, entryCount: Int, entries: [UInt8], codes: [UInt8], into w: inout ByteWriter) {
        w.u8(id.rawValue)
        w.varint(entryCount)
        w.append(entries)
        w.append(codes)
    }

    static func readCodes(_ r: inout ByteReader, count: Int, entries d: Int, state: inout DecodeState) throws -> [Int64] {
        let codes = try IntegerStream.decode(&r, count: count, state: &state)
        for c in codes where c < 0 || c >= Int64(d) {
            throw FormatError("dictionary code \(c) outside the \(d) entries")
        }
        return codes
    }

    static func decodeIntegers(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> [Int64] {
        let d = try r.count(max: count, "dictionary size")
        guard d >= 1 || count == 0 else { throw FormatError("empty dictionary for \(count) values") }
        let entries = try IntegerStream.decode(&r, count: d, state: &state)
        let codes = try readCodes(&r, count: count, entries: d, state: &state)
        return codes.map { entries[Int($0)] }
    }

    static func decodeText(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> TextValues {
        let d = try r.count(max: count, "dictionary size")
        guard d >= 1 || count == 0 else { throw FormatError("empty dictionary for \(count) values") }
        let entries = try TextStream.decode(&r, count: d, state: &state)
        let codes = try readCodes(&r, count: count, entries: d, state: &state)
        var total = 0
        for c in codes { total += entries.length(Int(c)) }
        try state.spend(total)
        var out = TextValues(capacity: count, bytes: total)
        for c in codes { out.append(entries[Int(c)]) }
        return out
    }
}
