import TestSupport
import Testing

@testable import LakeJSON

/// Parses `value` (JSON text) as `data.x` of a record, then runs `parser` on its slot.
func parseValue<T>(_ value: String, _ parser: (JSONValueRef, UnsafeRawBufferPointer) -> T?) -> T? {
    let outcome = scan(record(value: Array(value.utf8)))
    guard outcome.error == nil else {
        Issue.record("\(value) does not scan: \(outcome.error!)")
        return nil
    }
    return outcome.parse("x", parser)
}

func unescaped(_ content: String) -> [UInt8]? {
    var out: [UInt8] = [9]  // unescape appends: existing bytes stay
    let ok = Array(content.utf8).withUnsafeBytes { JSONValues.unescape($0, into: &out) }
    guard ok else {
        #expect(out == [9], "a failed unescape leaves the output as it was")
        return nil
    }
    #expect(out.first == 9)
    return Array(out.dropFirst())
}

@Test("unescape decodes every escape, surrogate pairs included, and appends")
func unescapeEscapes() {
    #expect(unescaped(#"plain"#) == bytes("plain"))
    #expect(unescaped("") == [])
    #expect(unescaped(#"\"\\\/\b\f\n\r\t"#) == [0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09])
    #expect(unescaped(#"Sch\u00f6nherr"#) == bytes("Schönherr"))
    #expect(unescaped(#"\u20AC and \u20ac"#) == bytes("€ and €"))
    #expect(unescaped(#"\uD83D\uDE00!"#) == bytes("😀!"))
    #expect(unescaped(#"\u0000"#) == [0])
    #expect(
        unescaped(#"a long run of plain text before \n and after an escape, longer than 8"#)
            == bytes("a long run of plain text before \n and after an escape, longer than 8")
    )
    #expect(unescaped("raw é stays") == bytes("raw é stays"))
}

@Test("lone surrogate escapes become U+FFFD")
func unescapeLoneSurrogates() {
    #expect(unescaped(#"\uD800"#) == bytes("\u{FFFD}"))
    #expect(unescaped(#"\uDC00x"#) == bytes("\u{FFFD}x"))
    #expect(unescaped(#"\uD800\u0041"#) == bytes("\u{FFFD}A"))
    #expect(unescaped(#"\uD800\uD800\uDC00"#) == bytes("\u{FFFD}\u{10000}"))
    #expect(unescaped(#"\uDBFF\uDFFF"#) == bytes("\u{10FFFF}"))
}

@Test("unescape refuses malformed escapes")
func unescapeMalformed() {
    #expect(unescaped(#"\x"#) == nil)
    #expect(unescaped(#"abc\"#) == nil)
    #expect(unescaped(#"\u12"#) == nil)
    #expect(unescaped(#"\u12G4"#) == nil)
}

@Test("int64 from numbers and numeric strings")
func int64Parsing() {
    #expect(parseValue("3", JSONValues.int64) == 3)
    #expect(parseValue(#""3""#, JSONValues.int64) == 3)
    #expect(parseValue("3.0", JSONValues.int64) == 3)
    #expect(parseValue("3.000", JSONValues.int64) == 3)
    #expect(parseValue("-0", JSONValues.int64) == 0)
    #expect(parseValue("3e2", JSONValues.int64) == 300)
    #expect(parseValue("3500e-3", JSONValues.int64) == nil)
    #expect(parseValue("35000e-3", JSONValues.int64) == 35)
    #expect(parseValue("3.5", JSONValues.int64) == nil)
    #expect(parseValue("0.1", JSONValues.int64) == nil)
    #expect(parseValue("11000000002029", JSONValues.int64) == 11_000_000_002_029)
    #expect(parseValue("9223372036854775807", JSONValues.int64) == Int64.max)
    #expect(parseValue("-9223372036854775808", JSONValues.int64) == Int64.min)
    #expect(parseValue("9223372036854775808", JSONValues.int64) == nil)
    #expect(parseValue("-9223372036854775809", JSONValues.int64) == nil)
    #expect(parseValue("99999999999999999999", JSONValues.int64) == nil)
    #expect(parseValue("1e19", JSONValues.int64) == nil)
    #expect(parseValue("0e999999999", JSONValues.int64) == 0)
    #expect(parseValue("1e-999999999", JSONValues.int64) == nil)
    #expect(parseValue(#"" 42 ""#, JSONValues.int64) == 42)
    #expect(parseValue(#""+42""#, JSONValues.int64) == 42)
    #expect(parseValue(#""007""#, JSONValues.int64) == 7)
    #expect(parseValue(#""\u0034\u0032""#, JSONValues.int64) == 42)
    #expect(parseValue(#""56906504""#, JSONValues.int64) == 56_906_504)
    #expect(parseValue(#""001.377811""#, JSONValues.int64) == nil)
    #expect(parseValue(#""""#, JSONValues.int64) == nil)
    #expect(parseValue(#""  ""#, JSONValues.int64) == nil)
    #expect(parseValue(#""ca. 60""#, JSONValues.int64) == nil)
    #expect(parseValue(#""4 2""#, JSONValues.int64) == nil)
    #expect(parseValue(#""\t42""#, JSONValues.int64) == nil)
    #expect(parseValue(#"".5""#, JSONValues.int64) == nil)
    #expect(parseValue(#""5.""#, JSONValues.int64) == nil)
    #expect(parseValue(#""0x10""#, JSONValues.int64) == nil)
    #expect(parseValue("true", JSONValues.int64) == nil)
    #expect(parseValue("null", JSONValues.int64) == nil)
    #expect(parseValue("[1]", JSONValues.int64) == nil)
}

