// Byte-level JSON output: everything a record needs is appended to one reused [UInt8], never via String.

/// A string's JSON body (between the quotes) in both spellings the source uses: non-ASCII as `\uXXXX` escapes
/// (Python's `json.dumps` default, as in the real records) and as raw UTF-8.
struct EncodedText: Sendable {
    var escaped: [UInt8]
    var raw: [UInt8]

    init(_ text: String) {
        escaped = []
        raw = []
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += [0x5C, 0x22]; raw += [0x5C, 0x22]
            case "\\": escaped += [0x5C, 0x5C]; raw += [0x5C, 0x5C]
            case "\n": escaped += [0x5C, 0x6E]; raw += [0x5C, 0x6E]
            case "\t": escaped += [0x5C, 0x74]; raw += [0x5C, 0x74]
            default:
                if scalar.value < 0x20 {
                    EncodedText.appendEscape(UInt16(scalar.value), to: &escaped)
                    EncodedText.appendEscape(UInt16(scalar.value), to: &raw)
                } else if scalar.value < 0x80 {
                    escaped.append(UInt8(scalar.value))
                    raw.append(UInt8(scalar.value))
                } else {
                    for unit in String(scalar).utf16 { EncodedText.appendEscape(unit, to: &escaped) }
                    raw.append(contentsOf: String(scalar).utf8)
                }
            }
        }
    }

    private static func appendEscape(_ unit: UInt16, to out: inout [UInt8]) {
        out += [0x5C, 0x75]
        for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigits[Int(unit >> UInt16(shift)) & 15]) }
    }

    @inline(__always) func bytes(ascii: Bool) -> [UInt8] { ascii ? escaped : raw }
}

let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Appending primitives over the line buffer.
extension [UInt8] {
    @inline(__always) mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inline(__always) mutating func put(_ bytes: [UInt8]) { append(contentsOf: bytes) }

    /// `, "key": ` — every field but the first in an object.
    @inline(__always) mutating func key(_ k: StaticString) {
        put(", \"")
        put(k)
        put("\": ")
    }

    mutating func putInt(_ value: Int) {
        var v = value
        if v < 0 {
            append(0x2D)
            v = -v
        }
        if v < 10 {
            append(UInt8(0x30 + v))
            return
        }
        var divisor = 10
        while divisor <= v / 10 { divisor *= 10 }
        while divisor > 0 {
            append(UInt8(0x30 + v / divisor))
            v %= divisor
            divisor /= 10
        }
    }

    /// Zero-padded to `width` digits.
    mutating func putInt(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            append(UInt8(0x30 + (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// A value in hundredths as the source writes numbers: `115`, `1715.19`, `812.5` (never a trailing zero).
    mutating func putHundredths(_ value: Int) {
        putInt(value / 100)
        let fraction = value % 100
        if fraction == 0 { return }
        append(0x2E)
        append(UInt8(0x30 + fraction / 10))
        if fraction % 10 != 0 { append(UInt8(0x30 + fraction % 10)) }
    }

    @inline(__always) mutating func putFlag(_ flag: Bool) {
        if flag { put("\"true\"") } else { put("\"false\"") }
    }

    @inline(__always) mutating func putQuoted(_ bytes: [UInt8]) {
        append(0x22)
        append(contentsOf: bytes)
        append(0x22)
    }

    @inline(__always) mutating func putQuoted(_ s: StaticString) {
        append(0x22)
        put(s)
        append(0x22)
    }

    mutating func putHex(_ value: UInt64, digits: Int) {
        for i in stride(from: digits - 1, through: 0, by: -1) {
            append(hexDigits[Int((value >> UInt64(i * 4)) & 15)])
        }
    }
}
