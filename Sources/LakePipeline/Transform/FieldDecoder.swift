import LakeCore
import LakeJSON

/// Turns a scanned JSON value into a typed column value. The one place where JSON kinds meet column types.
final class FieldDecoder {
    /// Reused output for unescaped strings.
    private var scratch: [UInt8] = []

    enum Outcome: Equatable {
        /// The field is absent, JSON null, or one of the column's null tokens.
        case missing
        /// Present but not of the column's type (becomes NULL and is counted, or makes the line bad).
        case invalid
        case integer(Int64)
        case double(Double)
        /// Text: the bytes are handed to the `body` of `decode`.
        case text
    }

    /// The longest text value a columnar file holds (docs/FORMAT.md, "Limits"). A longer one cannot be stored: it
    /// is invalid, so it becomes NULL and is counted like any value that does not fit its column (CONTRACT.md), and
    /// the line, which may be far longer (64 MB and more), still lands. Without this the writer refused the whole
    /// batch.
    static let maxTextBytes = 16 << 20

    init() { scratch.reserveCapacity(1 << 16) }

    /// Decodes a column from the scanned slots and hands the outcome (and, for text, its bytes) to `body`.
    /// The first of the column's fields that is present decides; later fallbacks are tried only when earlier
    /// ones are missing or invalid (`modification` backs up `realEstate_lastModificationDate`).
    func decode<R>(_ column: CompiledSpec.Column, slots: [JSONValueRef?], line: UnsafeRawBufferPointer,
                            _ body: (Outcome, UnsafeRawBufferPointer) -> R) -> R {
        var sawInvalid = false
        for slot in column.slots {
            guard let ref = slots[slot], ref.kind != .null else { continue }
            let raw = UnsafeRawBufferPointer(rebasing: line[ref.start..<ref.end])
            if ref.kind == .string && ref.hasEscapes {
                scratch.removeAll(keepingCapacity: true)
                guard JSONValues.unescape(raw, into: &scratch) else {
                    sawInvalid = true
                    continue
                }
                let result: R? = scratch.withUnsafeBytes { bytes in
                    let outcome = FieldDecoder.decode(bytes, kind: ref.kind, as: column.type, nullTokens: column.nullTokens)
                    switch outcome {
                    case .missing: return nil
                    case .invalid: sawInvalid = true; return nil
                    default: return body(outcome, bytes)
                    }
                }
                if let result { return result }
            } else {
                let outcome = FieldDecoder.decode(raw, kind: ref.kind, as: column.type, nullTokens: column.nullTokens)
                switch outcome {
                case .missing: continue
                case .invalid: sawInvalid = true
                default: return body(outcome, raw)
                }
            }
        }
        return body(sawInvalid ? .invalid : .missing, UnsafeRawBufferPointer(start: nil, count: 0))
    }

    private static func decode(_ raw: UnsafeRawBufferPointer, kind: JSONValueKind, as type: ColumnType,
                               nullTokens: [[UInt8]]) -> Outcome {
        if !nullTokens.isEmpty {
            for token in nullTokens where token.count == raw.count && token.elementsEqual(raw) { return .missing }
        }
        let scalar = kind == .number || kind == .string
        switch type {
        case .text:
            return raw.count <= maxTextBytes ? .text : .invalid
        case .bool:
            guard kind != .array && kind != .object, let b = JSONValues.bool(text: raw) else { return .invalid }
            return .integer(b ? 1 : 0)
        case .int64:
            guard scalar, let v = JSONValues.int64(text: raw) else { return .invalid }
            return .integer(v)
        case .decimal(let scale):
            guard scalar, let v = JSONValues.decimal(text: raw, scale: scale) else { return .invalid }
            return .integer(v)
        case .float64:
            guard scalar, let v = JSONValues.double(text: raw) else { return .invalid }
            return .double(v)
        case .timestamp:
            guard kind == .string, let v = JSONValues.timestamp(text: raw) else { return .invalid }
            return .integer(v)
        case .date:
            guard kind == .string, let v = JSONValues.date(text: raw) else { return .invalid }
            return .integer(Int64(v))
        }
    }
}
