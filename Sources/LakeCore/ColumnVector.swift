/// A column of values in memory: the unit that transform produces and the columnar and CSV writers consume.
///
/// Null rows keep a placeholder (0, 0.0 or an empty string) so that the arrays stay aligned with `validity`.
public struct ColumnVector: Sendable, Equatable {
    public let type: ColumnType
    /// `validity[i]` is false where row `i` is NULL.
    public private(set) var validity: [Bool] = []
    /// Values of integer-backed types (see `ColumnType`).
    public private(set) var integers: [Int64] = []
    /// Values of `float64`.
    public private(set) var doubles: [Double] = []
    /// UTF-8 bytes of all `text` values, back to back.
    public private(set) var bytes: [UInt8] = []
    /// `offsets.count == count + 1` for `text`; row `i` is `bytes[offsets[i]..<offsets[i+1]]`.
    public private(set) var offsets: [Int] = [0]

    public init(type: ColumnType, capacity: Int = 0) {
        self.type = type
        validity.reserveCapacity(capacity)
        switch type {
        case .float64: doubles.reserveCapacity(capacity)
        case .text: offsets.reserveCapacity(capacity + 1)
        default: integers.reserveCapacity(capacity)
        }
    }

    public var count: Int { validity.count }
    public var nullCount: Int { validity.reduce(0) { $0 + ($1 ? 0 : 1) } }

    public mutating func appendNull() {
        validity.append(false)
        switch type {
        case .float64: doubles.append(0)
        case .text: offsets.append(bytes.count)
        default: integers.append(0)
        }
    }

    public mutating func append(integer value: Int64) {
        precondition(type.isIntegerBacked, "append(integer:) on a \(type) column")
        validity.append(true)
        integers.append(value)
    }

    public mutating func append(double value: Double) {
        precondition(type == .float64, "append(double:) on a \(type) column")
        validity.append(true)
        doubles.append(value)
    }

    public mutating func append(utf8 value: UnsafeRawBufferPointer) {
        precondition(type == .text, "append(utf8:) on a \(type) column")
        validity.append(true)
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    public mutating func append<S: Sequence<UInt8>>(utf8Bytes value: S) {
        precondition(type == .text, "append(utf8Bytes:) on a \(type) column")
        validity.append(true)
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    public mutating func append(text value: String) {
        append(utf8Bytes: value.utf8)
    }

    /// Appends a `Value`, which must be NULL or match the column's type.
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .bool(let b): append(integer: b ? 1 : 0)
        case .int(let i), .decimal(let i, _), .timestamp(let i): append(integer: i)
        case .date(let d): append(integer: Int64(d))
        case .double(let d): append(double: d)
        case .text(let s): append(text: s)
        }
    }

    /// Appends row `row` of `other`, which must have the same type.
    public mutating func append(from other: ColumnVector, row: Int) {
        precondition(other.type == type)
        guard other.validity[row] else { return appendNull() }
        switch type {
        case .float64: append(double: other.doubles[row])
        case .text:
            validity.append(true)
            bytes.append(contentsOf: other.bytes[other.offsets[row]..<other.offsets[row + 1]])
            offsets.append(bytes.count)
        default: append(integer: other.integers[row])
        }
    }

    /// The rows `refs` names, in that order, from `parts` (vectors of this type): each ref is
    /// `part << 32 | row`. Every array is allocated once at its final size, so a row group gathered from the
    /// chunks it arrived in costs one copy of its values, not a copy and then a sorted copy grown by doubling.
    public init(type: ColumnType, gathering refs: [Int], from parts: [ColumnVector]) {
        self.init(type: type)
        precondition(parts.allSatisfy { $0.type == type })
        validity.reserveCapacity(refs.count)
        for ref in refs { validity.append(parts[ref >> 32].validity[ref & 0xFFFF_FFFF]) }
        switch type {
        case .float64:
            doubles.reserveCapacity(refs.count)
            for ref in refs { doubles.append(parts[ref >> 32].doubles[ref & 0xFFFF_FFFF]) }
        case .text:
            var total = 0
            for ref in refs {
                let offsets = parts[ref >> 32].offsets, row = ref & 0xFFFF_FFFF
                total += offsets[row + 1] - offsets[row]
            }
            bytes.reserveCapacity(total)
            offsets.reserveCapacity(refs.count + 1)
            for ref in refs {
                let part = parts[ref >> 32], row = ref & 0xFFFF_FFFF
                let start = part.offsets[row], end = part.offsets[row + 1]
                if end > start {
                    part.bytes.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<end])) }
                }
                offsets.append(bytes.count)
            }
        default:
            integers.reserveCapacity(refs.count)
            for ref in refs { integers.append(parts[ref >> 32].integers[ref & 0xFFFF_FFFF]) }
        }
    }

    public func isNull(_ row: Int) -> Bool { !validity[row] }

    /// The bytes of a text row (empty for NULL).
    public func utf8(_ row: Int) -> ArraySlice<UInt8> { bytes[offsets[row]..<offsets[row + 1]] }

    /// Row `row` as a `Value`.
    public func value(at row: Int) -> Value {
        guard validity[row] else { return .null }
        switch type {
        case .bool: return .bool(integers[row] != 0)
        case .int64: return .int(integers[row])
        case .decimal(let scale): return .decimal(integers[row], scale: scale)
        case .timestamp: return .timestamp(integers[row])
        case .date: return .date(Int32(truncatingIfNeeded: integers[row]))
        case .float64: return .double(doubles[row])
        case .text: return .text(String(decoding: utf8(row), as: UTF8.self))
        }
    }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        validity.removeAll(keepingCapacity: keepingCapacity)
        integers.removeAll(keepingCapacity: keepingCapacity)
        doubles.removeAll(keepingCapacity: keepingCapacity)
        bytes.removeAll(keepingCapacity: keepingCapacity)
        offsets.removeAll(keepingCapacity: keepingCapacity)
        offsets.append(0)
    }

    /// Bytes held by the values, a measure for sizing row groups.
    public var byteSize: Int { validity.count + integers.count * 8 + doubles.count * 8 + bytes.count + offsets.count * 8 }
}

/// One value, for scan output, predicates and tests (not for the ingest hot path).
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// Unscaled integer and scale: `.decimal(1234, scale: 2)` is 12.34.
    case decimal(Int64, scale: Int)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)
    /// Days since the Unix epoch.
    case date(Int32)
    case text(String)

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var description: String { ValueFormatter.text(self) ?? "NULL" }
}
