import Testing

@testable import LakeJSON

@Test("wanted keys of data fill their slots with kind and range; others stay nil")
func wantedFields() throws {
    let outcome = scan(
        #"{"ok": true, "id": "outer", "data": {"id": "42", "n": -1.5e3, "t": true, "f": false, "z": null, "#
            + #""a": [1, "x"], "o": {"k": "v"}, "skipped": "s"}}"#,
        fields: ["id", "n", "t", "f", "z", "a", "o", "absent"]
    )
    #expect(outcome.error == nil)
    #expect(outcome.slots.count == 8)
    #expect(outcome.ref("id")?.kind == .string)
    #expect(outcome.raw("id") == "42")
    #expect(outcome.ref("n")?.kind == .number)
    #expect(outcome.raw("n") == "-1.5e3")
    #expect(outcome.ref("t")?.kind == .true)
    #expect(outcome.ref("f")?.kind == .false)
    #expect(outcome.ref("z")?.kind == .null)
    #expect(outcome.raw("z") == "null")
    #expect(outcome.ref("a")?.kind == .array)
    #expect(outcome.raw("a") == #"[1, "x"]"#)
    #expect(outcome.ref("o")?.kind == .object)
    #expect(outcome.raw("o") == #"{"k": "v"}"#)
    #expect(outcome.ref("absent") == nil)
}

