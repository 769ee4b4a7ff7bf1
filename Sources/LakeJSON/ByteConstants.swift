// Named bytes, in the manner of apple/swift-protobuf's JSONScanner, so that the scanning code reads as the grammar.

let asciiQuote = UInt8(ascii: "\"")
let asciiBackslash = UInt8(ascii: "\\")
let asciiSlash = UInt8(ascii: "/")
let asciiColon = UInt8(ascii: ":")
let asciiComma = UInt8(ascii: ",")
let asciiOpenBrace = UInt8(ascii: "{")
let asciiCloseBrace = UInt8(ascii: "}")
let asciiOpenBracket = UInt8(ascii: "[")
let asciiCloseBracket = UInt8(ascii: "]")
let asciiMinus = UInt8(ascii: "-")
let asciiPlus = UInt8(ascii: "+")
let asciiPeriod = UInt8(ascii: ".")
let asciiZero = UInt8(ascii: "0")
let asciiLowerA = UInt8(ascii: "a")
let asciiLowerB = UInt8(ascii: "b")
let asciiLowerE = UInt8(ascii: "e")
let asciiUpperE = UInt8(ascii: "E")
let asciiLowerF = UInt8(ascii: "f")
let asciiLowerN = UInt8(ascii: "n")
let asciiLowerR = UInt8(ascii: "r")
let asciiLowerT = UInt8(ascii: "t")
let asciiUpperT = UInt8(ascii: "T")
let asciiLowerU = UInt8(ascii: "u")
let asciiUpperZ = UInt8(ascii: "Z")
let asciiSpace = UInt8(ascii: " ")
let asciiTab = UInt8(ascii: "\t")
let asciiNewline = UInt8(ascii: "\n")
let asciiReturn = UInt8(ascii: "\r")
let asciiBackspace: UInt8 = 0x08
let asciiFormFeed: UInt8 = 0x0C

/// JSON insignificant whitespace (RFC 8259 §2): space, tab, line feed, carriage return.
@inline(__always)
func isJSONWhitespace(_ byte: UInt8) -> Bool {
    byte == asciiSpace || byte == asciiNewline || byte == asciiReturn || byte == asciiTab
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte &- asciiZero < 10 }

/// The value of a hexadecimal digit, or nil.
@inline(__always)
func hexValue(_ byte: UInt8) -> UInt32? {
    if byte &- asciiZero < 10 { return UInt32(byte &- asciiZero) }
    let lower = byte | 0x20
    if lower &- asciiLowerA < 6 { return UInt32(lower &- asciiLowerA) + 10 }
    return nil
}

/// Eight copies of a byte in one word, for the SWAR tests below.
@inline(__always)
func repeated(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }

/// Loads eight bytes at `pointer` as a little-endian word, whatever the alignment.
@inline(__always)
func loadWord(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
    UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
}

/// For eight bytes of string content loaded little-endian: a word whose lowest set bit is the high bit of the first
/// byte that ends a fast run (a quote, a backslash, a control character below 0x20, or any byte >= 0x80), or 0.
///
/// Each term is the classic "has a byte less than n" test; borrows only travel upwards, so the lowest set bit is
/// exact even where higher bits are false positives.
@inline(__always)
func stringStopMask(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let quote = word ^ repeated(asciiQuote)
    let backslash = word ^ repeated(asciiBackslash)
    return (word | (word &- repeated(0x20)) | (quote &- ones) | (backslash &- ones)) & highs
}

/// Why a UTF-8 sequence is invalid, in the terms of the Unicode standard's Table 3-7.
enum UTF8Problem: Error {
    case unexpectedContinuation
    case overlong
    case surrogate
    case tooLarge
    case invalidByte
    case truncated

    var reason: String {
        switch self {
        case .unexpectedContinuation: return "unexpected continuation byte"
        case .overlong: return "overlong encoding"
        case .surrogate: return "UTF-16 surrogate encoded in UTF-8"
        case .tooLarge: return "code point above U+10FFFF"
        case .invalidByte: return "byte never valid in UTF-8"
        case .truncated: return "truncated multi-byte sequence"
        }
    }
}

/// Validates the multi-byte UTF-8 sequence whose lead byte (>= 0x80) is at `bytes[index]`, reading nothing at or
/// after `end`. Returns the index after the sequence.
@inline(__always)
func validateUTF8Sequence(_ bytes: UnsafePointer<UInt8>, at index: Int, end: Int) throws(UTF8Problem) -> Int {
    let lead = bytes[index]
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    var lowProblem = UTF8Problem.truncated
    var highProblem = UTF8Problem.truncated
    switch lead {
    case 0x80...0xBF: throw .unexpectedContinuation
    case 0xC0, 0xC1: throw .overlong
    case 0xC2...0xDF: length = 2
    case 0xE0:
        length = 3
        low = 0xA0
        lowProblem = .overlong
    case 0xED:
        length = 3
        high = 0x9F
        highProblem = .surrogate
    case 0xE1...0xEF: length = 3
    case 0xF0:
        length = 4
        low = 0x90
        lowProblem = .overlong
    case 0xF1...0xF3: length = 4
    case 0xF4:
        length = 4
        high = 0x8F
        highProblem = .tooLarge
    case 0xF5...0xF7: throw .tooLarge
    default: throw .invalidByte
    }
    guard index + 1 < end else { throw .truncated }
    let second = bytes[index + 1]
    if second & 0xC0 != 0x80 { throw .truncated }
    if second < low { throw lowProblem }
    if second > high { throw highProblem }
    var i = index + 2
    let sequenceEnd = index + length
    while i < sequenceEnd {
        guard i < end, bytes[i] & 0xC0 == 0x80 else { throw .truncated }
        i += 1
    }
    return sequenceEnd
}
