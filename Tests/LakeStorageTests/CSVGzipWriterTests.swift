import Foundation
import LakeCompression
import LakeCore
import LakeStorage
import Testing

@Suite("CSV.gz writer")
struct CSVGzipWriterTests {
    /// Each value and its field as CONTRACT.md spells it: quoted when empty or holding a comma, quote, CR or LF,
    /// quotes doubled; NULL an empty unquoted field.
    static let cases: [(String?, String)] = [
        (nil, ""), ("", "\"\""), ("plain", "plain"), ("Grüße 東京", "Grüße 東京"),
        ("a,b", "\"a,b\""), ("\"", "\"\"\"\""), ("\"lead", "\"\"\"lead\""), ("trail\"", "\"trail\"\"\""),
        ("mid\"dle", "\"mid\"\"dle\""), ("two\"\"in a row", "\"two\"\"\"\"in a row\""), ("line\nbreak", "\"line\nbreak\""),
        ("cr\rhere", "\"cr\rhere\""), ("{\"url\": \"https://x/a,b\", \"n\": 1}", "\"{\"\"url\"\": \"\"https://x/a,b\"\", \"\"n\"\": 1}\""),
        (String(repeating: "long \"quoted\" text, ", count: 2000), "\"" + String(repeating: "long \"\"quoted\"\" text, ", count: 2000) + "\""),
    ]

    @Test("fields are quoted and quotes doubled exactly as the contract says; the gzip stream holds exactly the rows")
    func quoting() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID()).csv.gz").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = ColumnVector(type: .text), number = ColumnVector(type: .int64)
        for (i, (value, _)) in Self.cases.enumerated() {
            if let value { text.append(text: value) } else { text.appendNull() }
            number.append(integer: Int64(i))
        }
        let writer = try CSVGzipWriter(path: path, header: ["value", "n"])
        try writer.write([text, number])
        let written = try writer.finish(sync: false)
        #expect(written.rows == Self.cases.count)

        let compressed = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(compressed.count == Int(written.bytes))
        let csv = String(decoding: try Zlib.decompress(compressed, format: .gzip), as: UTF8.self)
        let expected = "value,n\n" + Self.cases.enumerated().map { "\($0.element.1),\($0.offset)\n" }.joined()
        #expect(csv == expected)
    }
}
