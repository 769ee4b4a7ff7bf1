/// `0x02 constant` integers: every one of the n values is the same.
///
/// ```
/// 02 | zigzag-varint value
/// ```
enum ConstantIntegers {
    static func encode(_ value: Int64, into w: inout ByteWriter) {
        w.u8(EncodingID.constant.rawValue)
        w.zigzag(value)
    }

    static func decode(_ r: inout ByteReader, count: Int) throws -> [Int64] {
        [Int64](repeating: try r.zigzag(), count: count)
    }
}
