/// The JSON type of a value that a scan found.
public enum JSONValueKind: UInt8, Sendable, Hashable {
    case string
    case number
    case `true`
    case `false`
    case null
    case array
    case object
}

/// Where one value sits in the scanned line: no copy, just its kind and byte range.
///
/// For a string the range is its content without the quotes, still escaped when `hasEscapes` is true
/// (see `JSONValues.appendString(_:in:to:)`). For every other kind it is the value's exact JSON text: a number as
/// written, `true`/`false`/`null`, or an array or object from its opening to its closing bracket (so a nested value
/// can be stored as raw JSON text and parsed again later).
public struct JSONValueRef: Sendable, Hashable {
    /// The value's JSON type.
    public var kind: JSONValueKind
    /// For a string: whether its content holds a backslash escape. Always false for other kinds.
    public var hasEscapes: Bool
    /// Offset of the first byte, from the start of the scanned buffer.
    public var start: Int
    /// Offset one past the last byte.
    public var end: Int

    /// A reference to `start..<end` of a line.
    public init(kind: JSONValueKind, start: Int, end: Int, hasEscapes: Bool = false) {
        self.kind = kind
        self.hasEscapes = hasEscapes
        self.start = start
        self.end = end
    }

    /// `start..<end`.
    public var range: Range<Int> { start..<end }

    /// The number of bytes referred to.
    public var count: Int { end - start }

    /// The referenced bytes of `line`, which must be the buffer that was scanned.
    @inline(__always)
    public func bytes(in line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        precondition(start >= 0 && start <= end && end <= line.count, "JSONValueRef outside the line")
        return UnsafeRawBufferPointer(rebasing: line[start..<end])
    }
}

/// Why a line was refused, and where: the text that quarantine records keep.
///
/// `description` reads like `invalid JSON at byte 1234: unterminated string`.
public struct ScanError: Sendable, Error, Hashable, CustomStringConvertible {
    /// The family of a scan failure.
    public enum Kind: Sendable, Hashable {
        /// Bytes that are not UTF-8 (in a string, or anywhere).
        case invalidUTF8
        /// A violation of the JSON grammar (RFC 8259).
        case invalidJSON
        /// Arrays and objects nested deeper than the scanner's budget.
        case tooDeep
        /// Valid JSON whose top level is not an object.
        case notAnObject
        /// An object without a `data` key.
        case missingData
        /// A `data` key whose (last) value is not an object.
        case dataNotAnObject
    }

    /// The family of the failure.
    public var kind: Kind
    /// Offset of the offending byte from the start of the line (a leading BOM counts).
    public var offset: Int
    /// Short and human, without the offset: `unterminated string`, `expected ',' or '}'`.
    public var reason: String

    /// A failure of `kind` at `offset`.
    public init(kind: Kind, offset: Int, reason: String) {
        self.kind = kind
        self.offset = offset
        self.reason = reason
    }

    /// For example `invalid JSON at byte 1234: unterminated string`, or
    /// `invalid record at byte 0: top level is an array, not an object`.
    public var description: String {
        let family: String
        switch kind {
        case .invalidUTF8: family = "invalid UTF-8"
        case .invalidJSON, .tooDeep: family = "invalid JSON"
        case .notAnObject, .missingData, .dataNotAnObject: family = "invalid record"
        }
        return "\(family) at byte \(offset): \(reason)"
    }
}
