/// `0x01 varint` integers: each value zigzag-mapped then written as an unsigned LEB128 varint.
///
/// ```
/// 01 | zigzag-varint v0 | zigzag-varint v1 | …      n values
/// ```
/// Wins over bit-packing when most values are small and a few are large.
enum VarintIntegers {
    static func size(_ values: [Int64]) -> Int {
        var total = 1
        for v in values { total += varintSize(zigzagEncode(v)) }
        return total
    }

    static func encode(_ values: [Int64], into w: inout ByteWriter) {
        w.u8(EncodingID.varint.rawValue)
        for v in values { w.zigzag(v) }
    }

    static func decode(_ r: inout ByteReader, count: Int) throws -> [Int64] {
        // Every value takes at least one byte: refuse a count the bytes cannot hold before allocating.
        guard count <= r.remaining else { throw FormatError("varint stream of \(count) values in \(r.remaining) bytes") }
        var out = [Int64]()
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try r.zigzag()) }
        return out
    }
}
