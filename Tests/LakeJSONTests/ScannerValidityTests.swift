import Testing

@testable import LakeJSON

/// One JSONTestSuite-style case: a value placed as `data.x` of a record (or a whole line), and what a scan says.
struct ValidityCase: Sendable, CustomStringConvertible {
    var name: String
    var line: [UInt8]
    /// nil: the line is valid.
    var kind: ScanError.Kind?
    /// A part of the expected reason.
    var reason: String
    /// The expected offset, when the case pins it.
    var offset: Int?

    var description: String { name }

    static func valid(_ name: String, value: [UInt8]) -> ValidityCase {
        ValidityCase(name: name, line: record(value: value), kind: nil, reason: "")
    }
    static func valid(_ name: String, line: [UInt8]) -> ValidityCase {
        ValidityCase(name: name, line: line, kind: nil, reason: "")
    }
    static func invalid(
        _ name: String,
        value: [UInt8],
        _ kind: ScanError.Kind,
        _ reason: String,
        at valueOffset: Int? = nil
    ) -> ValidityCase {
        let prefix = record(value: []).count - 2  // where the value starts
        return ValidityCase(
            name: name,
            line: record(value: value),
            kind: kind,
            reason: reason,
            offset: valueOffset.map { $0 + prefix }
        )
    }
    static func invalid(_ name: String, value: [UInt8], _ reason: String, at valueOffset: Int? = nil) -> ValidityCase {
        invalid(name, value: value, .invalidJSON, reason, at: valueOffset)
    }
    static func invalid(
        _ name: String,
        line: [UInt8],
        _ kind: ScanError.Kind,
        _ reason: String,
        at offset: Int? = nil
    ) -> ValidityCase {
        ValidityCase(name: name, line: line, kind: kind, reason: reason, offset: offset)
    }
    static func invalid(_ name: String, line: [UInt8], _ reason: String, at offset: Int? = nil) -> ValidityCase {
        invalid(name, line: line, .invalidJSON, reason, at: offset)
    }
}

let quote: [UInt8] = [0x22]

