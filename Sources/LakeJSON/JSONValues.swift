/// Pure parsers for the values a `RecordScanner` found: nothing is allocated except output bytes.
///
/// Each parser comes in two forms: one taking a `JSONValueRef` and the scanned line (it reads numbers and strings,
/// unescaping a string on the stack when needed, and answers nil for other kinds), and one taking text bytes
/// (`text:`, e.g. already unescaped string content). A nil result means "does not parse as this type".
///
/// Numeric text accepted inside strings: optional spaces, an optional `+` or `-`, digits (leading zeros allowed), an
/// optional `.` with at least one digit, an optional exponent `e`/`E` with optional sign and digits, optional
/// spaces. JSON number tokens are a subset of this.
public enum JSONValues {
    // MARK: Strings

    /// Appends the unescaped UTF-8 of JSON string content (without quotes) to `output`.
    ///
    /// Handles every RFC 8259 escape, `\uXXXX` surrogate pairs included. A `\u` escape of a lone surrogate (valid
    /// JSON, but no character) becomes U+FFFD, the replacement character. Returns false, leaving `output` as it
    /// was, when the content has a malformed escape (never the case for content a scan accepted).
    @discardableResult
    public static func unescape(_ content: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Bool {
        guard let source = content.baseAddress, content.count > 0 else { return true }
        let oldCount = output.count
        // Unescaped text is never longer than its escaped form, so copy first, then unescape into that room.
        output.append(contentsOf: content)
        let written = output.withUnsafeMutableBufferPointer { buffer in
            unescapeContent(
                source.assumingMemoryBound(to: UInt8.self),
                content.count,
                into: buffer.baseAddress! + oldCount
            )
        }
        if written < 0 {
            output.removeLast(content.count)
            return false
        }
        output.removeLast(content.count - written)
        return true
    }

    /// Appends a value's text to `output`: a string's unescaped content, or the JSON text of any other kind.
    @discardableResult
    public static func appendString(
        _ value: JSONValueRef,
        in line: UnsafeRawBufferPointer,
        to output: inout [UInt8]
    ) -> Bool {
        let bytes = value.bytes(in: line)
        if value.kind == .string && value.hasEscapes { return unescape(bytes, into: &output) }
        output.append(contentsOf: bytes)
        return true
    }

    // MARK: Numbers

    /// An integer from a number or a numeric string: `3`, `"3"`, `3.0`, `"3e2"`; nil for `3.5`, for values outside
    /// Int64 and for non-numeric text.
    public static func int64(_ value: JSONValueRef, in line: UnsafeRawBufferPointer) -> Int64? {
        withText(of: value, in: line, allowStrings: true) { int64(text: $0) }
    }

    /// An integer from numeric text; see `int64(_:in:)`.
    public static func int64(text: UnsafeRawBufferPointer) -> Int64? {
        scaled(text: text, scale: 0, exact: true)
    }

    /// A decimal as an Int64 holding `value × 10^scale`, exactly (never through Double).
    ///
    /// `1715.19` at scale 2 is 171519, `115` is 11500, `1.5e3` is 150000. Digits beyond the scale are rounded half
    /// away from zero: `1715.195` → 171520, `-0.005` → -1. Nil when the result is outside Int64 or the text is not
    /// numeric. `scale` must be in 0...18.
    public static func decimal(_ value: JSONValueRef, in line: UnsafeRawBufferPointer, scale: Int) -> Int64? {
        withText(of: value, in: line, allowStrings: true) { decimal(text: $0, scale: scale) }
    }

    /// A scaled decimal from numeric text; see `decimal(_:in:scale:)`.
    public static func decimal(text: UnsafeRawBufferPointer, scale: Int) -> Int64? {
        precondition((0...18).contains(scale), "decimal scale must be in 0...18")
        return scaled(text: text, scale: scale, exact: false)
    }

    /// The nearest Double to a number or numeric string (correctly rounded); nil when not numeric or not finite
    /// (`1e400`).
    ///
    /// Short inputs (at most 15 significant digits, decimal exponent within ±22) take an exact fast path of one
    /// multiplication or division; the rest go through the standard library's correctly rounded conversion.
    public static func double(_ value: JSONValueRef, in line: UnsafeRawBufferPointer) -> Double? {
        withText(of: value, in: line, allowStrings: true) { double(text: $0) }
    }

    /// A Double from numeric text; see `double(_:in:)`.
    public static func double(text: UnsafeRawBufferPointer) -> Double? {
        guard let base = text.baseAddress else { return nil }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let trimmed = trimmedSpaces(bytes, text.count)
        var start = trimmed.0
        let end = trimmed.1
        guard let number = NumberText(bytes, start, end) else { return nil }
        let fractionCount = number.fractionEnd - number.fractionStart
        let shift = number.exponent - fractionCount
        // Significant digits: skip leading zeros, then at most 15 digits fit a Double exactly.
        var significand: UInt64 = 0
        var digitCount = 0
        var index = 0
        let total = number.digitCount
        while index < total && number.digit(bytes, index) == 0 { index += 1 }
        var fast = shift >= -22 && shift <= 22
        while fast && index < total {
            significand = significand &* 10 &+ UInt64(number.digit(bytes, index))
            digitCount += 1
            index += 1
            if digitCount > 15 { fast = false }
        }
        if fast {
            var result = Double(significand)
            if shift >= 0 { result *= powerOfTen(shift) } else { result /= powerOfTen(-shift) }
            return number.isNegative ? -result : result
        }
        // Slow path: the validated slice through the standard library (a small String for up to 15 bytes).
        if bytes[start] == asciiPlus { start += 1 }
        let string = String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
        guard let result = Double(string), result.isFinite else { return nil }
        return result
    }

    // MARK: Booleans

    /// A Bool from JSON `true`/`false` or from a string `true`/`false`, `yes`/`no`, `y`/`n` in any case, with
    /// optional surrounding spaces; nil otherwise.
    public static func bool(_ value: JSONValueRef, in line: UnsafeRawBufferPointer) -> Bool? {
        switch value.kind {
        case .true: return true
        case .false: return false
        case .string: return withText(of: value, in: line, allowStrings: true) { bool(text: $0) }
        default: return nil
        }
    }

    /// A Bool from text; see `bool(_:in:)`.
    public static func bool(text: UnsafeRawBufferPointer) -> Bool? {
        guard let base = text.baseAddress else { return nil }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let (start, end) = trimmedSpaces(bytes, text.count)
        var folded: UInt64 = 0  // up to five ASCII letters, lower-cased, packed big-end first
        guard end - start <= 5 else { return nil }
        for i in start..<end {
            let b = bytes[i]
            guard b < 0x80 else { return nil }
            folded = folded << 8 | UInt64(b | 0x20)
        }
        switch folded {
        case 0x74_72_75_65, 0x79_65_73, 0x79: return true  // true, yes, y
        case 0x66_61_6C_73_65, 0x6E_6F, 0x6E: return false  // false, no, n
        default: return nil
        }
    }

    // MARK: Shared

    /// Runs `body` on the text of a number, or of a string (unescaped on the stack if needed); nil for other kinds.
    @inline(__always)
    static func withText<R>(
        of value: JSONValueRef,
        in line: UnsafeRawBufferPointer,
        allowStrings: Bool,
        _ body: (UnsafeRawBufferPointer) -> R?
    ) -> R? {
        switch value.kind {
        case .number:
            return body(value.bytes(in: line))
        case .string where allowStrings:
            let bytes = value.bytes(in: line)
            guard value.hasEscapes, let source = bytes.baseAddress else { return body(bytes) }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { buffer in
                let n = unescapeContent(
                    source.assumingMemoryBound(to: UInt8.self),
                    bytes.count,
                    into: buffer.baseAddress!
                )
                guard n >= 0 else { return nil }
                return body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
            }
        default:
            return nil
        }
    }

    /// `text × 10^scale` as an Int64. `exact`: nil if digits would be dropped that are not zero; otherwise round
    /// half away from zero.
    static func scaled(text: UnsafeRawBufferPointer, scale: Int, exact: Bool) -> Int64? {
        guard let base = text.baseAddress else { return nil }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let (start, end) = trimmedSpaces(bytes, text.count)
        guard let number = NumberText(bytes, start, end) else { return nil }
        let total = number.digitCount
        // value = D × 10^shift, D being all digits without the decimal point.
        let shift = number.exponent - (number.fractionEnd - number.fractionStart) + scale
        let kept = shift >= 0 ? total : total + shift  // leading digits before the (scaled) decimal point
        var magnitude: UInt64 = 0
        var index = 0
        while index < min(kept, total) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(number.digit(bytes, index)))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
            index += 1
        }
        if kept < total {
            if exact {
                for k in max(kept, 0)..<total where number.digit(bytes, k) != 0 { return nil }
            } else if kept >= 0 && number.digit(bytes, kept) >= 5 {
                let (rounded, overflow) = magnitude.addingReportingOverflow(1)
                if overflow { return nil }
                magnitude = rounded
            }
        }
        if shift > 0 && magnitude != 0 {
            guard shift <= 19 else { return nil }
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: UInt64(powerOfTenInteger(shift)))
            if overflow { return nil }
            magnitude = product
        }
        if number.isNegative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    @inline(__always)
    static func powerOfTen(_ n: Int) -> Double {
        // Exact for 0...22: 10^22 < 2^53 × 2^22.
        var result = 1.0
        var base = 10.0
        var e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }

    static func powerOfTenInteger(_ n: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<n { result &*= 10 }
        return result
    }
}

