/// `0x21 scaled`: float64 values that are decimal numbers with at most e fraction digits, as integers.
///
/// ```
/// 21 | u8 e (0…18) | integer stream of n integers k
/// ```
/// Value i is the IEEE 754 double division `Double(k_i) / 10^e` (10^e is exact as a double for e ≤ 18; the
/// conversion of k to double rounds to nearest-even). The writer uses it only when that reproduces every value
/// bit for bit, so -0.0, NaN and infinities keep a column on `bits`. Coordinates like 52.520008 become 8-digit
/// integers that frame-of-reference packs in ~20 bits.
enum FloatScaled {
    static let powers: [Double] = (0...18).map { e in (0..<e).reduce(1.0) { r, _ in r * 10 } }

    /// The smallest exponent that reproduces every value exactly, with the integers; nil when there is none.
    static func scale(_ values: [Double]) -> (exponent: Int, integers: [Int64])? {
        var exponent = 0
        for v in values {
            guard v.isFinite, !(v == 0 && v.sign == .minus) else { return nil }
            while exponent <= 18 && !exact(v, exponent) { exponent += 1 }
            guard exponent <= 18 else { return nil }
        }
        var out = [Int64]()
        out.reserveCapacity(values.count)
        let p = powers[exponent]
        for v in values {
            guard exact(v, exponent) else { return nil }
            out.append(Int64((v * p).rounded()))
        }
        return (exponent, out)
    }

    @inline(__always) static func exact(_ v: Double, _ e: Int) -> Bool {
        let scaled = (v * powers[e]).rounded()
        guard abs(scaled) < 9.0e15 else { return false }
        return (Double(Int64(scaled)) / powers[e]).bitPattern == v.bitPattern
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> [Double] {
        let e = Int(try r.u8())
        guard e <= 18 else { throw FormatError("decimal exponent \(e) exceeds 18") }
        let p = powers[e]
        return try IntegerStream.decode(&r, count: count, state: &state).map { Double($0) / p }
    }
}
