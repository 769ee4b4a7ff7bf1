/// Validates one input line as a JSON record `{"ok": true, "data": {...}, ...}` and finds the wanted keys of `data`.
///
/// A single pass over the bytes checks the whole line against RFC 8259 (structure, string escapes, number grammar,
/// UTF-8 in strings: overlong forms, encoded surrogates, truncated sequences and unescaped control characters are
/// errors) and, for every key of `data` that the field table names, records where its value is. Keys are compared
/// as bytes; nothing is copied and no `String` is made per field. A leading UTF-8 byte order mark and trailing
/// whitespace (including `\r`) are accepted.
///
/// Rules beyond the grammar:
/// - Duplicate keys in `data`: the last one wins. A second `data` key replaces the first one wholesale.
/// - A key written with escapes (`"i\u0064"`) matches like its unescaped text.
/// - `\u` escapes of lone surrogates are valid JSON (RFC 8259 §8.2 allows them); `JSONValues` decodes them as U+FFFD.
/// - Nesting: the top-level object is depth 1, `data` depth 2; a container deeper than `maxDepth` is an error.
///
/// A scanner holds no mutable state, so one can serve many threads.
public struct RecordScanner: Sendable {
    /// The keys of `data` that scans look for.
    public let fields: FieldTable
    /// The deepest nesting of arrays and objects accepted, counting the top-level object as 1.
    public let maxDepth: Int

    /// A scanner for the wanted `fields`. `maxDepth` must be at least 2 (the record and its `data`).
    public init(fields: FieldTable, maxDepth: Int = 64) {
        precondition(maxDepth >= 2, "RecordScanner: maxDepth must allow the record and its data object")
        self.fields = fields
        self.maxDepth = maxDepth
    }

    /// Scans one line; returns nil on success or the reason the line is refused.
    ///
    /// On return `slots` has `fields.count` entries: entry `i` refers to the value of `fields.fieldNames[i]` in
    /// `data`, or is nil when the key is absent. After an error every entry is nil. The references are offsets into
    /// `line`, valid for as long as its bytes are. Reusing one `slots` array for every line allocates nothing.
    public func scan(_ line: UnsafeRawBufferPointer, into slots: inout [JSONValueRef?]) -> ScanError? {
        if slots.count == fields.count {
            for i in slots.indices { slots[i] = nil }
        } else {
            slots = [JSONValueRef?](repeating: nil, count: fields.count)
        }
        guard let base = line.baseAddress, line.count > 0 else {
            return ScanError(kind: .invalidJSON, offset: 0, reason: "empty line")
        }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let failure: ScanError? = slots.withUnsafeMutableBufferPointer { slotBuffer in
            fields.buckets.withUnsafeBufferPointer { buckets in
                fields.keyBytes.withUnsafeBufferPointer { keyBytes in
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxDepth) { stack -> ScanError? in
                        let parser = RecordParser(
                            bytes: bytes,
                            count: line.count,
                            maxDepth: maxDepth,
                            stack: stack.baseAddress!,
                            lookup: FieldLookup(
                                buckets: buckets.baseAddress!,
                                keyBytes: keyBytes.baseAddress,
                                mask: fields.bucketMask
                            ),
                            slots: slotBuffer.baseAddress,
                            slotCount: slotBuffer.count
                        )
                        do throws(ScanError) {
                            try parser.scanRecord()
                            return nil
                        } catch {
                            parser.clearSlots()
                            return error
                        }
                    }
                }
            }
        }
        return failure
    }

    /// Scans one line held in an array; see `scan(_:into:)`.
    public func scan(_ line: [UInt8], into slots: inout [JSONValueRef?]) -> ScanError? {
        line.withUnsafeBytes { scan($0, into: &slots) }
    }
}

/// One scan's view of the line, the field table and the slots, all through pointers; every read checks `count`.
struct RecordParser {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    /// Open containers of `skipContainer`, one opening bracket per level; capacity `maxDepth`.
    let stack: UnsafeMutablePointer<UInt8>
    let lookup: FieldLookup
    let slots: UnsafeMutablePointer<JSONValueRef?>?
    let slotCount: Int