@Test("decimal scales exactly and rounds half away from zero")
func decimalParsing() {
    func d(_ text: String, _ scale: Int) -> Int64? { parseValue(text) { JSONValues.decimal($0, in: $1, scale: scale) } }
    #expect(d("1715.19", 2) == 171_519)
    #expect(d("115", 2) == 11_500)
    #expect(d("1715.195", 2) == 171_520)
    #expect(d("1715.194999", 2) == 171_519)
    #expect(d("-1715.195", 2) == -171_520)
    #expect(d("-0.005", 2) == -1)
    #expect(d("-0.004", 2) == 0)
    #expect(d("0.5", 0) == 1)
    #expect(d("2.5", 0) == 3)
    #expect(d("-2.5", 0) == -3)
    #expect(d("1.5e3", 2) == 150_000)
    #expect(d("15E-1", 1) == 15)
    #expect(d("1e-3", 2) == 0)
    #expect(d("5e-3", 2) == 1)
    #expect(d("1e-999999999", 2) == 0)
    #expect(d("0e999999999", 2) == 0)
    #expect(d("1e999999999", 2) == nil)
    #expect(d(#""1715.19""#, 2) == 171_519)
    #expect(d(#""001.377811""#, 6) == 1_377_811)
    #expect(d("92233720368547758.07", 2) == Int64.max)
    #expect(d("92233720368547758.08", 2) == nil)
    #expect(d("-92233720368547758.08", 2) == Int64.min)
    #expect(d("92233720368547758.074", 2) == Int64.max)
    #expect(d("92233720368547758.075", 2) == nil)  // rounds past Int64.max
    #expect(d("18446744073709551615.5", 0) == nil)  // rounding would wrap UInt64
    #expect(d("123456789", 18) == nil)
    #expect(d("0.000000000000000001", 18) == 1)
    #expect(d("0.12345678901234567890123456789", 18) == 123_456_789_012_345_679)
    #expect(d(#""1,5""#, 2) == nil)
    #expect(d("false", 2) == nil)
}

@Test("double is correctly rounded on the fast and the slow path")
func doubleParsing() {
    func v(_ text: String) -> Double? { parseValue(text, JSONValues.double) }
    #expect(v("1715.19") == 1715.19)
    #expect(v("115") == 115)
    #expect(v("-0.5e-3") == -0.0005)
    #expect(v("0.1") == 0.1)
    #expect(v("1e22") == 1e22)
    #expect(v("1e23") == 1e23)  // outside the exact power range: slow path
    #expect(v("123456789012345678") == Double("123456789012345678"))
    #expect(v("0.30000000000000004") == 0.30000000000000004)
    #expect(v("2.2250738585072011e-308") == Double("2.2250738585072011e-308"))
    #expect(v("9007199254740993") == 9_007_199_254_740_992)  // ties to even
    #expect(v("4.9e-324") == Double.leastNonzeroMagnitude)
    #expect(v("1e-400") == 0)
    #expect(v("1e400") == nil)
    #expect(v("-1e400") == nil)
    #expect(v("-0")?.sign == .minus)
    #expect(v(#"" 52.5123 ""#) == 52.5123)
    #expect(v(#""+1.5""#) == 1.5)
    #expect(v(#""00012.5""#) == 12.5)
    #expect(v(#""1e5""#) == 100_000)
    #expect(v(#""NaN""#) == nil)
    #expect(v(#""inf""#) == nil)
    #expect(v(#""0x1p3""#) == nil)
    #expect(v(#""1,5""#) == nil)
    #expect(v("null") == nil)
    // Every short decimal agrees with the standard library.
    var rng = SplitMix64(seed: 7)
    for _ in 0..<2000 {
        let mantissa = Int64.random(in: -999_999_999_999_999...999_999_999_999_999, using: &rng)
        let exponent = Int.random(in: -30...30, using: &rng)
        let text = "\(mantissa)e\(exponent)"
        #expect(withText(text) { JSONValues.double(text: $0) } == Double(text), "\(text)")
    }
}

