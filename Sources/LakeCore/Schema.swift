/// The logical type of a column, as the pipeline spec names it and as every format stores it.
///
/// Physical representation in a `ColumnVector`:
/// - `bool`: `integers` holds 0 or 1
/// - `int64`: `integers`
/// - `float64`: `doubles`
/// - `decimal(scale)`: `integers` holds the unscaled value (`12.34` with scale 2 is `1234`)
/// - `timestamp`: `integers` holds microseconds since 1970-01-01T00:00:00Z (an instant; zone normalised to UTC)
/// - `date`: `integers` holds days since 1970-01-01
/// - `text`: UTF-8 bytes in `bytes`, row `i` spans `offsets[i]..<offsets[i+1]`
public enum ColumnType: Sendable, Hashable, Codable, CustomStringConvertible {
    case bool
    case int64
    case float64
    case decimal(scale: Int)
    case timestamp
    case date
    case text

    /// The spelling used in pipeline specs, the catalog and FORMAT.md: `bool`, `int64`, `float64`,
    /// `decimal(2)`, `timestamp`, `date`, `text`.
    public var description: String {
        switch self {
        case .bool: return "bool"
        case .int64: return "int64"
        case .float64: return "float64"
        case .decimal(let scale): return "decimal(\(scale))"
        case .timestamp: return "timestamp"
        case .date: return "date"
        case .text: return "text"
        }
    }

    public init?(parsing text: String) {
        switch text {
        case "bool", "boolean": self = .bool
        case "int64", "integer", "bigint": self = .int64
        case "float64", "double": self = .float64
        case "timestamp", "timestamptz": self = .timestamp
        case "date": self = .date
        case "text", "string", "json": self = .text
        default:
            guard text.hasPrefix("decimal("), text.hasSuffix(")"),
                  let scale = Int(text.dropFirst(8).dropLast()), (0...18).contains(scale) else { return nil }
            self = .decimal(scale: scale)
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let type = ColumnType(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown column type '\(text)'"))
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// Whether values live in `ColumnVector.integers`.
    public var isIntegerBacked: Bool {
        switch self {
        case .bool, .int64, .decimal, .timestamp, .date: return true
        case .float64, .text: return false
        }
    }
}

/// One column of a table.
public struct ColumnSchema: Sendable, Hashable, Codable {
    public var name: String
    public var type: ColumnType
    public var nullable: Bool

    public init(name: String, type: ColumnType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// A table's columns in order.
public struct TableSchema: Sendable, Hashable, Codable {
    public var name: String
    public var columns: [ColumnSchema]

    public init(name: String, columns: [ColumnSchema]) {
        self.name = name
        self.columns = columns
    }

    public func index(of column: String) -> Int? { columns.firstIndex { $0.name == column } }

    /// A stable fingerprint of names, types and nullability (FNV-1a 64, hex), recorded per schema version.
    public var fingerprint: String {
        var text = name
        for c in columns { text += "|\(c.name):\(c.type):\(c.nullable ? "null" : "notnull")" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            hash ^= UInt64(b)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
