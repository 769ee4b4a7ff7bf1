@testable import LakeJSON

/// The outcome of scanning one line: the error (if any), the filled slots, and the line itself.
struct ScanOutcome {
    var error: ScanError?
    var slots: [JSONValueRef?]
    var line: [UInt8]
    var table: FieldTable

    /// The value of field `name`, or nil.
    func ref(_ name: String) -> JSONValueRef? {
        guard let slot = table.slot(of: name) else { return nil }
        return slots[slot]
    }

    /// The raw bytes a slot refers to, as text.
    func raw(_ name: String) -> String? {
        guard let ref = ref(name) else { return nil }
        return String(decoding: line[ref.start..<ref.end], as: UTF8.self)
    }

    /// A string's unescaped content, or another value's JSON text.
    func text(_ name: String) -> String? {
        guard let ref = ref(name) else { return nil }
        var out: [UInt8] = []
        let ok = line.withUnsafeBytes { JSONValues.appendString(ref, in: $0, to: &out) }
        return ok ? String(decoding: out, as: UTF8.self) : nil
    }

    func parse<T>(_ name: String, _ parser: (JSONValueRef, UnsafeRawBufferPointer) -> T?) -> T? {
        guard let ref = ref(name) else { return nil }
        return line.withUnsafeBytes { parser(ref, $0) }
    }
}

func scan(_ line: [UInt8], fields: [String] = ["x"], maxDepth: Int = 64) -> ScanOutcome {
    let table = FieldTable(fieldNames: fields)
    let scanner = RecordScanner(fields: table, maxDepth: maxDepth)
    var slots: [JSONValueRef?] = []
    let error = scanner.scan(line, into: &slots)
    return ScanOutcome(error: error, slots: slots, line: line, table: table)
}

func scan(_ line: String, fields: [String] = ["x"], maxDepth: Int = 64) -> ScanOutcome {
    scan(Array(line.utf8), fields: fields, maxDepth: maxDepth)
}

/// `{"ok": true, "data": {"x": VALUE}}` around the given value bytes.
func record(value: [UInt8]) -> [UInt8] {
    Array(#"{"ok": true, "data": {"x": "#.utf8) + value + Array("}}".utf8)
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs `body` on text bytes, as the `text:` parsers take them.
func withText<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    Array(text.utf8).withUnsafeBytes(body)
}

