/// `0x04 delta`: the first value, then the differences between neighbours as a nested integer stream.
///
/// ```
/// 04 | zigzag-varint v0 | integer stream of the n-1 values v[i] - v[i-1] (64-bit wrapping)
/// ```
/// Sorted ids and timestamps become small or constant deltas, which the nested stream bit-packs or stores as
/// `constant`. n must be at least 1.
enum DeltaIntegers {
    static func deltas(_ values: [Int64]) -> [Int64] {
        var out = [Int64]()
        out.reserveCapacity(max(values.count - 1, 0))
        var prev = values[0]
        for v in values.dropFirst() {
            out.append(v &- prev)
            prev = v
        }
        return out
    }

    static func encode(first: Int64, deltas encoded: [UInt8], into w: inout ByteWriter) {
        w.u8(EncodingID.delta.rawValue)
        w.zigzag(first)
        w.append(encoded)
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> [Int64] {
        guard count >= 1 else { throw FormatError("delta stream with no values") }
        let first = try r.zigzag()
        let deltas = try IntegerStream.decode(&r, count: count - 1, state: &state)
        var out = [Int64]()
        out.reserveCapacity(count)
        var v = first
        out.append(v)
        for d in deltas {
            v = v &+ d
            out.append(v)
        }
        return out
    }
}
