/// `0x13 lz`: long-range copies for text with repeated passages (agency boilerplate, template sentences).
///
/// ```
/// 13 | integer stream of n value lengths
///    | varint m (number of copies)
///    | integer stream of m literal run lengths
///    | integer stream of m copy distances (≥ 1)
///    | integer stream of m copy lengths (≥ 1)
///    | literal bytes: sum(value lengths) − sum(copy lengths) bytes
/// ```
/// The n values are decoded as one byte string S of `T = sum(value lengths)` bytes, then split by the value
/// lengths. S is built by m steps of "append the next literal-run-length literal bytes, then append copy-length
/// bytes starting copy-distance bytes back in S (byte by byte, so a copy may overlap itself)", followed by the
/// remaining literal bytes. Deflate only looks 32 KB back; this finds repeats anywhere in the page, and deflate then
/// compresses the literals.
enum LongRange {
    /// Repeats shorter than this are left to deflate.
    static let minimumMatch = 32
    /// Only text of at least this many bytes is worth the matcher.
    static let minimumBytes = 4096

    struct Copies {
        var literalRuns: [Int64] = []
        var distances: [Int64] = []
        var lengths: [Int64] = []
        var literals: [UInt8] = []
    }

    /// Greedy matching with a hash of the 32 bytes at every position, looked up against positions that are
    /// multiples of 8, then extended both ways.
    static func findCopies(_ s: [UInt8]) -> Copies {
        var out = Copies()
        let n = s.count
        let k = minimumMatch
        guard n >= k * 2 else {
            out.literals = s
            return out
        }
        var bits = 12
        while (1 << bits) < n / 4 && bits < 22 { bits += 1 }
        var table = [Int32](repeating: -1, count: 1 << bits)
        let mask = UInt64((1 << bits) - 1)
        let base: UInt64 = 0x100_0000_01b3
        var top: UInt64 = 1
        for _ in 0..<(k - 1) { top = top &* base }
        s.withUnsafeBufferPointer { b in
            func hashAt(_ p: Int) -> UInt64 {
                var h: UInt64 = 0
                for i in 0..<k { h = h &* base &+ UInt64(b[p + i]) }
                return h
            }
            @inline(__always) func slot(_ h: UInt64) -> Int { Int((h &* 0x9e37_79b9_7f4a_7c15) >> 40 & mask) }
            var literalStart = 0
            var p = 0
            var h = hashAt(0)
            while p + k <= n {
                let candidate = Int(table[slot(h)])
                if candidate >= 0 && candidate < p {
                    var length = 0
                    while length < k && b[candidate + length] == b[p + length] { length += 1 }
                    if length == k {
                        var c = candidate
                        var q = p
                        while q + length < n && b[c + length] == b[q + length] { length += 1 }
                        while q > literalStart && c > 0 && b[c - 1] == b[q - 1] { q -= 1; c -= 1; length += 1 }
                        out.literalRuns.append(Int64(q - literalStart))
                        out.distances.append(Int64(q - c))
                        out.lengths.append(Int64(length))
                        out.literals.append(contentsOf: b[literalStart..<q])
                        p = q + length
                        literalStart = p
                        if p + k <= n { h = hashAt(p) }
                        continue
                    }
                }
                if p & 7 == 0 { table[slot(h)] = Int32(p) }
                if p + k < n { h = (h &- UInt64(b[p]) &* top) &* base &+ UInt64(b[p + k]) }
                p += 1
            }
            out.literals.append(contentsOf: b[literalStart..<n])
        }
        return out
    }

    static func encode(_ text: TextValues) -> [UInt8]? {
        guard text.bytes.count >= minimumBytes else { return nil }
        let copies = findCopies(text.bytes)
        guard !copies.lengths.isEmpty else { return nil }
        var w = ByteWriter(capacity: copies.literals.count + 4 * copies.lengths.count + 64)
        w.u8(EncodingID.longRange.rawValue)
        w.append(IntegerStream.encode(text.lengths, depth: 2))
        w.varint(copies.lengths.count)
        w.append(IntegerStream.encode(copies.literalRuns, depth: 2))
        w.append(IntegerStream.encode(copies.distances, depth: 2))
        w.append(IntegerStream.encode(copies.lengths, depth: 2))
        w.append(copies.literals)
        return w.bytes
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> TextValues {
        let valueLengths = try IntegerStream.decode(&r, count: count, state: &state)
        var total = 0
        for l in valueLengths {
            guard l >= 0, l <= Int64(FormatLimits.maxDecodedPageBytes - total) else {
                throw FormatError("lz value lengths exceed the page limit")
            }
            total += Int(l)
        }
        try state.spend(total)
        // Each copy takes at least three bytes of the page, which bounds m before anything is sized by it.
        let m = try r.count(max: r.remaining / 3, "lz copy count")
        let runs = try IntegerStream.decode(&r, count: m, state: &state)
        let distances = try IntegerStream.decode(&r, count: m, state: &state)
        let lengths = try IntegerStream.decode(&r, count: m, state: &state)
        var copied = 0
        for l in lengths {
            guard l >= 1, l <= Int64(total - copied) else { throw FormatError("lz copies exceed the \(total) bytes") }
            copied += Int(l)
        }
        let literalRange = try r.take(total - copied)
        var s = [UInt8](repeating: 0, count: total)
        var produced = 0
        var literal = literalRange.lowerBound
        try r.bytes.withUnsafeBufferPointer { input in
            try s.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                for i in 0..<m {
                    let run = runs[i], distance = distances[i], length = Int(lengths[i])
                    guard run >= 0, run <= Int64(literalRange.upperBound - literal), run <= Int64(total - produced - length) else {
                        throw FormatError("lz literal run exceeds the literal bytes")
                    }
                    (base + produced).update(from: input.baseAddress! + literal, count: Int(run))
                    produced += Int(run)
                    literal += Int(run)
                    guard distance >= 1, distance <= Int64(produced) else {
                        throw FormatError("lz copy distance \(distance) reaches before the start")
                    }
                    if Int(distance) >= length {
                        (base + produced).update(from: base + produced - Int(distance), count: length)
                        produced += length
                    } else {
                        var from = produced - Int(distance)
                        for _ in 0..<length {
                            base[produced] = base[from]
                            produced += 1
                            from += 1
                        }
                    }
                }
                let rest = literalRange.upperBound - literal
                guard rest == total - produced else { throw FormatError("lz literal bytes do not add up") }
                (base + produced).update(from: input.baseAddress! + literal, count: rest)
            }
        }
        var text = TextValues(capacity: count, bytes: 0)
        text.bytes = s
        var end = 0
        for l in valueLengths {
            end += Int(l)
            text.offsets.append(end)
        }
        return text
    }
}
