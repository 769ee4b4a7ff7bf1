public import LakeCore

/// Per column chunk statistics for skipping row groups: bounds, NULL count and distinct count.
///
/// `min` and `max` are nil when the chunk has no non-NULL value (or only NaN), and for text longer than
/// `ColumnStatistics.maxTextBytes` bytes, which the footer does not store. Text compares byte-wise (UTF-8),
/// float64 numerically ignoring NaN.
public struct ColumnStatistics: Sendable, Hashable, Codable {
    /// Text bounds longer than this are left out of the footer.
    public static let maxTextBytes = 64

    public var min: Value?
    public var max: Value?
    public var nullCount: Int
    /// Exact number of distinct non-NULL values, when the writer counted them.
    public var distinctCount: Int?

    public init(min: Value? = nil, max: Value? = nil, nullCount: Int = 0, distinctCount: Int? = nil) {
        self.min = min
        self.max = max
        self.nullCount = nullCount
        self.distinctCount = distinctCount
    }

    private enum CodingKeys: String, CodingKey { case min, max, nullCount, distinctCount }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        min = try c.decodeIfPresent(CodableValue.self, forKey: .min)?.value
        max = try c.decodeIfPresent(CodableValue.self, forKey: .max)?.value
        nullCount = try c.decode(Int.self, forKey: .nullCount)
        distinctCount = try c.decodeIfPresent(Int.self, forKey: .distinctCount)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(min.map(CodableValue.init), forKey: .min)
        try c.encodeIfPresent(max.map(CodableValue.init), forKey: .max)
        try c.encode(nullCount, forKey: .nullCount)
        try c.encodeIfPresent(distinctCount, forKey: .distinctCount)
    }

    /// Whether a chunk with these statistics may hold `value` (false only when the bounds exclude it).
    public func mayContain(_ value: Value) -> Bool {
        if value.isNull { return nullCount > 0 }
        guard let key = SortKey(value) else { return true }
        if let min, let lo = SortKey(min), lo.kind == key.kind, key < lo { return false }
        if let max, let hi = SortKey(max), hi.kind == key.kind, hi < key { return false }
        return true
    }
}

/// `Value` as JSON: `{"type": "decimal(2)", "value": "12.34"}` style with the canonical text of `ValueFormatter`,
/// except floats (`double` bit-exact as a number or NaN/Infinity text) and text (verbatim).
public struct CodableValue: Sendable, Hashable, Codable {
    public var value: Value

    public init(_ value: Value) { self.value = value }

    private enum CodingKeys: String, CodingKey { case type, value }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch value {
        case .null: try c.encode("null", forKey: .type)
        case .bool(let b): try c.encode("bool", forKey: .type); try c.encode(b, forKey: .value)
        case .int(let i): try c.encode("int64", forKey: .type); try c.encode(String(i), forKey: .value)
        case .double(let d): try c.encode("float64", forKey: .type); try c.encode(String(d.bitPattern, radix: 16), forKey: .value)
        case .decimal(let v, let s): try c.encode("decimal(\(s))", forKey: .type); try c.encode(String(v), forKey: .value)
        case .timestamp(let t): try c.encode("timestamp", forKey: .type); try c.encode(String(t), forKey: .value)
        case .date(let d): try c.encode("date", forKey: .type); try c.encode(String(d), forKey: .value)
        case .text(let s): try c.encode("text", forKey: .type); try c.encode(s, forKey: .value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        func bad() -> DecodingError {
            .dataCorruptedError(forKey: .value, in: c, debugDescription: "bad \(type) value")
        }
        switch type {
        case "null": value = .null
        case "bool": value = .bool(try c.decode(Bool.self, forKey: .value))
        case "float64":
            guard let bits = UInt64(try c.decode(String.self, forKey: .value), radix: 16) else { throw bad() }
            value = .double(Double(bitPattern: bits))
        case "text": value = .text(try c.decode(String.self, forKey: .value))
        default:
            guard let n = Int64(try c.decode(String.self, forKey: .value)) else { throw bad() }
            switch ColumnType(parsing: type) {
            case .int64: value = .int(n)
            case .decimal(let s): value = .decimal(n, scale: s)
            case .timestamp: value = .timestamp(n)
            case .date:
                guard let d = Int32(exactly: n) else { throw bad() }
                value = .date(d)
            default: throw bad()
            }
        }
    }
}

/// A value reduced to what orders it: integer-backed types by their integer, floats, text by bytes.
struct SortKey: Comparable {
    enum Kind { case integer, double, text }
    var kind: Kind
    var integer: Int64 = 0
    var double: Double = 0
    var text: [UInt8] = []