    func clearSlots() {
        for i in 0..<slotCount { slots.unsafelyUnwrapped[i] = nil }
    }

    // MARK: Record structure

    /// The whole line: BOM, whitespace, the top-level object, whitespace, end.
    func scanRecord() throws(ScanError) {
        var i = 0
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
        skipWhitespace(&i)
        guard i < count else { throw invalid(i, "empty line") }
        guard bytes[i] == asciiOpenBrace else {
            if let what = describeValueStart(bytes[i]) {
                // Valid JSON or not, this line is no record; say what it is.
                throw ScanError(kind: .notAnObject, offset: i, reason: "top level is \(what), not an object")
            }
            throw unexpected(i, expecting: "expected '{'")
        }
        i += 1
        // Where the last `data` value started and whether it was an object; -1 while none was seen.
        var dataOffset = -1
        var dataIsObject = false
        skipWhitespace(&i)
        guard i < count else { throw invalid(i, "unterminated object") }
        if bytes[i] != asciiCloseBrace {
            while true {
                guard bytes[i] == asciiQuote else { throw unexpected(i, expecting: "expected a key string") }
                var keyHasEscapes = false
                let keyEnd = try scanString(from: i, hasEscapes: &keyHasEscapes)
                let isData = isDataKey(start: i + 1, end: keyEnd, hasEscapes: keyHasEscapes)
                i = keyEnd + 1
                try expectColon(&i)
                if isData {
                    dataOffset = i
                    dataIsObject = bytes[i] == asciiOpenBrace
                    if dataIsObject {
                        clearSlots()  // a repeated `data` replaces the earlier one
                        try scanData(&i)
                    } else {
                        _ = try scanValue(&i, depth: 1)
                    }
                } else {
                    _ = try scanValue(&i, depth: 1)
                }
                skipWhitespace(&i)
                guard i < count else { throw invalid(i, "unterminated object") }
                let b = bytes[i]
                if b == asciiComma {
                    i += 1
                    skipWhitespace(&i)
                    guard i < count else { throw invalid(i, "unterminated object") }
                    if bytes[i] == asciiCloseBrace { throw invalid(i, "trailing comma before '}'") }
                } else if b == asciiCloseBrace {
                    break
                } else {
                    throw unexpected(i, expecting: "expected ',' or '}'")
                }
            }
        }
        let closeOffset = i
        i += 1
        skipWhitespace(&i)
        guard i == count else { throw unexpected(i, expecting: "unexpected text after the object") }
        if dataOffset < 0 {
            throw ScanError(kind: .missingData, offset: closeOffset, reason: "no \"data\" object")
        }
        if !dataIsObject {
            let what = describeValueStart(bytes[dataOffset]) ?? "not a value"
            throw ScanError(kind: .dataNotAnObject, offset: dataOffset, reason: "\"data\" is \(what), not an object")
        }
    }

    /// The `data` object at `bytes[i] == '{'` (depth 2): every member is validated, wanted ones fill their slot.
    @inline(__always)
    func scanData(_ i: inout Int) throws(ScanError) {
        i += 1
        skipWhitespace(&i)
        guard i < count else { throw invalid(i, "unterminated object") }
        if bytes[i] == asciiCloseBrace {
            i += 1
            return
        }
        while true {
            guard bytes[i] == asciiQuote else { throw unexpected(i, expecting: "expected a key string") }
            var keyHasEscapes = false
            let keyEnd = try scanString(from: i, hasEscapes: &keyHasEscapes)
            let keyStart = i + 1
            let field =
                keyHasEscapes
                ? escapedKeyField(start: keyStart, end: keyEnd) : lookup.field(bytes + keyStart, keyEnd - keyStart)
            i = keyEnd + 1
            try expectColon(&i)
            let value = try scanValue(&i, depth: 2)
            if field >= 0 { slots.unsafelyUnwrapped[field] = value }  // field >= 0 implies a slot exists
            skipWhitespace(&i)
            guard i < count else { throw invalid(i, "unterminated object") }
            let b = bytes[i]
            if b == asciiComma {
                i += 1
                skipWhitespace(&i)
                guard i < count else { throw invalid(i, "unterminated object") }
                if bytes[i] == asciiCloseBrace { throw invalid(i, "trailing comma before '}'") }
            } else if b == asciiCloseBrace {
                i += 1
                return
            } else {
                throw unexpected(i, expecting: "expected ',' or '}'")
            }
        }
    }

