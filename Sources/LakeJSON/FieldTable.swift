/// The keys of the `data` object that a pipeline wants, built once and matched as bytes against every record.
///
/// Lookup hashes the key's length and three unaligned 8-byte words (start, middle, end) and probes an
/// open-addressing table kept at most a quarter full, so a key that is not wanted usually costs one hash and one
/// empty bucket, and a wanted key one hash, one bucket and one byte comparison. Keys in this data share long
/// prefixes (`realEstate_address_geoHierarchy_…`), which is why the middle and end words take part.
public struct FieldTable: Sendable {
    struct Bucket {
        /// Full hash of the key, or 0 for an empty bucket (a real hash of 0 is stored as 1).
        var hash: UInt64
        /// Slot index, i.e. the position of the name in `fieldNames`.
        var field: Int32
        var keyStart: Int32
        var keyLength: Int32
    }

    /// The wanted names, in slot order.
    public let fieldNames: [String]
    let buckets: [Bucket]
    let keyBytes: [UInt8]
    let bucketMask: Int

    /// Builds the table; slot `i` of a scan holds the value of `fieldNames[i]`.
    ///
    /// Names are compared as their UTF-8 bytes, exactly (no Unicode normalisation). They must be distinct.
    public init(fieldNames: [String]) {
        self.fieldNames = fieldNames
        var size = 8
        while size < fieldNames.count * 4 { size *= 2 }
        var buckets = [Bucket](repeating: Bucket(hash: 0, field: -1, keyStart: 0, keyLength: 0), count: size)
        var keyBytes: [UInt8] = []
        for (field, name) in fieldNames.enumerated() {
            let utf8 = Array(name.utf8)
            let start = keyBytes.count
            keyBytes.append(contentsOf: utf8)
            let hash = utf8.withUnsafeBufferPointer {
                Self.hash($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count)
            }
            var index = Int(truncatingIfNeeded: hash >> 32) & (size - 1)
            while buckets[index].hash != 0 {
                let other = buckets[index]
                precondition(
                    !(other.hash == hash
                        && Array(keyBytes[Int(other.keyStart)..<Int(other.keyStart + other.keyLength)]) == utf8),
                    "FieldTable: field name \"\(name)\" appears twice"
                )
                index = (index + 1) & (size - 1)
            }
            buckets[index] = Bucket(
                hash: hash,
                field: Int32(field),
                keyStart: Int32(start),
                keyLength: Int32(utf8.count)
            )
        }
        self.buckets = buckets
        self.keyBytes = keyBytes
        self.bucketMask = size - 1
    }

    /// The number of slots a scan fills.
    public var count: Int { fieldNames.count }

    /// The slot of a field name, or nil when it is not wanted.
    public func slot(of name: String) -> Int? {
        var utf8 = Array(name.utf8)
        return utf8.withUnsafeMutableBufferPointer { key in
            buckets.withUnsafeBufferPointer { b in
                keyBytes.withUnsafeBufferPointer { k in
                    let field = FieldLookup(buckets: b.baseAddress!, keyBytes: k.baseAddress, mask: bucketMask)
                        .field(key.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!, key.count)
                    return field >= 0 ? field : nil
                }
            }
        }
    }

    /// Hash of a key's bytes; never 0.
    @inline(__always)
    static func hash(_ key: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        if count >= 8 {
            h ^= loadWord(key) &* 0xC2B2_AE3D_27D4_EB4F
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
            h ^= loadWord(key + (count >> 1) - 4) &* 0x94D0_49BB_1331_11EB
            h = (h ^ (h >> 31)) &* 0xC2B2_AE3D_27D4_EB4F
            h ^= loadWord(key + count - 8)
        } else {
            var word: UInt64 = 0
            for i in 0..<count { word |= UInt64(key[i]) << (8 * UInt64(i)) }
            h ^= word
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h == 0 ? 1 : h
    }
}

/// The table seen through pointers, for the scanner's inner loop (no bounds checks, no retain/release).
struct FieldLookup {
    let buckets: UnsafePointer<FieldTable.Bucket>
    let keyBytes: UnsafePointer<UInt8>?
    let mask: Int

    /// The slot of the key `key[0..<count]`, or -1.
    @inline(__always)
    func field(_ key: UnsafePointer<UInt8>, _ count: Int) -> Int {
        let hash = FieldTable.hash(key, count)
        var index = Int(truncatingIfNeeded: hash >> 32) & mask
        while true {
            let bucket = buckets[index]
            if bucket.hash == 0 { return -1 }
            if bucket.hash == hash && Int(bucket.keyLength) == count
                && (count == 0 || equalBytes(keyBytes.unsafelyUnwrapped + Int(bucket.keyStart), key, count))
            {
                return Int(bucket.field)
            }
            index = (index + 1) & mask
        }
    }

    @inline(__always)
    private func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i + 8 <= count {
            if loadWord(a + i) != loadWord(b + i) { return false }
            i += 8
        }
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}
