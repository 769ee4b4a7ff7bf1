import Foundation
import LakeStorage
import Testing

@Suite("JSON string escaping")
struct JSONTextTests {
    /// Every ASCII byte, quotes and backslashes in runs, and multi-byte UTF-8, in one string.
    static let hostile = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        + #"say "hi" \\ back\slash "# + "Grüße, 東京 🏠\u{7f}" + "\"\"\\\n\r\t"

    @Test("escaped text parses back (Foundation's JSON parser) to exactly the same string",
          arguments: ["", "plain", "\"", "\\", "\n", "a\u{1}b", hostile])
    func roundTrip(text: String) throws {
        var out: [UInt8] = []
        JSONText.appendString(text, to: &out)
        let parsed = try JSONSerialization.jsonObject(with: Data(out), options: [.fragmentsAllowed]) as? String
        #expect(parsed == text)
        // A non-contiguous collection of the same bytes takes the other path and writes the same bytes.
        var viaCopy: [UInt8] = []
        JSONText.appendString(bytes: AnyCollection(Array(text.utf8)), to: &viaCopy)
        #expect(viaCopy == out)
    }

    @Test("control characters become short escapes or \\u00XX, and nothing else is escaped")
    func exactBytes() {
        var out: [UInt8] = []
        JSONText.appendString("a\"b\\c\nd\re\tf\u{1}g\u{1f}é", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\nd\re\tf\u0001g\u001fé""#)
    }
}
