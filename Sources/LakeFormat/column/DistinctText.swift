#if canImport(Glibc)
internal import Glibc
#endif

/// The distinct values among text stored as one byte buffer plus offsets (`TextValues`, `ColumnVector` text): an
/// open-addressing table of each distinct value's first index, hashed a word at a time.
///
/// A `Set` of slices did the same through the standard hasher, which seeds, mixes and finalizes SipHash for every
/// insert on top of the word-at-a-time hash, and retained the buffer for every key's slice: ~6% of the writers'
/// CPU in ingest (`perf record`), where every text page asks for its distinct count and most build a dictionary.
struct DistinctText {
    /// First index + 1 of the value in each slot; 0 is empty.
    private var slots: [Int32]
    private var hashes: [UInt64]
    private var mask: Int
    /// How many distinct values were inserted.
    private(set) var count = 0

    /// A table for up to `capacity` distinct values without growing (it grows past that).
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        hashes = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// Inserts value `i` of `bytes`/`offsets`; returns the index of the first value equal to it (`i` when new).
    mutating func insert(_ i: Int, bytes: UnsafeBufferPointer<UInt8>, offsets: UnsafeBufferPointer<Int>) -> Int {
        let start = offsets[i], length = offsets[i + 1] - start
        let value = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<start + length])
        let h = DistinctText.hash(value)
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[s] != 0 {
            let j = Int(slots[s]) - 1
            if hashes[s] == h, offsets[j + 1] - offsets[j] == length,
               length == 0 || memcmp(value.baseAddress!, bytes.baseAddress! + offsets[j], length) == 0 {
                return j
            }
            s = (s + 1) & mask
        }
        slots[s] = Int32(i + 1)
        hashes[s] = h
        count += 1
        if count * 2 > slots.count { grow() }
        return i
    }

    private mutating func grow() {
        let oldSlots = slots, oldHashes = hashes
        slots = Array(repeating: 0, count: oldSlots.count * 2)
        hashes = Array(repeating: 0, count: oldSlots.count * 2)
        mask = slots.count - 1
        for (k, first) in oldSlots.enumerated() where first != 0 {
            var s = Int(truncatingIfNeeded: oldHashes[k]) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = first
            hashes[s] = oldHashes[k]
        }
    }

    /// The hash of a value's bytes, a word at a time in four independent lanes (one lane's chain of multiplies ran
    /// at about a byte a cycle, and long descriptions are hashed whole).
    static func hash(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        @inline(__always) func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
            let m = (h ^ w) &* 0xff51_afd7_ed55_8ccd
            return m ^ (m >> 29)
        }
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(raw.count)
        var p = 0
        if raw.count >= 32 {
            var a = h, b = h &+ 1, c = h &+ 2, d = h &+ 3
            while p + 32 <= raw.count {
                a = mix(a, raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
                b = mix(b, raw.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self))
                c = mix(c, raw.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self))
                d = mix(d, raw.loadUnaligned(fromByteOffset: p + 24, as: UInt64.self))
                p += 32
            }
            h = mix(mix(mix(a, b), c), d)
        }
        while p + 8 <= raw.count {
            h = mix(h, raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
            p += 8
        }
        while p < raw.count {
            h = (h ^ UInt64(raw[p])) &* 0x100_0000_01b3
            p += 1
        }
        // The table takes the low bits: fold the high ones in.
        return h ^ (h >> 32)
    }
}