@Test("keys outside data never fill slots, even when their names are wanted")
func keysOutsideData() {
    let outcome = scan(#"{"x": 1, "data": {"y": 2}, "z": {"x": 3}}"#, fields: ["x", "y"])
    #expect(outcome.error == nil)
    #expect(outcome.ref("x") == nil)
    #expect(outcome.raw("y") == "2")
}

@Test("keys nested inside a value of data are not fields of data")
func nestedKeysAreNotFields() {
    let outcome = scan(#"{"data": {"o": {"x": 1}, "a": [{"x": 2}]}}"#, fields: ["x"])
    #expect(outcome.error == nil)
    #expect(outcome.ref("x") == nil)
}

@Test("a key written with escapes matches its unescaped name")
func escapedKeys() {
    let outcome = scan(
        #"{"data": {"i\u0064": "7", "caf\u00e9": 1, "tab\tkey": 2, "\ud83d\ude00": 3}}"#,
        fields: ["id", "café", "tab\tkey", "😀"]
    )
    #expect(outcome.error == nil)
    #expect(outcome.raw("id") == "7")
    #expect(outcome.raw("café") == "1")
    #expect(outcome.raw("tab\tkey") == "2")
    #expect(outcome.raw("😀") == "3")
}

@Test("a data key written with escapes is still the data object")
func escapedDataKey() {
    let outcome = scan(#"{"d\u0061ta": {"x": 5}}"#)
    #expect(outcome.error == nil)
    #expect(outcome.raw("x") == "5")
}

@Test("duplicate keys: the last one wins")
func duplicateKeys() {
    let outcome = scan(#"{"data": {"x": 1, "y": "a", "x": "two", "x": [3]}}"#, fields: ["x", "y"])
    #expect(outcome.error == nil)
    #expect(outcome.ref("x")?.kind == .array)
    #expect(outcome.raw("x") == "[3]")
    #expect(outcome.raw("y") == "a")
}

@Test("a second data object replaces the first wholesale")
func duplicateDataObjects() {
    let outcome = scan(#"{"data": {"x": 1, "y": 2}, "data": {"y": 3}}"#, fields: ["x", "y"])
    #expect(outcome.error == nil)
    #expect(outcome.ref("x") == nil)
    #expect(outcome.raw("y") == "3")
}

@Test("keys that share prefixes, suffixes and lengths are told apart")
func similarKeys() {
    var names: [String] = []
    for a in ["realEstate_address_geoHierarchy_", "contactDetails_", "", "a", "realEstate_address_geoHierarchy_x"] {
        for b in ["city_name", "region_name", "quarter_geoCodeId", "city_geoCodeId", "", "x", "xx", "abcdefgh"] {
            names.append(a + b)
        }
    }
    names = Array(Set(names)).sorted()
    var line = #"{"data": {"#
    for (i, name) in names.enumerated() { line += (i == 0 ? "" : ", ") + #""\#(name)": \#(i)"# }
    line += "}}"
    // Want every other key, so that misses and hits interleave.
    let wanted = names.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
    let outcome = scan(line, fields: wanted + ["realEstate_address_geoHierarchy_city_nam", "city_name_"])
    #expect(outcome.error == nil)
    for (i, name) in names.enumerated() where i % 2 == 0 {
        #expect(outcome.raw(name) == String(i), "\(name)")
    }
    #expect(outcome.ref("realEstate_address_geoHierarchy_city_nam") == nil)
    #expect(outcome.ref("city_name_") == nil)
}

@Test("the field table maps names to slots in order")
func fieldTable() {
    let table = FieldTable(fieldNames: ["b", "a", "", "long_name_with_more_than_eight_bytes"])
    #expect(table.count == 4)
    #expect(table.slot(of: "b") == 0)
    #expect(table.slot(of: "a") == 1)
    #expect(table.slot(of: "") == 2)
    #expect(table.slot(of: "long_name_with_more_than_eight_bytes") == 3)
    #expect(table.slot(of: "c") == nil)
    #expect(FieldTable(fieldNames: []).slot(of: "a") == nil)
    #expect(scan(#"{"data": {"": 1}}"#, fields: []).error == nil)
}

@Test("one slots array is reused across lines and reset each time")
func slotsReuse() {
    let table = FieldTable(fieldNames: ["x", "y"])
    let scanner = RecordScanner(fields: table)
    var slots: [JSONValueRef?] = []
    #expect(scanner.scan(bytes(#"{"data": {"x": 1, "y": 2}}"#), into: &slots) == nil)
    #expect(slots[0] != nil && slots[1] != nil)
    #expect(scanner.scan(bytes(#"{"data": {"y": 2}}"#), into: &slots) == nil)
    #expect(slots[0] == nil && slots[1] != nil)
}

// MARK: The real record

let fixtureFields = [
    "id", "realEstate_baseRent", "realEstate_lastModificationDate", "realEstate_titlePicture_urls",
    "realEstate_attachments", "realEstate_livingSpace", "realEstate_numberOfRooms", "realEstate_balcony",
    "contactDetails_lastname", "companyWideCustomerId", "realEstate_freeFrom", "creation",
    "realEstate_address_geoHierarchy_neighbourhood_geoCodeId", "realEstate_guestToilet", "realEstate_title",
    "contactFormConfiguration_freemiumSettings_duration", "realEstate_calculatedTotalRent", "notInTheRecord",
]

@Test("the fixture record's fields come out with their values")
func fixtureRecordFields() throws {
    let outcome = scan(fixtureRecord, fields: fixtureFields)
    #expect(outcome.error == nil)
    #expect(outcome.text("id") == "56906504")
    #expect(outcome.parse("id", JSONValues.int64) == 56_906_504)
    #expect(outcome.ref("realEstate_baseRent")?.kind == .number)
    #expect(outcome.parse("realEstate_baseRent") { JSONValues.decimal($0, in: $1, scale: 2) } == 171_519)
    #expect(outcome.parse("realEstate_baseRent", JSONValues.double) == 1715.19)
    #expect(outcome.parse("realEstate_calculatedTotalRent") { JSONValues.decimal($0, in: $1, scale: 2) } == 211_519)
    // 2019-01-12T11:32:11.975Z
    #expect(outcome.parse("realEstate_lastModificationDate", JSONValues.timestamp) == 1_547_292_731_975_000)
    #expect(outcome.parse("realEstate_lastModificationDate", JSONValues.date) == 17_908)
    // 2017-07-14T16:20:06.000+02:00 is 14:20:06 UTC.
    #expect(outcome.parse("creation", JSONValues.timestamp) == 1_500_042_006_000_000)
    #expect(outcome.parse("realEstate_freeFrom", JSONValues.date) == 17_348)  // 01.07.17
    #expect(outcome.parse("realEstate_livingSpace", JSONValues.int64) == 115)
    #expect(outcome.parse("realEstate_numberOfRooms", JSONValues.int64) == 3)
    #expect(
        outcome.parse("realEstate_address_geoHierarchy_neighbourhood_geoCodeId", JSONValues.int64)
            == 11_000_000_002_029
    )
    #expect(outcome.parse("contactFormConfiguration_freemiumSettings_duration", JSONValues.int64) == 0)
    #expect(outcome.parse("realEstate_balcony", JSONValues.bool) == true)
    #expect(outcome.parse("realEstate_guestToilet", JSONValues.bool) == true)  // "YES"
    #expect(outcome.ref("contactDetails_lastname")?.hasEscapes == true)
    #expect(outcome.text("contactDetails_lastname") == "Schönherr")
    #expect(outcome.text("realEstate_title")?.hasPrefix("Nähe Hauptbhf., Charité") == true)
    #expect(outcome.text("companyWideCustomerId") == "001.377811")
    #expect(outcome.parse("companyWideCustomerId", JSONValues.int64) == nil)
    #expect(outcome.ref("notInTheRecord") == nil)

    // Arrays are kept as raw JSON text that scans again as a valid value.
    let urls = try #require(outcome.ref("realEstate_titlePicture_urls"))
    #expect(urls.kind == .array)
    let urlsText = try #require(outcome.raw("realEstate_titlePicture_urls"))
    #expect(urlsText.hasPrefix(#"[{"url": [{"@scale": "SCALE_60x60""#))
    #expect(urlsText.hasSuffix("]"))
    let again = scan(record(value: Array(urlsText.utf8)))
    #expect(again.error == nil)
    #expect(again.raw("x") == urlsText)
    #expect(outcome.ref("realEstate_attachments")?.kind == .array)
}

@Test("a 64 MB string value is scanned and referenced whole")
func longLine() throws {
    let size = 64 << 20
    var line = Array(#"{"ok": true, "data": {"big": ""#.utf8)
    let start = line.count
    line.reserveCapacity(size + 100)
    for i in 0..<size { line.append(UInt8(ascii: "a") &+ UInt8(truncatingIfNeeded: i % 26)) }
    line += Array(#"", "after": 1}}"#.utf8)
    let outcome = scan(line, fields: ["big", "after"])
    #expect(outcome.error == nil)
    let big = try #require(outcome.ref("big"))
    #expect(big.start == start)
    #expect(big.count == size)
    #expect(big.hasEscapes == false)
    #expect(outcome.raw("after") == "1")
}
