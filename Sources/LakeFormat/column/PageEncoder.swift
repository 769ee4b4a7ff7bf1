#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
internal import LakeCompression
internal import LakeCore

/// How a page's body is stored on disk (FORMAT.md, "Compression").
enum PageCodec: UInt8, Sendable {
    case none = 0
    /// Raw deflate (RFC 1951, no zlib or gzip framing).
    case deflate = 1
    /// One zstd frame (RFC 8878) that records its content size; format version 2 and later.
    case zstd = 2
}

/// One encoded page ready to write: the stored bytes end with the CRC-32 of everything before them.
struct EncodedPage {
    var rows: Int
    var nullCount: Int
    var codec: PageCodec
    /// Body, possibly deflated, then its CRC-32 (4 bytes LE).
    var stored: [UInt8]
    /// Size of the body before compression.
    var bodySize: Int
    /// The body's encoding ids in preorder.
    var ids: [UInt8]
}

/// Encodes the rows of one column of one row group into a page: picks the smallest encoding tree per stream,
/// then compresses the body (deflate, or zstd when allowed) when that saves more than 3 %.
///
/// Body (before the optional deflate):
/// ```
/// [integer stream of `rows` validity flags, 1 = value, 0 = NULL]   only when 0 < nullCount < rows
/// value stream of rows - nullCount values (integer, float64 or text stream by column type)
/// ```
enum PageEncoder {
    static func encode(_ column: ColumnVector, rows range: Range<Int>, zstdLevel: Int32? = 1) throws -> EncodedPage {
        var validity: [Int64] = []
        validity.reserveCapacity(range.count)
        var nulls = 0
        for i in range {
            let valid = column.validity[i]
            validity.append(valid ? 1 : 0)
            if !valid { nulls += 1 }
        }
        var prefix = ByteWriter()
        if nulls > 0 && nulls < range.count {
            prefix.append(IntegerStream.encode(validity, depth: 2, candidates: [.runLength]))
        }
        var bodies: [[UInt8]] = []
        switch column.type {
        case .float64:
            var values: [Double] = []
            values.reserveCapacity(range.count - nulls)
            for i in range where column.validity[i] { values.append(column.doubles[i]) }
            bodies.append(prefix.bytes + FloatStream.encode(values))
        case .text:
            var text = TextValues(capacity: range.count - nulls, bytes: column.offsets[range.upperBound] - column.offsets[range.lowerBound])
            if nulls == 0 {
                text.bytes.append(contentsOf: column.bytes[column.offsets[range.lowerBound]..<column.offsets[range.upperBound]])
                let base = column.offsets[range.lowerBound]
                for i in range { text.offsets.append(column.offsets[i + 1] - base) }
            } else {
                for i in range where column.validity[i] { text.append(column.utf8(i)) }
            }
            if text.bytes.count < largeText {
                bodies.append(prefix.bytes + TextStream.encode(text, candidates: [.dictionary, .digits]))
                // FSST output deflates worse than the text it replaces, so both trees go on to the deflate trial.
                if text.bytes.count >= smallPageFSSTMinimum {
                    bodies.append(prefix.bytes + TextStream.encode(text, candidates: [.fsst]))
                }
                // Long-range copies find repeats beyond deflate's 32 KB window; deflate then packs the literals.
                if let copies = LongRange.encode(text) { bodies.append(prefix.bytes + copies) }
            } else if DigitText.split(text) != nil {
                // Identifiers kept as text, a large page of them: dictionary or digits, as small pages choose.
                bodies.append(prefix.bytes + TextStream.encode(text, candidates: [.dictionary, .digits]))
            } else {
                if let zstdLevel, try zstdPredictedSmaller(text, level: zstdLevel) {
                    return try encodeLargeTextZstd(column, rows: range, text: text, prefix: prefix.bytes, nulls: nulls,
                                                   level: zstdLevel)
                }
                return try encodeLargeText(column, rows: range, text: text, prefix: prefix.bytes, nulls: nulls)
            }
        default:
            var values: [Int64] = []
            values.reserveCapacity(range.count - nulls)
            for i in range where column.validity[i] { values.append(column.integers[i]) }
            bodies.append(prefix.bytes + IntegerStream.encode(values))
        }

        return try finish(column, rows: range, nulls: nulls, bodies: bodies, zstdLevel: zstdLevel)
    }

    /// A deflate candidate for ranking: igzip at level 2, ~15x as fast as zlib's level 6 and ~22% larger on the
    /// listings' text (`batchlake-bench`, "CSV gzip level"). Only the winning body is deflated at zlib's level 6
    /// (`finish`).
    static func trialDeflate(_ body: [UInt8]) throws -> [UInt8] {
        try Igzip.compress(body, level: 2)
    }

