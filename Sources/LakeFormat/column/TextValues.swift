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