    init?(_ value: Value) {
        switch value {
        case .null: return nil
        case .bool(let b): kind = .integer; integer = b ? 1 : 0
        case .int(let i), .decimal(let i, _), .timestamp(let i): kind = .integer; integer = i
        case .date(let d): kind = .integer; integer = Int64(d)
        case .double(let d):
            guard !d.isNaN else { return nil }
            kind = .double; double = d
        case .text(let s): kind = .text; text = Array(s.utf8)
        }
    }

    static func < (a: SortKey, b: SortKey) -> Bool {
        switch a.kind {
        case .integer: return a.integer < b.integer
        case .double: return a.double < b.double
        case .text: return a.text.lexicographicallyPrecedes(b.text)
        }
    }
}

enum StatisticsBuilder {
    /// Statistics of rows `range` of `column`.
    static func compute(_ column: ColumnVector, rows range: Range<Int>) -> ColumnStatistics {
        var stats = ColumnStatistics()
        switch column.type {
        case .float64:
            var lo = Double.nan, hi = Double.nan
            var distinct = Set<UInt64>()
            for i in range {
                guard column.validity[i] else { stats.nullCount += 1; continue }
                let d = column.doubles[i]
                distinct.insert(d == 0 ? 0 : (d.isNaN ? Double.nan.bitPattern : d.bitPattern))
                guard !d.isNaN else { continue }
                if lo.isNaN || d < lo { lo = d }
                if hi.isNaN || d > hi { hi = d }
            }
            if !lo.isNaN { stats.min = .double(lo); stats.max = .double(hi) }
            stats.distinctCount = distinct.count
        case .text:
            var lo: ArraySlice<UInt8>? = nil, hi: ArraySlice<UInt8>? = nil
            var distinct = DistinctText(capacity: range.count)
            column.bytes.withUnsafeBufferPointer { bytes in
                column.offsets.withUnsafeBufferPointer { offsets in
                    for i in range {
                        guard column.validity[i] else { stats.nullCount += 1; continue }
                        let s = column.utf8(i)
                        _ = distinct.insert(i, bytes: bytes, offsets: offsets)
                        if lo == nil || s.lexicographicallyPrecedes(lo!) { lo = s }
                        if hi == nil || hi!.lexicographicallyPrecedes(s) { hi = s }
                    }
                }
            }
            if let lo, lo.count <= ColumnStatistics.maxTextBytes { stats.min = .text(String(decoding: lo, as: UTF8.self)) }
            if let hi, hi.count <= ColumnStatistics.maxTextBytes { stats.max = .text(String(decoding: hi, as: UTF8.self)) }
            stats.distinctCount = distinct.count
        default:
            var lo = Int64.max, hi = Int64.min
            var distinct = Set<Int64>()
            var any = false
            for i in range {
                guard column.validity[i] else { stats.nullCount += 1; continue }
                let v = column.integers[i]
                any = true
                distinct.insert(v)
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
            if any {
                stats.min = ColumnVector.value(integer: lo, type: column.type)
                stats.max = ColumnVector.value(integer: hi, type: column.type)
            }
            stats.distinctCount = distinct.count
        }
        return stats
    }
}

extension ColumnVector {
    /// The `Value` of an integer-backed type's stored integer.
    static func value(integer v: Int64, type: ColumnType) -> Value {
        switch type {
        case .bool: return .bool(v != 0)
        case .decimal(let s): return .decimal(v, scale: s)
        case .timestamp: return .timestamp(v)
        case .date: return .date(Int32(truncatingIfNeeded: v))
        default: return .int(v)
        }
    }
}