    /// After a key: optional whitespace, ':', optional whitespace, and at least one more byte for the value.
    @inline(__always)
    func expectColon(_ i: inout Int) throws(ScanError) {
        skipWhitespace(&i)
        guard i < count, bytes[i] == asciiColon else { throw unexpected(i, expecting: "expected ':' after key") }
        i += 1
        skipWhitespace(&i)
        guard i < count else { throw invalid(i, "expected a value") }
    }

    func isDataKey(start: Int, end: Int, hasEscapes: Bool) -> Bool {
        if !hasEscapes {
            return end - start == 4 && bytes[start] == UInt8(ascii: "d") && bytes[start + 1] == UInt8(ascii: "a")
                && bytes[start + 2] == UInt8(ascii: "t") && bytes[start + 3] == UInt8(ascii: "a")
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end - start) { buffer in
            let n = unescapeContent(bytes + start, end - start, into: buffer.baseAddress!)
            return n == 4 && Array(buffer[0..<4]) == Array("data".utf8)
        }
    }

    /// The rare key written with escapes: unescape it on the stack, then look it up.
    func escapedKeyField(start: Int, end: Int) -> Int {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end - start) { buffer in
            let n = unescapeContent(bytes + start, end - start, into: buffer.baseAddress!)
            return n < 0 ? -1 : lookup.field(UnsafePointer(buffer.baseAddress!), n)
        }
    }

    // MARK: Values

    /// The value at `bytes[i]` (not whitespace, `i < count`), inside a container at `depth`; moves `i` past it.
    @inline(__always)
    func scanValue(_ i: inout Int, depth: Int) throws(ScanError) -> JSONValueRef {
        let start = i
        switch bytes[i] {
        case asciiQuote:
            var hasEscapes = false
            let end = try scanString(from: i, hasEscapes: &hasEscapes)
            i = end + 1
            return JSONValueRef(kind: .string, start: start + 1, end: end, hasEscapes: hasEscapes)
        case asciiOpenBrace:
            i = try skipContainer(from: i, depth: depth)
            return JSONValueRef(kind: .object, start: start, end: i)
        case asciiOpenBracket:
            i = try skipContainer(from: i, depth: depth)
            return JSONValueRef(kind: .array, start: start, end: i)
        default:
            let kind = try skipScalar(&i)
            return JSONValueRef(kind: kind, start: start, end: i)
        }
    }

    /// A number or literal at `bytes[i]`; moves `i` past it.
    @inline(__always)
    func skipScalar(_ i: inout Int) throws(ScanError) -> JSONValueKind {
        let b = bytes[i]
        if b == asciiMinus || isDigit(b) {
            i = try skipNumber(from: i)
            return .number
        }
        switch b {
        case asciiLowerT:
            try expectLiteral(&i, "true")
            return .true
        case asciiLowerF:
            try expectLiteral(&i, "false")
            return .false
        case asciiLowerN:
            try expectLiteral(&i, "null")
            return .null
        case asciiQuote:
            var ignored = false
            i = try scanString(from: i, hasEscapes: &ignored) + 1
            return .string
        default:
            throw unexpected(i, expecting: "expected a value")
        }
    }

    @inline(__always)
    func expectLiteral(_ i: inout Int, _ literal: StaticString) throws(ScanError) {
        let n = literal.utf8CodeUnitCount
        let text = literal.utf8Start
        var k = 1
        while k < n {
            guard i + k < count, bytes[i + k] == text[k] else {
                throw invalid(i, "invalid literal, expected '\(literal)'")
            }
            k += 1
        }
        i += n
    }

    /// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?` from `bytes[start]`; returns the index after it.
    @inline(__always)
    func skipNumber(from start: Int) throws(ScanError) -> Int {
        var i = start
        if bytes[i] == asciiMinus {
            i += 1
            guard i < count, isDigit(bytes[i]) else { throw invalid(i, "expected a digit after '-'") }
        }
        if bytes[i] == asciiZero {
            i += 1
            if i < count && isDigit(bytes[i]) { throw invalid(start, "number with a leading zero") }
        } else {
            while i < count && isDigit(bytes[i]) { i += 1 }
        }
        if i < count && bytes[i] == asciiPeriod {
            i += 1
            guard i < count, isDigit(bytes[i]) else { throw invalid(i, "expected a digit after the decimal point") }
            while i < count && isDigit(bytes[i]) { i += 1 }
        }
        if i < count && (bytes[i] | 0x20) == asciiLowerE {
            i += 1
            if i < count && (bytes[i] == asciiPlus || bytes[i] == asciiMinus) { i += 1 }
            guard i < count, isDigit(bytes[i]) else { throw invalid(i, "expected a digit in the exponent") }
            while i < count && isDigit(bytes[i]) { i += 1 }
        }
        return i
    }

    /// The string whose opening quote is at `quote`; returns the index of its closing quote.
    ///
    /// The fast loop looks at eight bytes at a time and stops only at a quote, a backslash, a control character or
    /// a non-ASCII byte; UTF-8 is validated sequence by sequence only where a byte >= 0x80 occurs.
    @inline(__always)
    func scanString(from quote: Int, hasEscapes: inout Bool) throws(ScanError) -> Int {
        var j = quote + 1
        while true {
            while j &+ 8 <= count {
                let mask = stringStopMask(loadWord(bytes + j))
                if mask != 0 {
                    j &+= mask.trailingZeroBitCount &>> 3
                    break
                }
                j &+= 8
            }
            guard j < count else { throw invalid(quote, "unterminated string") }
            let b = bytes[j]
            if b == asciiQuote { return j }
            if b == asciiBackslash {
                j = try skipEscape(at: j, quote: quote)
                hasEscapes = true
            } else if b >= 0x80 {
                do throws(UTF8Problem) {
                    j = try validateUTF8Sequence(bytes, at: j, end: count)
                } catch {
                    throw ScanError(kind: .invalidUTF8, offset: j, reason: error.reason)
                }
            } else if b < 0x20 {
                throw invalid(j, "unescaped control character \(hexByte(b)) in string")
            } else {
                j += 1  // an ordinary byte among the last seven of the line
            }
        }
    }

    /// The escape whose backslash is at `j`; returns the index after it.
    @inline(__always)
    func skipEscape(at j: Int, quote: Int) throws(ScanError) -> Int {
        guard j + 1 < count else { throw invalid(quote, "unterminated string") }
        switch bytes[j + 1] {
        case asciiQuote, asciiBackslash, asciiSlash, asciiLowerB, asciiLowerF, asciiLowerN, asciiLowerR, asciiLowerT:
            return j + 2
        case asciiLowerU:
            for k in 2..<6 {
                guard j + k < count else { throw invalid(quote, "unterminated string") }
                guard hexValue(bytes[j + k]) != nil else {
                    throw invalid(j, "invalid \\u escape, expected 4 hex digits")
                }
            }
            return j + 6
        default:
            let b = bytes[j + 1]
            if b >= 0x20 && b < 0x7F {
                throw invalid(j, "invalid escape '\\\(Character(Unicode.Scalar(b)))' in string")
            }
            throw invalid(j, "invalid escape in string")
        }
    }

    /// The array or object opening at `bytes[start]`, whose parent is at `depth`; returns the index after it.
    ///
    /// Iterative, with the open brackets on `stack`, so hostile nesting costs neither the call stack nor more than
    /// `maxDepth` bytes.
    func skipContainer(from start: Int, depth: Int) throws(ScanError) -> Int {
        var i = start
        var level = 0
        opening: while true {
            // bytes[i] is '{' or '['.
            if depth + level + 1 > maxDepth { throw tooDeep(i) }
            let opener = bytes[i]
            stack[level] = opener
            level += 1
            i += 1
            skipWhitespace(&i)
            guard i < count else { throw unterminatedContainer(opener, i) }
            if bytes[i] == closer(of: opener) {
                i += 1
                level -= 1
                if level == 0 { return i }
            } else {
                if opener == asciiOpenBrace { try skipMemberKey(&i) }
                let b = bytes[i]
                if b == asciiOpenBrace || b == asciiOpenBracket { continue opening }
                _ = try skipScalar(&i)
            }
            // After a value inside stack[level - 1].
            while true {
                skipWhitespace(&i)
                let top = stack[level - 1]
                guard i < count else { throw unterminatedContainer(top, i) }
                let b = bytes[i]
                if b == asciiComma {
                    i += 1
                    skipWhitespace(&i)
                    guard i < count else { throw unterminatedContainer(top, i) }
                    if bytes[i] == closer(of: top) {
                        throw invalid(i, "trailing comma before '\(Character(Unicode.Scalar(closer(of: top))))'")
                    }
                    if top == asciiOpenBrace { try skipMemberKey(&i) }
                    let next = bytes[i]
                    if next == asciiOpenBrace || next == asciiOpenBracket { continue opening }
                    _ = try skipScalar(&i)
                } else if b == closer(of: top) {
                    i += 1
                    level -= 1
                    if level == 0 { return i }
                } else {
                    throw unexpected(
                        i,
                        expecting: top == asciiOpenBrace ? "expected ',' or '}'" : "expected ',' or ']'"
                    )
                }
            }
        }
    }

    /// A member key of a nested object and its colon.
    @inline(__always)
    func skipMemberKey(_ i: inout Int) throws(ScanError) {
        guard bytes[i] == asciiQuote else { throw unexpected(i, expecting: "expected a key string") }
        var ignored = false
        i = try scanString(from: i, hasEscapes: &ignored) + 1
        try expectColon(&i)
    }

    @inline(__always)
    func closer(of opener: UInt8) -> UInt8 { opener == asciiOpenBrace ? asciiCloseBrace : asciiCloseBracket }

    @inline(__always)
    func skipWhitespace(_ i: inout Int) {
        while i < count && isJSONWhitespace(bytes[i]) { i += 1 }
    }

    // MARK: Errors (cold)

    func invalid(_ offset: Int, _ reason: String) -> ScanError {
        ScanError(kind: .invalidJSON, offset: offset, reason: reason)
    }

    func tooDeep(_ offset: Int) -> ScanError {
        ScanError(kind: .tooDeep, offset: offset, reason: "nested deeper than \(maxDepth) levels")
    }

    func unterminatedContainer(_ opener: UInt8, _ offset: Int) -> ScanError {
        invalid(offset, opener == asciiOpenBrace ? "unterminated object" : "unterminated array")
    }

    /// An error for the unexpected byte at `offset`: invalid UTF-8 when it starts a bad sequence, else `expecting`
    /// with the character that was found instead.
    func unexpected(_ offset: Int, expecting: String) -> ScanError {
        guard offset < count else { return invalid(offset, "\(expecting), found the end of the line") }
        let b = bytes[offset]
        if b >= 0x80 {
            do throws(UTF8Problem) {
                _ = try validateUTF8Sequence(bytes, at: offset, end: count)
            } catch {
                return ScanError(kind: .invalidUTF8, offset: offset, reason: error.reason)
            }
            return invalid(offset, "\(expecting), found a non-ASCII character")
        }
        if b >= 0x21 && b < 0x7F {
            return invalid(offset, "\(expecting), found '\(Character(Unicode.Scalar(b)))'")
        }
        return invalid(offset, "\(expecting), found byte \(hexByte(b))")
    }

    /// What a value starting with `b` would be, for messages; nil if no value starts so.
    func describeValueStart(_ b: UInt8) -> String? {
        switch b {
        case asciiQuote: return "a string"
        case asciiOpenBracket: return "an array"
        case asciiOpenBrace: return "an object"
        case asciiMinus, asciiZero...UInt8(ascii: "9"): return "a number"
        case asciiLowerT, asciiLowerF: return "a boolean"
        case asciiLowerN: return "null"
        default: return nil
        }
    }
}

func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return "0x" + String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
}
