/// A run of text values as one byte buffer plus `count + 1` offsets, the shape of `ColumnVector` text.
struct TextValues: Equatable {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]

    init() {}

    init(capacity: Int, bytes byteCapacity: Int) {
        offsets.reserveCapacity(capacity + 1)
        bytes.reserveCapacity(byteCapacity)
    }

    init(_ strings: [String]) {
        for s in strings { append(ArraySlice(s.utf8)) }
    }

    var count: Int { offsets.count - 1 }

    subscript(i: Int) -> ArraySlice<UInt8> { bytes[offsets[i]..<offsets[i + 1]] }

    @inline(__always) func length(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }

    mutating func append(_ s: ArraySlice<UInt8>) {
        bytes.append(contentsOf: s)
        offsets.append(bytes.count)
    }

    var lengths: [Int64] { (0..<count).map { Int64(length($0)) } }
}

/// A text value as a dictionary key, hashed a word at a time (the standard hasher feeds `ArraySlice<UInt8>` byte by
/// byte, which dominated encoding of long text).
struct TextKey: Hashable {
    let slice: ArraySlice<UInt8>
    let hash: UInt64

    init(_ slice: ArraySlice<UInt8>) {
        self.slice = slice
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(slice.count)
        slice.withUnsafeBytes { raw in
            var p = 0
            while p + 8 <= raw.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)) &* 0xff51_afd7_ed55_8ccd
                h ^= h >> 29
                p += 8
            }
            while p < raw.count {
                h = (h ^ UInt64(raw[p])) &* 0x100_0000_01b3
                p += 1
            }
        }
        hash = h
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    static func == (a: TextKey, b: TextKey) -> Bool { a.hash == b.hash && a.slice == b.slice }
}
