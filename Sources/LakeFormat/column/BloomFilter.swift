internal import LakeCore

/// A classic Bloom filter over one column's non-NULL values in a file (FORMAT.md, "Bloom filters").
///
/// ```
/// varint column index | u8 k (1…16) | varint m/8 (bytes, ≥ 1) | m/8 bytes of bits
/// ```
/// A value's key bytes (8 bytes LE for integers and float bit patterns, UTF-8 for text) hash to
/// `h = fmix64(fnv1a64(key))`; it sets bits `(h1 + i × h2) mod m` for i in 0..<k, with `h1 = h mod 2^32`,
/// `h2 = h >> 32`, in 64-bit wrapping arithmetic. Bit b is bit `b mod 8` of byte `b / 8`.
struct BloomFilter: Equatable {
    static let bitsPerKey = 10
    static let hashCount = 7

    var hashes: Int
    var bits: [UInt8]

    /// A filter sized for `keys` distinct hashes, about 1 % false positives.
    init(hashes keys: Set<UInt64>) {
        hashes = Self.hashCount
        let bytes = max(8, (keys.count * Self.bitsPerKey + 7) / 8)
        bits = [UInt8](repeating: 0, count: bytes)
        for h in keys.sorted() { insert(h) }
    }

    init(hashes: Int, bits: [UInt8]) {
        self.hashes = hashes
        self.bits = bits
    }

    mutating func insert(_ h: UInt64) {
        let m = UInt64(bits.count * 8)
        for i in 0..<UInt64(hashes) {
            let b = Int(((h & 0xffff_ffff) &+ i &* (h >> 32)) % m)
            bits[b >> 3] |= 1 << UInt8(b & 7)
        }
    }

    func mightContain(_ h: UInt64) -> Bool {
        let m = UInt64(bits.count * 8)
        for i in 0..<UInt64(hashes) {
            let b = Int(((h & 0xffff_ffff) &+ i &* (h >> 32)) % m)
            if bits[b >> 3] & (1 << UInt8(b & 7)) == 0 { return false }
        }
        return true
    }

    static func fmix64(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    static func hash<C: Collection<UInt8>>(bytes: C) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return fmix64(h)
    }

    static func hash(integer v: Int64) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let u = UInt64(bitPattern: v)
        for k in 0..<8 {
            h ^= (u >> UInt64(8 * k)) & 0xff
            h = h &* 0x0000_0100_0000_01b3
        }
        return fmix64(h)
    }

    /// Floats hash their bit pattern with -0.0 as 0.0 and every NaN as 0x7FF8000000000000.
    static func hash(double d: Double) -> UInt64 {
        let bits: UInt64 = d.isNaN ? 0x7ff8_0000_0000_0000 : (d == 0 ? 0 : d.bitPattern)
        return hash(integer: Int64(bitPattern: bits))
    }

    /// The hash of row `row` of a column (not NULL).
    static func hash(_ column: ColumnVector, row: Int) -> UInt64 {
        switch column.type {
        case .float64: return hash(double: column.doubles[row])
        case .text: return hash(bytes: column.utf8(row))
        default: return hash(integer: column.integers[row])
        }
    }

    /// The hash of a lookup value for a column of `type`, or nil when the value cannot be compared with it.
    static func hash(_ value: Value, type: ColumnType) -> UInt64? {
        switch (value, type) {
        case (.text(let s), .text): return hash(bytes: s.utf8)
        case (.double(let d), .float64): return hash(double: d)
        case (.bool(let b), .bool): return hash(integer: b ? 1 : 0)
        case (.int(let i), _) where type.isIntegerBacked: return hash(integer: i)
        case (.decimal(let v, let s), .decimal(let scale)) where s == scale: return hash(integer: v)
        case (.timestamp(let t), .timestamp): return hash(integer: t)
        case (.date(let d), .date): return hash(integer: Int64(d))
        default: return nil
        }
    }
}
