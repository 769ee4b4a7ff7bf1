/// `0x12 fsst`: FSST-style static symbol table compression for long text (Boncz, Neumann, Leis, VLDB 2020).
///
/// ```
/// 12 | u8 s (symbol count, 0…255) | s × u8 symbol length (1…8) | symbol bytes back to back
///    | integer stream of n compressed lengths | compressed bytes back to back
/// ```
/// Each value is compressed on its own into a sequence of codes: code c < s stands for symbol c, code 255 is an
/// escape followed by one literal byte. Codes s…254 are invalid. Values decompress independently, and decoding
/// is a table lookup per code, several times faster than inflate.
enum FSST {
    static let escape: UInt8 = 255
    static let maxSymbols = 255

    struct Symbol: Hashable {
        /// The bytes, first byte in the low 8 bits.
        var word: UInt64
        var length: Int
        var mask: UInt64 { length == 8 ? ~0 : (1 << UInt64(8 * length)) - 1 }
    }

    /// A built table with a lookup by first byte, longest symbols first.
    struct Table {
        var symbols: [Symbol]
        var byFirstByte: [[(word: UInt64, mask: UInt64, length: Int, code: UInt8)]]

        init(_ symbols: [Symbol]) {
            self.symbols = symbols
            byFirstByte = Array(repeating: [], count: 256)
            for (code, s) in symbols.enumerated() {
                byFirstByte[Int(s.word & 0xff)].append((s.word, s.mask, s.length, UInt8(code)))
            }
            for i in 0..<256 { byFirstByte[i].sort { $0.length > $1.length } }
        }

        /// Appends the codes for `input` to `out`.
        func compress(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
            var p = 0
            let n = input.count
            while p < n {
                let left = n - p
                var word: UInt64 = 0
                if left >= 8 {
                    word = UnsafeRawPointer(input.baseAddress! + p).loadUnaligned(as: UInt64.self).littleEndian
                } else {
                    for k in 0..<left { word |= UInt64(input[p + k]) << UInt64(8 * k) }
                }
                var matched = false
                for candidate in byFirstByte[Int(input[p])] where candidate.length <= left {
                    if word & candidate.mask == candidate.word {
                        out.append(candidate.code)
                        p += candidate.length
                        matched = true
                        break
                    }
                }
                if !matched {
                    out.append(FSST.escape)
                    out.append(input[p])
                    p += 1
                }
            }
        }
    }

    /// Builds a table from a sample of the values: five rounds of compressing the sample with the current table,
    /// counting how often each symbol and each pair of adjacent symbols occurs, and keeping the 255 candidates
    /// with the highest gain (occurrences × length).
    static func buildTable(_ text: TextValues, sampleBytes: Int = 16 * 1024) -> Table {
        var sample: [ArraySlice<UInt8>] = []
        var taken = 0
        // Spread the sample over the column: every k-th value until the budget is used.
        let stride = max(1, text.bytes.count / max(sampleBytes, 1))
        var i = 0
        while i < text.count && taken < sampleBytes {
            let s = text[i]
            let piece = s.prefix(sampleBytes - taken)
            sample.append(piece)
            taken += piece.count
            i += stride
        }
        var table = Table([])
        var counts = SymbolCounter(capacity: 4 * max(taken, 16))
        var codes: [UInt8] = []
        codes.reserveCapacity(2 * sampleBytes)
        for _ in 0..<5 {
            counts.removeAll()
            for s in sample {
                codes.removeAll(keepingCapacity: true)
                s.withUnsafeBufferPointer { table.compress($0, into: &codes) }
                var previous: Symbol? = nil
                var k = 0
                while k < codes.count {
                    let symbol: Symbol
                    if codes[k] == escape {
                        symbol = Symbol(word: UInt64(codes[k + 1]), length: 1)
                        k += 2
                    } else {
                        symbol = table.symbols[Int(codes[k])]
                        k += 1
                    }
                    counts.add(symbol)
                    if let prev = previous, prev.length + symbol.length <= 8 {
                        counts.add(Symbol(word: prev.word | symbol.word << UInt64(8 * prev.length),
                                          length: prev.length + symbol.length))
                    }
                    previous = symbol
                }
            }
            // Single bytes gain nothing over an escape except one byte; longer symbols gain their length.
            let ranked = counts.entries().map { (symbol: $0.symbol, gain: $0.count * ($0.symbol.length == 1 ? 1 : $0.symbol.length)) }
                .sorted { $0.gain != $1.gain ? $0.gain > $1.gain : ($0.symbol.length, $0.symbol.word) > ($1.symbol.length, $1.symbol.word) }
            table = Table(ranked.prefix(maxSymbols).filter { $0.gain > 1 }.map(\.symbol))
        }
        return table
    }

    /// Counts symbols in an open-addressing table with a multiplicative hash: the standard `Dictionary` hashes each
    /// key with SipHash, which made table building the encoder's largest cost on short text pages.
    struct SymbolCounter {
        private var words: [UInt64]
        private var lengths: [UInt8]
        private var counts: [Int32]
        private var used: [Int32] = []
        private let mask: Int

        /// Room for `capacity` distinct symbols (the table is twice that, a power of two).
        init(capacity: Int) {
            var size = 64
            while size < 2 * capacity { size <<= 1 }
            words = [UInt64](repeating: 0, count: size)
            lengths = [UInt8](repeating: 0, count: size)
            counts = [Int32](repeating: 0, count: size)
            mask = size - 1
        }

        mutating func removeAll() {
            for slot in used {
                lengths[Int(slot)] = 0
                counts[Int(slot)] = 0
            }
            used.removeAll(keepingCapacity: true)
        }

