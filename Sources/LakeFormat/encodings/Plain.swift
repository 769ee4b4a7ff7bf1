/// `0x00 plain` integers: each value as 8 bytes, little-endian two's complement.
///
/// ```
/// 00 | v0 (8 bytes LE) | v1 (8 bytes LE) | …      n values, n known from the parent
/// ```
enum PlainIntegers {
    static func encode(_ values: [Int64], into w: inout ByteWriter) {
        w.u8(EncodingID.plain.rawValue)
        for v in values { w.u64(UInt64(bitPattern: v)) }
    }

    static func decode(_ r: inout ByteReader, count: Int) throws -> [Int64] {
        let range = try r.take(count * 8)
        var out = [Int64](repeating: 0, count: count)
        var p = range.lowerBound
        for i in 0..<count {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(r.bytes[p + k]) << (8 * UInt64(k)) }
            out[i] = Int64(bitPattern: v)
            p += 8
        }
        return out
    }
}
