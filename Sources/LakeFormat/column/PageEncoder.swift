internal import LakeCompression
internal import LakeCore

/// How a page's body is stored on disk (FORMAT.md, "Compression").
enum PageCodec: UInt8, Sendable {
    case none = 0
    /// Raw deflate (RFC 1951, no zlib or gzip framing).
    case deflate = 1
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
/// then deflates the body when that saves more than 3 %.
///
/// Body (before the optional deflate):
/// ```
/// [integer stream of `rows` validity flags, 1 = value, 0 = NULL]   only when 0 < nullCount < rows
/// value stream of rows - nullCount values (integer, float64 or text stream by column type)
/// ```
enum PageEncoder {
    static func encode(_ column: ColumnVector, rows range: Range<Int>) throws -> EncodedPage {
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
            for i in range where column.validity[i] { text.append(column.utf8(i)) }
            bodies.append(prefix.bytes + TextStream.encode(text, candidates: [.dictionary]))
            // FSST output deflates worse than the text it replaces, so both trees go on to the deflate trial.
            if text.bytes.count >= TextStream.fsstMinimumBytes {
                bodies.append(prefix.bytes + TextStream.encode(text, candidates: [.fsst]))
            }
            // Long-range copies find repeats beyond deflate's 32 KB window; deflate then packs the literals.
            if let copies = LongRange.encode(text) { bodies.append(prefix.bytes + copies) }
        default:
            var values: [Int64] = []
            values.reserveCapacity(range.count - nulls)
            for i in range where column.validity[i] { values.append(column.integers[i]) }
            bodies.append(prefix.bytes + IntegerStream.encode(values))
        }

        // Large bodies are ranked with fast deflate (level 1); only the winner is compressed at level 6.
        var best: (codec: PageCodec, payload: [UInt8], body: [UInt8])? = nil
        var trialLevel: Int32 = 6
        for body in bodies where body.count > 64 * 1024 { trialLevel = 1; _ = body }
        for body in bodies {
            if best == nil || body.count < best!.payload.count { best = (.none, body, body) }
            if body.count >= 64 {
                let deflated = try Zlib.compress(body, format: .raw, level: trialLevel)
                if deflated.count < body.count - body.count / 32, deflated.count < best!.payload.count {
                    best = (.deflate, deflated, body)
                }
            }
        }
        if best!.codec == .deflate && trialLevel != 6 {
            let final = try Zlib.compress(best!.body, format: .raw, level: 6)
            if final.count < best!.payload.count { best!.payload = final }
        }
        let chosen = best!
        // Decode what was written: the ids for the footer, and a guard against an encoder bug reaching disk.
        var state = DecodeState()
        var check = ByteReader(chosen.body)
        let decoded = try PageDecoder.decodeBody(&check, type: column.type, rows: range.count, nullCount: nulls,
                                                 state: &state)
        guard decoded.isIdentical(to: ColumnVector(column, rows: range)) else {
            throw LakeError(.internalError, "encoding of a \(column.type) page does not round-trip")
        }
        var stored = chosen.payload
        let crc = CRC32.checksum(stored)
        for k in 0..<4 { stored.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k)))) }
        return EncodedPage(rows: range.count, nullCount: nulls, codec: chosen.codec, stored: stored,
                           bodySize: chosen.body.count, ids: state.ids)
    }
}

extension ColumnVector {
    /// Rows `range` of `other`, NULL rows with the placeholders a decoder produces.
    init(_ other: ColumnVector, rows range: Range<Int>) {
        self.init(type: other.type, capacity: range.count)
        for i in range {
            if other.validity[i] { append(from: other, row: i) } else { appendNull() }
        }
    }
}

extension ColumnVector {
    /// Equality that compares float64 values by bit pattern, so NaN equals NaN and -0.0 differs from 0.0.
    func isIdentical(to other: ColumnVector) -> Bool {
        guard type == other.type, validity == other.validity, integers == other.integers, bytes == other.bytes,
              offsets == other.offsets, doubles.count == other.doubles.count else { return false }
        for (a, b) in zip(doubles, other.doubles) where a.bitPattern != b.bitPattern { return false }
        return true
    }
}