        mutating func add(_ symbol: Symbol) {
            let length = UInt8(symbol.length)
            var slot = Int(truncatingIfNeeded: ((symbol.word ^ UInt64(length) << 60) &* 0x9e37_79b9_7f4a_7c15) >> 32) & mask
            while true {
                if lengths[slot] == 0 {
                    lengths[slot] = length
                    words[slot] = symbol.word
                    counts[slot] = 1
                    used.append(Int32(slot))
                    if used.count * 2 > mask { grow() }
                    return
                }
                if lengths[slot] == length && words[slot] == symbol.word {
                    counts[slot] += 1
                    return
                }
                slot = (slot + 1) & mask
            }
        }

        private mutating func grow() {
            let old = entries()
            self = SymbolCounter(capacity: 2 * (mask + 1))
            for e in old {
                add(e.symbol)
                // add counted 1; set the real count
                let s = findSlot(e.symbol)
                counts[s] = Int32(e.count)
            }
        }

        private func findSlot(_ symbol: Symbol) -> Int {
            let length = UInt8(symbol.length)
            var slot = Int(truncatingIfNeeded: ((symbol.word ^ UInt64(length) << 60) &* 0x9e37_79b9_7f4a_7c15) >> 32) & mask
            while !(lengths[slot] == length && words[slot] == symbol.word) { slot = (slot + 1) & mask }
            return slot
        }

        func entries() -> [(symbol: Symbol, count: Int)] {
            used.map { (Symbol(word: words[Int($0)], length: Int(lengths[Int($0)])), Int(counts[Int($0)])) }
        }
    }

    /// The encoded stream for `text`, with `lengthsEncoder` choosing how the compressed lengths are stored.
    static func encode(_ text: TextValues, table: Table, lengthsEncoder: ([Int64]) -> [UInt8]) -> [UInt8] {
        var compressed: [UInt8] = []
        compressed.reserveCapacity(text.bytes.count)
        var lengths: [Int64] = []
        lengths.reserveCapacity(text.count)
        text.bytes.withUnsafeBufferPointer { all in
            for i in 0..<text.count {
                let before = compressed.count
                let slice = UnsafeBufferPointer(rebasing: all[text.offsets[i]..<text.offsets[i + 1]])
                table.compress(slice, into: &compressed)
                lengths.append(Int64(compressed.count - before))
            }
        }
        var w = ByteWriter(capacity: compressed.count + 1024)
        w.u8(EncodingID.fsst.rawValue)
        w.u8(UInt8(table.symbols.count))
        for s in table.symbols { w.u8(UInt8(s.length)) }
        for s in table.symbols {
            for k in 0..<s.length { w.u8(UInt8(truncatingIfNeeded: s.word >> UInt64(8 * k))) }
        }
        w.append(lengthsEncoder(lengths))
        w.append(compressed)
        return w.bytes
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> TextValues {
        let symbolCount = Int(try r.u8())
        guard symbolCount <= maxSymbols else { throw FormatError("fsst table of \(symbolCount) symbols exceeds 255") }
        let lengthRange = try r.take(symbolCount)
        var symbolLengths: [Int] = []
        var symbolBytes = 0
        for p in lengthRange {
            let l = Int(r.bytes[p])
            guard (1...8).contains(l) else { throw FormatError("fsst symbol length \(l) outside 1…8") }
            symbolLengths.append(l)
            symbolBytes += l
        }
        let symbolRange = try r.take(symbolBytes)
        // Each symbol padded to 8 bytes so that decoding copies a fixed 8 bytes per code.
        var words = [UInt64](repeating: 0, count: 256)
        var lengths = [Int](repeating: 0, count: 256)
        var p = symbolRange.lowerBound
        for (c, l) in symbolLengths.enumerated() {
            var word: UInt64 = 0
            for k in 0..<l { word |= UInt64(r.bytes[p + k]) << UInt64(8 * k) }
            words[c] = word
            lengths[c] = l
            p += l
        }
        let compressedLengths = try IntegerStream.decode(&r, count: count, state: &state)
        var total = 0
        for l in compressedLengths {
            guard l >= 0, l <= Int64(r.remaining - total) else {
                throw FormatError("fsst lengths exceed the \(r.remaining) bytes left in the page")
            }
            total += Int(l)
        }
        let range = try r.take(total)
        // Every code yields at most 8 bytes.
        try state.spend(0)
        var out = TextValues(capacity: count, bytes: 0)
        var buffer = [UInt8](repeating: 0, count: total * 8 + 8)
        var produced = 0
        try r.bytes.withUnsafeBufferPointer { input in
            try buffer.withUnsafeMutableBytes { outRaw in
                var q = range.lowerBound
                for l in compressedLengths {
                    let end = q + Int(l)
                    while q < end {
                        let code = input[q]
                        q += 1
                        if code == escape {
                            guard q < end else { throw FormatError("fsst escape at the end of a value") }
                            outRaw[produced] = input[q]
                            q += 1
                            produced += 1
                        } else {
                            let length = lengths[Int(code)]
                            guard length > 0 else { throw FormatError("fsst code \(code) not in the table of \(symbolCount)") }
                            outRaw.storeBytes(of: words[Int(code)].littleEndian, toByteOffset: produced, as: UInt64.self)
                            produced += length
                        }
                    }
                    out.offsets.append(produced)
                }
            }
        }
        try state.spend(produced)
        buffer.removeLast(buffer.count - produced)
        out.bytes = buffer
        return out
    }
}
