import LakeCore
import LakeWarehouse

/// Checks a partition's CSV locally for what the warehouse would reject, so a bad row is reported with its file,
/// line and column before any warehouse transaction starts: invalid UTF-8, a header or column count that differs
/// from the spec, NULL in a NOT NULL column, numbers, dates and timestamps that do not parse or fall outside the
/// warehouse's range, and (Redshift) text longer in bytes than its VARCHAR.
///
/// Streaming: feed it inflated bytes in any split; memory is one field (a long description at most).
struct CSVPreflight {
    let columns: [ColumnSchema]
    let file: String
    let maxTextBytes: Int?

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fieldQuoted = false
    private var fieldIndex = 0
    private var line = 1
    private var recordLine = 1
    private var header: [String]? = nil
    private var headerFields: [String] = []
    private(set) var rows = 0

    init(columns: [ColumnSchema], file: String, dialect: WarehouseDialect) {
        self.columns = columns
        self.file = file
        maxTextBytes = dialect == .redshift ? WarehouseSQL.redshiftMaxVarcharBytes : nil
        field.reserveCapacity(4096)
    }

    private func fail(_ message: String, column: String? = nil) -> LakeError {
        LakeError(.badInput, message, remedy: "the warehouse would refuse this row; fix or re-ingest the batch",
                  location: InputLocation(file: file, line: recordLine, field: column))
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
        for b in bytes {
            switch state {
            case .fieldStart:
                if b == UInt8(ascii: "\"") {
                    state = .quoted
                    fieldQuoted = true
                } else if b == UInt8(ascii: ",") {
                    try endField()
                } else if b == 10 {
                    try endField()
                    try endRecord()
                    line += 1
                    recordLine = line
                } else {
                    field.append(b)
                    state = .unquoted
                }
            case .unquoted:
                if b == UInt8(ascii: ",") {
                    try endField()
                    state = .fieldStart
                } else if b == 10 {
                    try endField()
                    try endRecord()
                    state = .fieldStart
                    line += 1
                    recordLine = line
                } else if b == UInt8(ascii: "\"") {
                    throw fail("a quote inside an unquoted field", column: columnName(fieldIndex))
                } else {
                    field.append(b)
                }
            case .quoted:
                if b == UInt8(ascii: "\"") {
                    state = .quoteInQuoted
                } else {
                    if b == 10 { line += 1 }
                    field.append(b)
                }
            case .quoteInQuoted:
                if b == UInt8(ascii: "\"") {
                    field.append(b)
                    state = .quoted
                } else if b == UInt8(ascii: ",") {
                    try endField()
                    state = .fieldStart
                } else if b == 10 {
                    try endField()
                    try endRecord()
                    state = .fieldStart
                    line += 1
                    recordLine = line
                } else {
                    throw fail("text after the closing quote of a field", column: columnName(fieldIndex))
                }
            }
        }
    }

    /// Call at the end of the file.
    mutating func finish() throws {
        switch state {
        case .quoted: throw fail("the file ends inside a quoted field")
        case .unquoted, .quoteInQuoted:
            try endField()
            try endRecord()
        case .fieldStart:
            if fieldIndex > 0 {
                try endField()
                try endRecord()
            }
        }
        state = .fieldStart
        if header == nil { throw fail("the file has no header row") }
    }

    private func columnName(_ index: Int) -> String? { index < columns.count ? columns[index].name : nil }

    private mutating func endField() throws {
        defer {
            field.removeAll(keepingCapacity: true)
            fieldQuoted = false
            fieldIndex += 1
        }
        if header == nil {
            headerFields.append(String(decoding: field, as: UTF8.self))
            return
        }
        guard fieldIndex < columns.count else {
            throw fail("the row has more than the \(columns.count) columns of the table")
        }
        let column = columns[fieldIndex]
        if field.isEmpty && !fieldQuoted {
            if !column.nullable { throw fail("NULL in NOT NULL column", column: column.name) }
            return
        }
        guard UTF8Check.isValid(field) else { throw fail("invalid UTF-8", column: column.name) }
        guard let problem = CSVPreflight.problem(field, type: column.type, maxTextBytes: maxTextBytes) else { return }
        let shown = String(decoding: field.prefix(60), as: UTF8.self)
        throw fail("\(problem): '\(shown)'", column: column.name)
    }

    private mutating func endRecord() throws {
        defer { fieldIndex = 0 }
        if header == nil {
            let expected = columns.map(\.name)
            guard headerFields == expected else {
                throw fail("the header (\(headerFields.joined(separator: ","))) differs from the spec's columns "
                           + "(\(expected.joined(separator: ",")))")
            }
            header = headerFields
            return
        }
        guard fieldIndex == columns.count else {
            throw fail("the row has \(fieldIndex) columns, the table \(columns.count)")
        }
        rows += 1
    }

