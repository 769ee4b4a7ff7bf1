/// `0x03 bitpack`: frame of reference plus bit-packing.
///
/// ```
/// 03 | zigzag-varint base | u8 width (0…64) | ceil(n × width / 8) bytes
/// ```
/// Value i is `base + u_i` (64-bit wrapping) where `u_i` is the unsigned integer in bits
/// `[i × width, (i+1) × width)` of the packed bytes read as one little-endian bit string: bit j of the string is bit
/// `j mod 8` (least significant first) of byte `j / 8`. Unused high bits of the last byte are zero.
/// With base 0 this is plain bit-packing (booleans, validity, dictionary codes use width 1 or a few bits).
enum BitPacked {
    static func width(min: Int64, max: Int64) -> Int {
        let range = UInt64(bitPattern: max &- min)
        return 64 - range.leadingZeroBitCount
    }

    static func size(count: Int, min: Int64, max: Int64) -> Int {
        1 + varintSize(zigzagEncode(min)) + 1 + (count * width(min: min, max: max) + 7) / 8
    }

    static func encode(_ values: [Int64], min: Int64, max: Int64, into w: inout ByteWriter) {
        let width = width(min: min, max: max)
        w.u8(EncodingID.bitPacked.rawValue)
        w.zigzag(min)
        w.u8(UInt8(width))
        pack(values.lazy.map { UInt64(bitPattern: $0 &- min) }, width: width, into: &w)
    }

    /// Packs unsigned values of `width` bits, least significant bit first.
    static func pack<S: Sequence<UInt64>>(_ values: S, width: Int, into w: inout ByteWriter) {
        guard width > 0 else { return }
        var acc: UInt64 = 0
        var bits = 0
        for u in values {
            acc |= u << UInt64(bits)
            bits += width
            if bits >= 64 {
                w.u64(acc)
                bits -= 64
                acc = bits == 0 ? 0 : u >> UInt64(width - bits)
            }
        }
        while bits > 0 {
            w.u8(UInt8(truncatingIfNeeded: acc))
            acc >>= 8
            bits -= 8
        }
    }

    static func decode(_ r: inout ByteReader, count: Int) throws -> [Int64] {
        let base = try r.zigzag()
        let width = Int(try r.u8())
        guard width <= 64 else { throw FormatError("bit width \(width) exceeds 64") }
        let (total, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw FormatError("bit-packed size overflows") }
        let range = try r.take((total + 7) / 8)
        var out = [Int64](repeating: base, count: count)
        guard width > 0 else { return out }
        var bitReader = BitReader(bytes: r.bytes, position: range.lowerBound)
        for i in 0..<count {
            var u: UInt64
            if width <= 32 {
                u = bitReader.read(width)
            } else {
                u = bitReader.read(32)
                u |= bitReader.read(width - 32) << 32
            }
            out[i] = base &+ Int64(bitPattern: u)
        }
        guard bitReader.leftover == 0 else { throw FormatError("bit-packed padding bits are not zero") }
        return out
    }
}

/// Reads little-endian bit fields of up to 32 bits; the caller has checked the byte range.
struct BitReader {
    let bytes: [UInt8]
    var position: Int
    private var acc: UInt64 = 0
    private var have = 0

    init(bytes: [UInt8], position: Int) {
        self.bytes = bytes
        self.position = position
    }

    @inline(__always) mutating func read(_ k: Int) -> UInt64 {
        while have < k {
            acc |= UInt64(bytes[position]) << UInt64(have)
            position += 1
            have += 8
        }
        let v = acc & ((1 << UInt64(k)) &- 1)
        acc >>= UInt64(k)
        have -= k
        return v
    }

    /// The bits read from the last byte but not consumed.
    var leftover: UInt64 { acc }
}
