internal import LakeCore

/// Decodes a page body (after inflating) into a `ColumnVector`; see `PageEncoder` for the layout.
enum PageDecoder {
    static func decodeBody(_ r: inout ByteReader, type: ColumnType, rows: Int, nullCount: Int,
                           state: inout DecodeState) throws -> ColumnVector {
        var column = ColumnVector(type: type, capacity: rows)
        try decodeBody(&r, rows: rows, nullCount: nullCount, state: &state, appendingTo: &column)
        return column
    }

    /// Decodes a page body and appends its rows to `column` (pages of one chunk go into one vector).
    static func decodeBody(_ r: inout ByteReader, rows: Int, nullCount: Int, state: inout DecodeState,
                           appendingTo column: inout ColumnVector) throws {
        let type = column.type
        guard rows >= 0, nullCount >= 0, nullCount <= rows else { throw FormatError("null count \(nullCount) exceeds \(rows) rows") }
        var validity: [Int64]? = nil
        if nullCount > 0 && nullCount < rows {
            let flags = try IntegerStream.decode(&r, count: rows, state: &state)
            var nulls = 0
            for f in flags {
                guard f == 0 || f == 1 else { throw FormatError("validity flag \(f) is neither 0 nor 1") }
                nulls += Int(1 - f)
            }
            guard nulls == nullCount else { throw FormatError("validity has \(nulls) NULLs, the footer says \(nullCount)") }
            validity = flags
        }
        let valueCount = rows - nullCount
        func isValid(_ i: Int) -> Bool { validity.map { $0[i] == 1 } ?? (nullCount == 0) }
        switch type {
        case .float64:
            let values = try FloatStream.decode(&r, count: valueCount, state: &state)
            var next = 0
            for i in 0..<rows {
                if isValid(i) { column.append(double: values[next]); next += 1 } else { column.appendNull() }
            }
        case .text:
            let text = try TextStream.decode(&r, count: valueCount, state: &state)
            var next = 0
            text.bytes.withUnsafeBytes { raw in
                for i in 0..<rows {
                    if isValid(i) {
                        column.append(utf8: UnsafeRawBufferPointer(rebasing: raw[text.offsets[next]..<text.offsets[next + 1]]))
                        next += 1
                    } else {
                        column.appendNull()
                    }
                }
            }
        default:
            let values = try IntegerStream.decode(&r, count: valueCount, state: &state)
            if type == .bool {
                for v in values where v != 0 && v != 1 { throw FormatError("bool value \(v) is neither 0 nor 1") }
            }
            var next = 0
            for i in 0..<rows {
                if isValid(i) { column.append(integer: values[next]); next += 1 } else { column.appendNull() }
            }
        }
        try r.expectEnd("the page's value stream")
    }
}