    /// Why a non-NULL value would be refused by the column's type, or nil when it is fine.
    static func problem(_ value: [UInt8], type: ColumnType, maxTextBytes: Int?) -> String? {
        switch type {
        case .text:
            if let maxTextBytes, value.count > maxTextBytes {
                return "text of \(value.count) bytes is longer than VARCHAR(\(maxTextBytes))"
            }
            return nil
        case .bool:
            let text = String(decoding: value, as: UTF8.self)
            return ["true", "false", "t", "f"].contains(text) ? nil : "not a boolean"
        case .int64:
            return Int64(String(decoding: value, as: UTF8.self)) == nil ? "not a 64-bit integer" : nil
        case .float64:
            guard let d = Double(String(decoding: value, as: UTF8.self)) else { return "not a number" }
            return d.isFinite ? nil : "not a finite number (Redshift refuses NaN and infinity)"
        case .decimal(let scale):
            return decimalProblem(value, scale: scale)
        case .date:
            return isDate(value[...]) ? nil : "not a date YYYY-MM-DD between 0001 and 9999"
        case .timestamp:
            return isTimestamp(value) ? nil : "not a timestamp YYYY-MM-DD HH:MM:SS[.ffffff]+00 between 0001 and 9999"
        }
    }

    static func decimalProblem(_ value: [UInt8], scale: Int) -> String? {
        var digits = 0
        var fraction = -1
        for (i, b) in value.enumerated() {
            if b == UInt8(ascii: "-") && i == 0 { continue }
            if b == UInt8(ascii: ".") && fraction < 0 { fraction = 0; continue }
            guard b >= 48 && b <= 57 else { return "not a decimal" }
            digits += 1
            if fraction >= 0 { fraction += 1 }
        }
        if digits == 0 { return "not a decimal" }
        if fraction > scale { return "more than \(scale) decimal places" }
        if digits - max(fraction, 0) > WarehouseSQL.decimalPrecision - scale {
            return "out of range for DECIMAL(\(WarehouseSQL.decimalPrecision),\(scale))"
        }
        return nil
    }

    static func digits(_ s: ArraySlice<UInt8>) -> Int? {
        var n = 0
        for b in s {
            guard b >= 48 && b <= 57 else { return nil }
            n = n * 10 + Int(b - 48)
        }
        return s.isEmpty ? nil : n
    }

    static func isDate(_ v: ArraySlice<UInt8>) -> Bool {
        let s = v.startIndex
        guard v.count == 10, v[s + 4] == UInt8(ascii: "-"), v[s + 7] == UInt8(ascii: "-"),
              let y = digits(v[s..<s + 4]), let m = digits(v[s + 5..<s + 7]), let d = digits(v[s + 8..<s + 10]),
              y >= 1, (1...12).contains(m), (1...CivilDate.daysInMonth(year: y, month: m)).contains(d)
        else { return false }
        return true
    }

    static func isTimestamp(_ v: [UInt8]) -> Bool {
        guard v.count >= 19, isDate(v[0..<10]), v[10] == UInt8(ascii: " ") || v[10] == UInt8(ascii: "T"),
              v[13] == UInt8(ascii: ":"), v[16] == UInt8(ascii: ":"),
              let h = digits(v[11..<13]), let mi = digits(v[14..<16]), let se = digits(v[17..<19]),
              h < 24, mi < 60, se < 61 else { return false }
        var i = 19
        if i < v.count && v[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < v.count && v[i] >= 48 && v[i] <= 57 { i += 1 }
            guard i > start && i - start <= 6 else { return false }
        }
        let zone = v[i...]
        return zone.isEmpty || zone.elementsEqual("+00".utf8) || zone.elementsEqual("Z".utf8)
            || zone.elementsEqual("+00:00".utf8)
    }
}

/// UTF-8 validation by the table in Unicode 15, section 3.9 (well-formed byte sequences): no overlongs, no
/// surrogates, nothing past U+10FFFF.
enum UTF8Check {
    static func isValid(_ bytes: [UInt8]) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
                i + k < n && bytes[i + k] >= lo && bytes[i + k] <= hi
            }
            switch b {
            case 0xC2...0xDF: guard cont(1) else { return false }; i += 2
            case 0xE0: guard cont(1, 0xA0), cont(2) else { return false }; i += 3
            case 0xE1...0xEC, 0xEE...0xEF: guard cont(1), cont(2) else { return false }; i += 3
            case 0xED: guard cont(1, 0x80, 0x9F), cont(2) else { return false }; i += 3
            case 0xF0: guard cont(1, 0x90), cont(2), cont(3) else { return false }; i += 4
            case 0xF1...0xF3: guard cont(1), cont(2), cont(3) else { return false }; i += 4
            case 0xF4: guard cont(1, 0x80, 0x8F), cont(2), cont(3) else { return false }; i += 4
            default: return false
            }
        }
        return true
    }
}