    /// Keeps the smallest of `bodies`, each stored as it is or deflated (deflate kept only when it saves more than
    /// 1/32), deflates the winner again at zlib's level 6, checks that it decodes to the rows, and appends the CRC.
    ///
    /// Deflate candidates are ranked by `trialDeflate` (or the size in `known`, deflated by it); with a
    /// `zstdLevel`, each body of at least 64 bytes is also compressed with zstd at that level and the smallest
    /// payload wins; on a tie deflate stays, so that a file without zstd pages remains version 1. `tryDeflate`
    /// false leaves deflate out (long text that zstd takes whole).
    static func finish(_ column: ColumnVector, rows range: Range<Int>, nulls: Int, bodies: [[UInt8]],
                       deflated known: [Int: [UInt8]] = [:], zstdLevel: Int32? = nil,
                       tryDeflate: Bool = true) throws -> EncodedPage {
        var best: (codec: PageCodec, payload: [UInt8], body: [UInt8])? = nil
        for (i, body) in bodies.enumerated() {
            if best == nil || body.count < best!.payload.count { best = (.none, body, body) }
            if body.count >= 64 {
                if tryDeflate {
                    let deflated = try known[i] ?? trialDeflate(body)
                    if deflated.count < body.count - body.count / 32, deflated.count < best!.payload.count {
                        best = (.deflate, deflated, body)
                    }
                }
                if let zstdLevel {
                    let packed = try Zstd.compress(body, level: zstdLevel)
                    if packed.count < body.count - body.count / 32, packed.count < best!.payload.count {
                        best = (.zstd, packed, body)
                    }
                }
            }
        }
        if best!.codec == .deflate {
            let final = try Zlib.compress(best!.body, format: .raw, level: 6)
            if final.count < best!.payload.count { best!.payload = final }
        }
        let chosen = best!
        // Decode what was written: the ids for the footer, and a guard against an encoder bug reaching disk.
        var state = DecodeState()
        var check = ByteReader(chosen.body)
        let decoded = try PageDecoder.decodeBody(&check, type: column.type, rows: range.count, nullCount: nulls,
                                                 state: &state)
        guard decoded.isIdentical(to: column, rows: range) else {
            throw LakeError(.internalError, "encoding of a \(column.type) page does not round-trip")
        }
        var stored = chosen.payload
        let crc = CRC32.checksum(stored)
        for k in 0..<4 { stored.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k)))) }
        return EncodedPage(rows: range.count, nullCount: nulls, codec: chosen.codec, stored: stored,
                           bodySize: chosen.body.count, ids: state.ids)
    }

    /// A small text page tries FSST only with at least this much text. A symbol table costs the same to build for
    /// 300 bytes as for 16 KB, and on smaller pages FSST never won (zstd or deflate of plain or `lz` did): on the
    /// standard day no small page of any table chose it, and trying it from 256 bytes on took 19% of the writer's
    /// CPU (`batchlake-bench --encode-only`: 4.11 → 3.35 s for all tables, every file byte-identical).
    static let smallPageFSSTMinimum = 16 * 1024

    /// Text pages with at least this many value bytes take the large-text path.
    static let largeText = 64 * 1024
    /// Above this many value bytes, plain and `lz` are compared on a sample instead of the whole page.
    static let sampleText = 256 * 1024

    /// A page of long text (descriptions, JSON blobs): at most one dictionary, plain or `lz` body, compressed once.
    ///
    /// Trying every tree and deflating each (as small pages do) cost most of the encoder's time on such pages and
    /// ranked them with fast deflate, which prefers FSST and `lz` where level 6 on the plain text is smaller. Here:
    /// repetitive values (distinct ≤ n/2) take a dictionary; otherwise `lz` runs on the whole page and its (much
    /// smaller) body is deflated at level 6; plain text is deflated at level 6 too unless the page is large and a
    /// contiguous 256 KB sample from its middle, deflated, predicts a larger result than `lz` gave. FSST is not
    /// tried: on long text, deflate over plain or `lz` came out smaller.
    static func encodeLargeText(_ column: ColumnVector, rows range: Range<Int>, text: TextValues, prefix: [UInt8],
                                nulls: Int) throws -> EncodedPage {
        var bodies: [[UInt8]] = []
        var precomputed: [Int: [UInt8]] = [:]
        if let dictionary = largeTextDictionaryBody(text, prefix: prefix) {
            bodies.append(dictionary)
        } else {
            let plain = largeTextPlainBody(text, prefix: prefix)
            // `lz` runs on the whole page (it is fast and shrinks the page many times, so deflating its body is
            // cheap). Plain text is deflated whole only when a sample says it may come out smaller.
            if let copies = LongRange.encode(text) {
                let viaCopies = try trialDeflate(prefix + copies)
                var tryPlain = true
                if text.bytes.count > 4 * sampleText {
                    let middle = (text.bytes.count - sampleText) / 2
                    let sample = try trialDeflate(Array(text.bytes[middle..<(middle + sampleText)]))
                    tryPlain = Double(sample.count) * Double(text.bytes.count) / Double(sampleText) < Double(viaCopies.count)
                }
                bodies.append(prefix + copies)
                precomputed[bodies.count - 1] = viaCopies
                if tryPlain { bodies += plainAndSymbols(text, plain: plain, prefix: prefix) }
            } else {
                bodies += plainAndSymbols(text, plain: plain, prefix: prefix)
            }
        }
        return try finish(column, rows: range, nulls: nulls, bodies: bodies, deflated: precomputed)
    }

    /// Whether zstd at `level` is not expected to lose badly to deflate 6 on this long text, judged on a 64 KB
    /// sample from the page's middle. On the listings' prose zstd 1 is ~10% smaller than deflate 6 over a whole
    /// page, though on a 64 KB sample (where deflate's 32 KB window sees almost everything) the two are close;
    /// on text of short words drawn at random from a small vocabulary zstd 1 came out 60% larger. So zstd is
    /// taken unless the sample says it is more than 25% larger.
    static func zstdPredictedSmaller(_ text: TextValues, level: Int32) throws -> Bool {
        let size = 64 * 1024
        let start = max(0, (text.bytes.count - size) / 2)
        let sample = Array(text.bytes[start..<min(text.bytes.count, start + size)])
        let viaZstd = try Zstd.compress(sample, level: level).count
        let viaDeflate = try Zlib.compress(sample, format: .raw, level: 6).count
        return Double(viaZstd) <= Double(viaDeflate) * 1.25
    }

    /// Long text with zstd: a dictionary body when values repeat, else the plain body, compressed whole with zstd
    /// (no sample, no deflate). FSST is not tried: on the standard day it made flats 3.5% smaller but cost 2.3 of
    /// the encoder's 6 CPU seconds (README, "Performance"). Nor is `lz`: zstd's own window (512 KB and more at
    /// level 1) finds the repeats `lz` exists for, whose reach deflate's 32 KB window lacks; over plain text it came
    /// out smaller on every page of the standard day, and finding the copies took 30% of the writer's CPU
    /// (`batchlake-bench --encode-only`, all tables: 3.42 → 2.40 s, every file byte-identical).
    static func encodeLargeTextZstd(_ column: ColumnVector, rows range: Range<Int>, text: TextValues, prefix: [UInt8],
                                    nulls: Int, level: Int32) throws -> EncodedPage {
        let body = largeTextDictionaryBody(text, prefix: prefix) ?? largeTextPlainBody(text, prefix: prefix)
        return try finish(column, rows: range, nulls: nulls, bodies: [body], zstdLevel: level, tryDeflate: false)
    }

    /// A long text page's dictionary body, when its values repeat (distinct ≤ n/2).
    static func largeTextDictionaryBody(_ text: TextValues, prefix: [UInt8]) -> [UInt8]? {
        guard text.count >= 4, DictionaryEncoding.distinctCount(text, limit: text.count / 2) != nil else { return nil }
        return prefix + TextStream.encode(text, depth: 2, candidates: [.dictionary])
    }

    /// A long text page's plain body: the lengths as an integer stream, then the bytes.
    static func largeTextPlainBody(_ text: TextValues, prefix: [UInt8]) -> [UInt8] {
        var plain = ByteWriter(capacity: prefix.count + text.bytes.count + 2 * text.count + 16)
        plain.append(prefix)
        PlainText.encode(lengths: IntegerStream.encode(text.lengths, depth: 2), bytes: text.bytes[...], into: &plain)
        return plain.bytes
    }

    /// The plain body and an FSST body: on prose of a few hundred rows, FSST then deflate often comes out a few
    /// percent smaller than deflate alone, on JSON and URLs larger, and no sample tried predicted which.
    static func plainAndSymbols(_ text: TextValues, plain: [UInt8], prefix: [UInt8]) -> [[UInt8]] {
        let symbols = FSST.encode(text, table: FSST.buildTable(text)) { IntegerStream.encode($0, depth: 2) }
        return [plain, prefix + symbols]
    }
}