@Test("bool from literals and from yes/no strings in any case")
func boolParsing() {
    func b(_ text: String) -> Bool? { parseValue(text, JSONValues.bool) }
    #expect(b("true") == true)
    #expect(b("false") == false)
    for text in ["true", "TRUE", "True", "yes", "YES", "Yes", "y", "Y", " true "] { #expect(b(#""\#(text)""#) == true) }
    for text in ["false", "FALSE", "no", "NO", "n", "N"] { #expect(b(#""\#(text)""#) == false) }
    for text in ["", "1", "0", "ja", "nein", "truee", "yess", "t", "f", "on", "null", "tr\u{00FC}e"] {
        #expect(b(#""\#(text)""#) == nil, "\(text)")
    }
    #expect(b(#""tru\u0065""#) == true)
    #expect(b("1") == nil)
    #expect(b("null") == nil)
}

@Test("timestamps in ISO-8601 and German forms, as microseconds UTC")
func timestampParsing() {
    func t(_ text: String) -> Int64? { withText(text) { JSONValues.timestamp(text: $0) } }
    let noon20190112: Int64 = 1_547_294_400_000_000  // 2019-01-12T12:00:00Z
    #expect(t("2017-07-14T16:20:06.000+02:00") == 1_500_042_006_000_000)
    #expect(t("2019-01-12T11:32:11.975Z") == 1_547_292_731_975_000)
    #expect(t("2019-01-12T11:32:11Z") == 1_547_292_731_000_000)
    #expect(t("2019-01-12T11:32:11.975123+0100") == 1_547_289_131_975_123)
    #expect(t("2019-01-12T11:32:11.9751239Z") == 1_547_292_731_975_123)  // beyond µs: truncated
    #expect(t("2019-01-12T11:32:11.5-01") == 1_547_296_331_500_000)
    #expect(t("2019-01-12 11:32:11") == 1_547_292_731_000_000)
    #expect(t("2019-01-12T12:00") == noon20190112)
    #expect(t(" 2019-01-12T12:00:00z ") == noon20190112)
    #expect(t("2019-01-12") == 1_547_251_200_000_000)
    #expect(t("01.07.17") == 1_498_867_200_000_000)
    #expect(t("01.07.2017") == 1_498_867_200_000_000)
    #expect(t("1970-01-01T00:00:00Z") == 0)
    #expect(t("1969-12-31T23:59:59.999999Z") == -1)
    #expect(t("2020-02-29") != nil)
    #expect(t("2000-02-29") != nil)
    for bad in [
        "sofort", "nach Vereinbarung", "", "2019-02-30", "2019-02-29", "1900-02-29", "2019-13-01", "2019-00-10",
        "2019-01-00", "2019-01-32", "2019-01-12T24:00:00Z", "2019-01-12T12:60:00Z", "2019-01-12T12:00:60Z",
        "2019-01-12T12:00:00+24:00", "2019-01-12T12:00:00+01:60", "2019-01-12T12:00:00.Z", "2019-01-12T12:00:00ZZ",
        "2019-01-12T12:00:00+1", "2019-01-12T12:00:00+01:0", "2019-01-12T12", "2019-01-12T", "2019-1-12",
        "19-01-12", "2019/01/12", "31.02.2019", "1.7.17", "01.07.017", "01.13.17", "2019-01-12X12:00:00",
        "2019-01-12T12:00:00 Z", "+2019-01-12", "２０19-01-12",
    ] {
        #expect(t(bad) == nil, "\(bad)")
    }
}

@Test("timestamps from scanned values: strings only, escapes decoded")
func timestampFromRefs() {
    #expect(parseValue(#""2019-01-12""#, JSONValues.timestamp) == 1_547_251_200_000_000)
    #expect(parseValue(#""2019\u002d01-12""#, JSONValues.timestamp) == 1_547_251_200_000_000)
    #expect(parseValue("20190112", JSONValues.timestamp) == nil)
    #expect(parseValue("null", JSONValues.timestamp) == nil)
}

@Test("dates are the calendar date as written")
func dateParsing() {
    func d(_ text: String) -> Int32? { withText(text) { JSONValues.date(text: $0) } }
    #expect(d("2019-01-12") == 17_908)
    #expect(d("2019-01-12T23:30:00-02:00") == 17_908)
    #expect(d("2019-01-12T00:30:00+02:00") == 17_908)
    #expect(d("01.07.17") == 17_348)
    #expect(d("01.07.2017") == 17_348)
    #expect(d("1970-01-01") == 0)
    #expect(d("1969-12-31") == -1)
    #expect(d("0000-03-01") == -719_468)
    #expect(d("sofort") == nil)
    #expect(d("2019-02-30") == nil)
    #expect(parseValue(#""2019-01-12 11:32:11""#, JSONValues.date) == 17_908)
}
