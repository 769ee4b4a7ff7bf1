/// `0x14 digits` text: values made only of ASCII digits (postcodes, ids kept as text), as integers plus their
/// widths so that leading zeros survive.
///
/// ```
/// 14 | integer stream of n widths (0…18) | integer stream of n values (0 ≤ value < 10^width)
/// ```
/// Value i is `value_i` in decimal, left-padded with `0` to `width_i` digits; width 0 is the empty string (value 0).
enum DigitText {
    static let maxWidth = 18

    /// Widths and values when every value is 0–18 ASCII digits, else nil.
    static func split(_ text: TextValues) -> (widths: [Int64], values: [Int64])? {
        guard text.count > 0 else { return nil }
        var widths: [Int64] = []
        var values: [Int64] = []
        widths.reserveCapacity(text.count)
        values.reserveCapacity(text.count)
        var start = 0
        for end in text.offsets.dropFirst() {
            let width = end - start
            guard width <= maxWidth else { return nil }
            var value: Int64 = 0
            for k in start..<end {
                let b = text.bytes[k]
                guard b >= 0x30 && b <= 0x39 else { return nil }
                value = value * 10 + Int64(b - 0x30)
            }
            widths.append(Int64(width))
            values.append(value)
            start = end
        }
        return (widths, values)
    }

    static func encode(widths: [UInt8], values: [UInt8], into w: inout ByteWriter) {
        w.u8(EncodingID.digits.rawValue)
        w.append(widths)
        w.append(values)
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> TextValues {
        let widths = try IntegerStream.decode(&r, count: count, state: &state)
        var total = 0
        for width in widths {
            guard width >= 0, width <= Int64(maxWidth) else { throw FormatError("digit width \(width) outside 0…18") }
            total += Int(width)
        }
        try state.spend(total)
        let values = try IntegerStream.decode(&r, count: count, state: &state)
        var out = TextValues(capacity: count, bytes: total)
        var digits = [UInt8](repeating: 0x30, count: maxWidth)
        for (width, value) in zip(widths, values) {
            guard value >= 0, value < powersOfTen[Int(width)] else {
                throw FormatError("digit value \(value) does not fit \(width) digits")
            }
            var v = value
            var k = Int(width)
            while k > 0 {
                k -= 1
                digits[k] = UInt8(0x30 + v % 10)
                v /= 10
            }
            out.append(digits[0..<Int(width)])
        }
        return out
    }

    /// 10^0 … 10^18.
    static let powersOfTen: [Int64] = (0...18).map { e in (0..<e).reduce(Int64(1)) { p, _ in p * 10 } }
}