let validityCases: [ValidityCase] = [
    // Valid values.
    .valid("empty data", line: bytes(#"{"ok": true, "data": {}}"#)),
    .valid("no whitespace", line: bytes(#"{"data":{"x":1},"ok":false}"#)),
    .valid("BOM, CRLF and spaces", line: [0xEF, 0xBB, 0xBF] + bytes(" \t{\"data\" : { \"x\" : 1 } } \r\n")),
    .valid("empty array", value: bytes("[]")),
    .valid("empty object", value: bytes("{ }")),
    .valid("nested arrays and objects", value: bytes(#"[1, [2, {"a": [true, false, null]}], {}, ""]"#)),
    .valid("negative zero", value: bytes("-0")),
    .valid("fraction and exponent", value: bytes("-0.5e-3")),
    .valid("upper-case exponent with plus", value: bytes("1E+2")),
    .valid("huge exponent", value: bytes("1e999999999999")),
    .valid("huge negative exponent", value: bytes("-1.5E-999999999999")),
    .valid("long integer", value: bytes("123456789012345678901234567890")),
    .valid("all simple escapes", value: bytes(#""\/\b\f\n\r\t\"\\""#)),
    .valid("unicode escapes with a surrogate pair", value: bytes(#""\u00fc\uD83D\uDE00""#)),
    .valid("lone surrogate escape (RFC 8259 allows it)", value: bytes(#""\ud800""#)),
    .valid("two-byte UTF-8", value: quote + [0xC3, 0xA9] + quote),
    .valid("three-byte UTF-8", value: quote + [0xE2, 0x82, 0xAC] + quote),
    .valid("four-byte UTF-8", value: quote + [0xF0, 0x9F, 0x98, 0x80] + quote),
    .valid("largest code point", value: quote + [0xF4, 0x8F, 0xBF, 0xBF] + quote),
    .valid("last code point before the surrogates", value: quote + [0xED, 0x9F, 0xBF] + quote),
    .valid("DEL is no control character", value: quote + [0x7F] + quote),
    .valid(
        "62 nested arrays inside data (depth 64)",
        value: Array(repeating: UInt8(ascii: "["), count: 62) + Array(repeating: UInt8(ascii: "]"), count: 62)
    ),
    .valid("other keys around data", line: bytes(#"{"a": [1, {"b": "c"}], "data": {"x": 2}, "z": null}"#)),

    // Grammar.
    .invalid("trailing comma in array", value: bytes("[1,]"), "trailing comma before ']'", at: 3),
    .invalid("trailing comma in nested object", value: bytes(#"{"a":1,}"#), "trailing comma before '}'", at: 7),
    .invalid("trailing comma in data", line: bytes(#"{"data":{"x":1,}}"#), "trailing comma before '}'", at: 15),
    .invalid("trailing comma in record", line: bytes(#"{"data":{},}"#), "trailing comma before '}'", at: 11),
    .invalid("leading zero", value: bytes("01"), "number with a leading zero", at: 0),
    .invalid("negative leading zero", value: bytes("-012"), "number with a leading zero", at: 0),
    .invalid("no digit after the point", value: bytes("1."), "expected a digit after the decimal point", at: 2),
    .invalid("lone minus", value: bytes("-"), "expected a digit after '-'", at: 1),
    .invalid("minus then letter", value: bytes("-x"), "expected a digit after '-'"),
    .invalid("empty exponent", value: bytes("1e"), "expected a digit in the exponent", at: 2),
    .invalid("exponent sign only", value: bytes("1e+"), "expected a digit in the exponent"),
    .invalid("leading point", value: bytes(".5"), "expected a value, found '.'", at: 0),
    .invalid("leading plus", value: bytes("+1"), "expected a value, found '+'"),
    .invalid("hex number", value: bytes("0x10"), "expected ',' or '}', found 'x'"),
    .invalid("NaN", value: bytes("NaN"), "expected a value, found 'N'"),
    .invalid("Infinity", value: bytes("Infinity"), "expected a value"),
    .invalid("truncated literal", value: bytes("tru"), "invalid literal, expected 'true'", at: 0),
    .invalid("misspelt literal", value: bytes("nul1"), "invalid literal, expected 'null'"),
    .invalid("capitalised literal", value: bytes("True"), "expected a value"),
    .invalid("single quotes", value: bytes("'a'"), "expected a value, found '''"),
    .invalid("missing comma in array", value: bytes("[1 2]"), "expected ',' or ']', found '2'", at: 3),
    .invalid("missing colon", value: bytes(#"{"a" 1}"#), "expected ':' after key, found '1'", at: 5),
    .invalid("non-string key", value: bytes("{1:2}"), "expected a key string, found '1'", at: 1),
    .invalid("unterminated nested array", line: bytes(#"{"data":{"x":[1,2"#), "unterminated array"),
    .invalid("unterminated record", line: bytes(#"{"data":{}"#), "unterminated object"),
    .invalid("missing value", line: bytes(#"{"data":{"x":}}"#), "expected a value, found '}'", at: 13),
    .invalid("value missing at the end", line: bytes(#"{"data":{"x":"#), "expected a value"),
    .invalid("text after the object", line: bytes(#"{"data":{}} x"#), "unexpected text after the object", at: 12),
    .invalid("two objects on a line", line: bytes(#"{"data":{}}{}"#), "unexpected text after the object"),
    .invalid("empty line", line: [], "empty line", at: 0),
    .invalid("whitespace only", line: bytes(" \r"), "empty line"),

    // Strings.
    .invalid("unterminated string", value: bytes(#""abc"#), "unterminated string", at: 0),
    .invalid("unterminated string after an escape", line: bytes(#"{"data":{"x":"abc\"#), "unterminated string", at: 13),
    .invalid("unknown escape", value: bytes(#""a\x""#), "invalid escape '\\x' in string", at: 2),
    .invalid("short unicode escape", value: bytes(#""\u12G4""#), "invalid \\u escape", at: 1),
    .invalid("raw unit separator", value: quote + [0x1F] + quote, "unescaped control character 0x1F in string", at: 1),
    .invalid("raw tab", value: bytes("\"a\tb\""), "unescaped control character 0x09 in string", at: 2),
    .invalid(
        "raw newline far into a string",
        value: quote + Array(repeating: UInt8(ascii: "a"), count: 37) + [0x0A] + quote,
        "unescaped control character 0x0A",
        at: 38
    ),
    .invalid("raw NUL", value: quote + [0x00] + quote, "unescaped control character 0x00"),

    // UTF-8.
    .invalid("overlong slash C0 AF", value: quote + [0xC0, 0xAF] + quote, .invalidUTF8, "overlong encoding", at: 1),
    .invalid("overlong three-byte", value: quote + [0xE0, 0x80, 0xAF] + quote, .invalidUTF8, "overlong encoding"),
    .invalid("overlong four-byte", value: quote + [0xF0, 0x80, 0x80, 0xAF] + quote, .invalidUTF8, "overlong"),
    .invalid(
        "UTF-8 encoded high surrogate",
        value: quote + [0xED, 0xA0, 0x80] + quote,
        .invalidUTF8,
        "UTF-16 surrogate encoded in UTF-8",
        at: 1
    ),
    .invalid("UTF-8 encoded low surrogate", value: quote + [0xED, 0xBF, 0xBF] + quote, .invalidUTF8, "surrogate"),
    .invalid("beyond U+10FFFF", value: quote + [0xF4, 0x90, 0x80, 0x80] + quote, .invalidUTF8, "above U+10FFFF"),
    .invalid("lead byte F5", value: quote + [0xF5, 0x80, 0x80, 0x80] + quote, .invalidUTF8, "above U+10FFFF"),
    .invalid("byte FF", value: quote + [0xFF] + quote, .invalidUTF8, "byte never valid in UTF-8"),
    .invalid("lone continuation byte", value: quote + [0x80] + quote, .invalidUTF8, "unexpected continuation byte"),
    .invalid("truncated two-byte", value: quote + [0xC3] + quote, .invalidUTF8, "truncated", at: 1),
    .invalid("truncated three-byte", value: quote + [0xE2, 0x82] + quote, .invalidUTF8, "truncated"),
    .invalid(
        "truncated at the end of the line",
        line: bytes(#"{"data":{"x":""#) + [0xE2, 0x82],
        .invalidUTF8,
        "truncated"
    ),
    .invalid(
        "bad UTF-8 in a key",
        line: bytes(#"{"data":{""#) + [0xC0, 0x80] + bytes(#"":1}}"#),
        .invalidUTF8,
        "overlong"
    ),
    .invalid("bad UTF-8 outside strings", value: [0xFF], .invalidUTF8, "byte never valid"),
    .invalid("good UTF-8 outside strings", value: [0xC3, 0xA9], "expected a value, found a non-ASCII character"),

    // Nesting.
    .invalid(
        "63 nested arrays inside data (depth 65)",
        value: Array(repeating: UInt8(ascii: "["), count: 63) + Array(repeating: UInt8(ascii: "]"), count: 63),
        .tooDeep,
        "nested deeper than 64 levels",
        at: 62
    ),
    .invalid(
        "hostile nesting",
        value: Array(repeating: UInt8(ascii: "["), count: 100_000),
        .tooDeep,
        "nested deeper than 64 levels"
    ),
    .invalid(
        "deep objects outside data",
        line: bytes("{\"a\":") + Array(repeating: bytes(#"{"b":"#), count: 70).flatMap { $0 },
        .tooDeep,
        "nested deeper"
    ),

    // Record shape.
    .invalid("top-level array", line: bytes("[1]"), .notAnObject, "top level is an array, not an object", at: 0),
    .invalid("top-level string", line: bytes(#" "a""#), .notAnObject, "top level is a string", at: 1),
    .invalid("top-level number", line: bytes("12"), .notAnObject, "top level is a number"),
    .invalid("top-level garbage", line: bytes("<html>"), "expected '{', found '<'"),
    .invalid("no data", line: bytes(#"{"ok": true}"#), .missingData, "no \"data\" object", at: 11),
    .invalid("empty object", line: bytes("{}"), .missingData, "no \"data\" object"),
    .invalid(
        "data is an array",
        line: bytes(#"{"data": [1]}"#),
        .dataNotAnObject,
        "\"data\" is an array, not an object",
        at: 9
    ),
    .invalid("data is null", line: bytes(#"{"data": null}"#), .dataNotAnObject, "\"data\" is null, not an object"),
    .invalid(
        "last data is a string",
        line: bytes(#"{"data": {"x": 1}, "data": "no"}"#),
        .dataNotAnObject,
        "\"data\" is a string"
    ),
    .invalid("data valid but the line is not", line: bytes(#"{"data": {"x": 1}, "ok": tru}"#), "invalid literal"),
]

@Test(
    "scanning accepts valid JSON records and refuses invalid ones with a clear reason and offset",
    arguments: validityCases
)
func validity(_ c: ValidityCase) {
    let outcome = scan(c.line)
    guard let kind = c.kind else {
        #expect(outcome.error == nil, "\(outcome.error.map(String.init(describing:)) ?? "")")
        return
    }
    guard let error = outcome.error else {
        Issue.record("expected \(kind): \(c.reason), but the scan succeeded")
        return
    }
    #expect(error.kind == kind)
    #expect(error.reason.contains(c.reason), "reason: \(error.reason)")
    if let offset = c.offset { #expect(error.offset == offset, "\(error)") }
    #expect(outcome.slots.allSatisfy { $0 == nil }, "slots are cleared after an error")
}

@Test("error descriptions read as quarantine reasons")
func errorDescriptions() {
    #expect(scan(#"{"data":{"x":"abc}}"#).error?.description == "invalid JSON at byte 13: unterminated string")
    #expect(
        scan(#"{"data":{"x":1 "y":2}}"#).error?.description
            == "invalid JSON at byte 15: expected ',' or '}', found '\"'"
    )
    #expect(scan("[1]").error?.description == "invalid record at byte 0: top level is an array, not an object")
    #expect(
        scan(record(value: quote + [0xC0, 0xAF] + quote)).error?.description
            == "invalid UTF-8 at byte 28: overlong encoding"
    )
    #expect(scan(#"{"ok":true}"#).error?.description == "invalid record at byte 10: no \"data\" object")
}

@Test("the depth budget counts the record as level 1 and can be lowered")
func depthBudget() {
    let line = bytes(#"{"data": {"x": [[1]]}}"#)  // the inner array is at depth 4
    #expect(scan(line, maxDepth: 4).error == nil)
    let error = scan(line, maxDepth: 3).error
    #expect(error?.kind == .tooDeep)
    #expect(error?.offset == 16)
    #expect(scan(bytes(#"{"data": {"x": 1}}"#), maxDepth: 2).error == nil)
}

/// A small record with escapes, multi-byte UTF-8, nesting and every kind of value.
let smallRecord = bytes(
    #"{"ok": true, "data": {"x": "a\u00fcb", "y": [1.5e3, {"z": null}], "#
        + #""w": false, "v": "é€😀"}}"#)

@Test("every truncation of a valid record is refused without a crash")
func truncations() {
    let line = smallRecord
    #expect(scan(line).error == nil)
    for cut in 0..<line.count {
        let error = scan(Array(line[..<cut])).error
        #expect(error != nil, "cut at \(cut)")
        #expect((error?.offset ?? -1) <= cut, "cut at \(cut): \(String(describing: error))")
    }
}

@Test("flipping any byte of a record never crashes the scanner")
func byteFlips() {
    let line = smallRecord
    for index in line.indices {
        for replacement: UInt8 in [0x00, 0x22, 0x5C, 0x7B, 0x5D, 0x80, 0xC3, 0xFF] {
            var mutated = line
            mutated[index] = replacement
            let outcome = scan(mutated, fields: ["x", "y", "w", "v"])
            if let error = outcome.error { #expect(error.offset >= 0 && error.offset <= mutated.count) }
        }
    }
}