extension ColumnVector {
    /// Equality that compares float64 values by bit pattern, so NaN equals NaN and -0.0 differs from 0.0.
    func isIdentical(to other: ColumnVector) -> Bool {
        count == other.count && isIdentical(to: other, rows: 0..<other.count)
    }

    /// Whether this vector holds exactly rows `range` of `other` (float64 by bit pattern), compared in place with
    /// `memcmp`, without a copy of the rows. NULL rows hold the same placeholders in both (`ColumnVector`).
    func isIdentical(to other: ColumnVector, rows range: Range<Int>) -> Bool {
        guard type == other.type, count == range.count,
              sameMemory(validity[...], other.validity[range]) else { return false }
        switch type {
        case .float64:
            return sameMemory(doubles[...], other.doubles[range])  // bit patterns
        case .text:
            let base = other.offsets[range.lowerBound]
            for k in 0...range.count where offsets[k] != other.offsets[range.lowerBound + k] - base { return false }
            return sameMemory(bytes[...], other.bytes[base..<other.offsets[range.upperBound]])
        default:
            return sameMemory(integers[...], other.integers[range])
        }
    }
}

/// Byte-for-byte equality of two slices of plain values.
private func sameMemory<T>(_ a: ArraySlice<T>, _ b: ArraySlice<T>) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
}
