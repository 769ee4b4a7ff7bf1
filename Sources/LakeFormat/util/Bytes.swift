/// A decoding failure inside one structure, before the reader adds file, column, row group and offset.
struct FormatError: Error, Sendable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Appends little-endian integers, LEB128 varints and zigzag varints to a growing byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    @inline(__always) mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u32(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    mutating func u64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    /// Unsigned LEB128: 7 bits a byte, low groups first, high bit set on every byte but the last.
    @inline(__always) mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always) mutating func varint(_ value: Int) { varint(UInt64(value)) }

    /// Zigzag (`0,-1,1,-2,…` → `0,1,2,3,…`) then LEB128.
    @inline(__always) mutating func zigzag(_ value: Int64) { varint(zigzagEncode(value)) }

    mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }
    mutating func append<C: Collection<UInt8>>(contentsOf other: C) { bytes.append(contentsOf: other) }

    /// A varint length followed by the bytes.
    mutating func lengthPrefixed<C: Collection<UInt8>>(_ other: C) {
        varint(other.count)
        bytes.append(contentsOf: other)
    }
}

@inline(__always) func zigzagEncode(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
@inline(__always) func zigzagDecode(_ u: UInt64) -> Int64 { Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1) }

/// Bytes a value takes as an unsigned LEB128 varint.
@inline(__always) func varintSize(_ value: UInt64) -> Int {
    value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
}

/// Reads from a byte array with every access checked: a short or malformed input throws `FormatError`,
/// it never traps and never allocates more than the bytes that are there.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    @inline(__always) mutating func u8() throws -> UInt8 {
        guard position < end else { throw FormatError("unexpected end of data at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u32() throws -> UInt32 {
        guard remaining >= 4 else { throw FormatError("unexpected end of data reading 4 bytes at \(position)") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    mutating func u64() throws -> UInt64 {
        guard remaining >= 8 else { throw FormatError("unexpected end of data reading 8 bytes at \(position)") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    /// An unsigned LEB128 value of at most 10 bytes that fits 64 bits.
    @inline(__always) mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw FormatError("unexpected end of data inside a varint at \(position)") }
            let b = bytes[position]
            position += 1
            if shift == 63 && b > 1 { throw FormatError("varint overflows 64 bits at \(position - 1)") }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    @inline(__always) mutating func zigzag() throws -> Int64 { zigzagDecode(try varint()) }

    /// A varint that must be at most `limit` (a count or length checked before anything is sized by it).
    mutating func count(max limit: Int, _ what: @autoclosure () -> String) throws -> Int {
        let at = position
        let v = try varint()
        guard v <= UInt64(max(limit, 0)) else {
            throw FormatError("\(what()) \(v) at byte \(at) exceeds the limit \(limit)")
        }
        return Int(v)
    }

    /// The next `n` bytes as a range into `bytes`, checked against what remains.
    mutating func take(_ n: Int) throws -> Range<Int> {
        guard n >= 0, n <= remaining else {
            throw FormatError("needs \(n) bytes at \(position) but only \(remaining) remain")
        }
        defer { position += n }
        return position..<(position + n)
    }

    mutating func expectEnd(_ what: String) throws {
        guard position == end else { throw FormatError("\(end - position) unexpected trailing bytes after \(what)") }
    }
}
