/// `0x20 bits`: each float64 as its IEEE 754 bit pattern, read as a signed 64-bit integer, in a nested stream.
///
/// ```
/// 20 | integer stream of n bit patterns
/// ```
/// With a `plain` child this is 8 bytes per value; repeated values cascade to `dict` or `rle`. NaN payloads,
/// infinities and -0.0 survive bit for bit.
enum FloatBits {
    static func patterns(_ values: [Double]) -> [Int64] { values.map { Int64(bitPattern: $0.bitPattern) } }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> [Double] {
        try IntegerStream.decode(&r, count: count, state: &state).map { Double(bitPattern: UInt64(bitPattern: $0)) }
    }
}