/// The start and end of `bytes[0..<count]` without leading and trailing ASCII spaces.
@inline(__always)
func trimmedSpaces(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> (Int, Int) {
    var start = 0
    var end = count
    while start < end && bytes[start] == asciiSpace { start += 1 }
    while end > start && bytes[end - 1] == asciiSpace { end -= 1 }
    return (start, end)
}

/// The parts of numeric text (see `JSONValues`): sign, integer digits, fraction digits, exponent.
struct NumberText {
    var isNegative = false
    var integerStart = 0
    var integerEnd = 0
    var fractionStart = 0
    var fractionEnd = 0
    /// Clamped to ±1,000,000,000, far beyond any representable value, so that it never overflows.
    var exponent = 0

    @inline(__always)
    init?(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) {
        var i = start
        guard i < end else { return nil }
        if bytes[i] == asciiMinus {
            isNegative = true
            i += 1
        } else if bytes[i] == asciiPlus {
            i += 1
        }
        integerStart = i
        while i < end && isDigit(bytes[i]) { i += 1 }
        integerEnd = i
        guard integerEnd > integerStart else { return nil }
        fractionStart = i
        fractionEnd = i
        if i < end && bytes[i] == asciiPeriod {
            i += 1
            fractionStart = i
            while i < end && isDigit(bytes[i]) { i += 1 }
            fractionEnd = i
            guard fractionEnd > fractionStart else { return nil }
        }
        if i < end && (bytes[i] | 0x20) == asciiLowerE {
            i += 1
            var negativeExponent = false
            if i < end && (bytes[i] == asciiPlus || bytes[i] == asciiMinus) {
                negativeExponent = bytes[i] == asciiMinus
                i += 1
            }
            guard i < end && isDigit(bytes[i]) else { return nil }
            var value = 0
            while i < end && isDigit(bytes[i]) {
                if value < 1_000_000_000 { value = value * 10 + Int(bytes[i] &- asciiZero) }
                i += 1
            }
            exponent = negativeExponent ? -value : value
        }
        guard i == end else { return nil }
    }

    /// Integer and fraction digits together.
    @inline(__always)
    var digitCount: Int { (integerEnd - integerStart) + (fractionEnd - fractionStart) }

    /// Digit `k` of the integer digits followed by the fraction digits.
    @inline(__always)
    func digit(_ bytes: UnsafePointer<UInt8>, _ k: Int) -> UInt8 {
        let integerCount = integerEnd - integerStart
        return (k < integerCount ? bytes[integerStart + k] : bytes[fractionStart + k - integerCount]) &- asciiZero
    }
}

/// Unescapes JSON string content `source[0..<count]` into `destination`, which has room for `count` bytes.
/// Returns the number of bytes written, or -1 for a malformed escape. Lone surrogate escapes become U+FFFD.
func unescapeContent(
    _ source: UnsafePointer<UInt8>,
    _ count: Int,
    into destination: UnsafeMutablePointer<UInt8>
) -> Int {
    var i = 0
    var o = 0
    while i < count {
        // Copy runs without a backslash eight bytes at a time (o <= i, so the store stays within `count`).
        while i &+ 8 <= count {
            let word = loadWord(source + i)
            let x = word ^ repeated(asciiBackslash)
            let mask = (x &- repeated(1)) & ~x & repeated(0x80)
            UnsafeMutableRawPointer(destination + o).storeBytes(of: word.littleEndian, as: UInt64.self)
            if mask != 0 {
                let run = mask.trailingZeroBitCount >> 3
                i += run
                o += run
                break
            }
            i += 8
            o += 8
        }
        guard i < count else { break }
        let b = source[i]
        if b != asciiBackslash {
            destination[o] = b
            o += 1
            i += 1
            continue
        }
        guard i + 1 < count else { return -1 }
        let replacement: UInt8
        switch source[i + 1] {
        case asciiQuote: replacement = asciiQuote
        case asciiBackslash: replacement = asciiBackslash
        case asciiSlash: replacement = asciiSlash
        case asciiLowerB: replacement = asciiBackspace
        case asciiLowerF: replacement = asciiFormFeed
        case asciiLowerN: replacement = asciiNewline
        case asciiLowerR: replacement = asciiReturn
        case asciiLowerT: replacement = asciiTab
        case asciiLowerU:
            guard let unit = hex4(source, i + 2, count) else { return -1 }
            i += 6
            var scalar = unit
            if unit >= 0xD800 && unit <= 0xDBFF {
                if i + 6 <= count && source[i] == asciiBackslash && source[i + 1] == asciiLowerU,
                    let low = hex4(source, i + 2, count), low >= 0xDC00 && low <= 0xDFFF
                {
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else {
                    scalar = 0xFFFD
                }
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                scalar = 0xFFFD
            }
            o += encodeUTF8(scalar, destination + o)
            continue
        default:
            return -1
        }
        destination[o] = replacement
        o += 1
        i += 2
    }
    return o
}

@inline(__always)
func hex4(_ bytes: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> UInt32? {
    guard at + 4 <= count else { return nil }
    var value: UInt32 = 0
    for k in 0..<4 {
        guard let digit = hexValue(bytes[at + k]) else { return nil }
        value = value << 4 | digit
    }
    return value
}

/// Writes the UTF-8 of a scalar (not a surrogate); returns its length.
@inline(__always)
func encodeUTF8(_ scalar: UInt32, _ out: UnsafeMutablePointer<UInt8>) -> Int {
    switch scalar {
    case 0..<0x80:
        out[0] = UInt8(scalar)
        return 1
    case 0x80..<0x800:
        out[0] = UInt8(0xC0 | scalar >> 6)
        out[1] = UInt8(0x80 | scalar & 0x3F)
        return 2
    case 0x800..<0x10000:
        out[0] = UInt8(0xE0 | scalar >> 12)
        out[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
        out[2] = UInt8(0x80 | scalar & 0x3F)
        return 3
    default:
        out[0] = UInt8(0xF0 | scalar >> 18)
        out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
        out[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
        out[3] = UInt8(0x80 | scalar & 0x3F)
        return 4
    }
}
