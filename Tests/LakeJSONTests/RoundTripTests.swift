import TestSupport
import Testing

@testable import LakeJSON

/// A generated JSON value, with the facts a scan should reproduce.
indirect enum GeneratedValue {
    case string([Unicode.Scalar])
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    case null
    case array([GeneratedValue])
    case object([(String, GeneratedValue)])

    var kind: JSONValueKind {
        switch self {
        case .string: return .string
        case .integer, .double: return .number
        case .bool(let b): return b ? .true : .false
        case .null: return .null
        case .array: return .array
        case .object: return .object
        }
    }
}

struct JSONGenerator {
    var rng: SplitMix64

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func scalar() -> Unicode.Scalar {
        switch int(0...9) {
        case 0: return Unicode.Scalar(UInt8(int(0...0x1F)))  // control: must be escaped
        case 1: return ["\"", "\\", "/"].randomElement(using: &rng)!
        case 2: return Unicode.Scalar(UInt32(int(0x80...0x7FF)))!
        case 3: return Unicode.Scalar(UInt32(int(0x800...0xD7FF)))!
        case 4: return Unicode.Scalar(UInt32(int(0x10000...0x10FFFF)))!
        default: return Unicode.Scalar(UInt8(int(0x20...0x7E)))
        }
    }

    mutating func string(maxLength: Int) -> [Unicode.Scalar] { (0..<int(0...maxLength)).map { _ in scalar() } }

    mutating func value(depth: Int) -> GeneratedValue {
        switch int(depth > 4 ? 0...4 : 0...6) {
        case 0: return .string(string(maxLength: int(0...1) == 0 ? 12 : 200))
        case 1: return .integer(Int64.random(in: Int64.min...Int64.max, using: &rng) >> UInt64(int(0...63)))
        case 2:
            let d = Double(bitPattern: rng.next())
            return .double(d.isFinite ? d : 1.5)
        case 3: return .bool(int(0...1) == 0)
        case 4: return .null
        case 5: return .array((0..<int(0...4)).map { _ in value(depth: depth + 1) })
        default:
            return .object(
                (0..<int(0...4)).map { _ in
                    (String(String.UnicodeScalarView(string(maxLength: 6))), value(depth: depth + 1))
                }
            )
        }
    }

    /// Serialises with a random choice of escapes and whitespace, the way different writers would.
    mutating func serialize(_ value: GeneratedValue, into out: inout [UInt8]) {
        switch value {
        case .string(let scalars): serialize(scalars, into: &out)
        case .integer(let i): out += Array(String(i).utf8)
        case .double(let d): out += Array("\(d)".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .null: out += Array("null".utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                space(&out)
                serialize(item, into: &out)
            }
            space(&out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, item)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                space(&out)
                serialize(Array(key.unicodeScalars), into: &out)
                space(&out)
                out.append(UInt8(ascii: ":"))
                space(&out)
                serialize(item, into: &out)
            }
            space(&out)
            out.append(UInt8(ascii: "}"))
        }
    }

    mutating func space(_ out: inout [UInt8]) {
        if int(0...3) == 0 { out += [[0x20], [0x09], [0x0A, 0x20], [0x0D, 0x0A]].randomElement(using: &rng)! }
    }

    mutating func serialize(_ scalars: [Unicode.Scalar], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for s in scalars {
            let v = s.value
            let escapeAnyway = int(0...7) == 0
            switch v {
            case 0x22: out += Array(#"\""#.utf8)
            case 0x5C: out += Array(#"\\"#.utf8)
            case 0x0A where !escapeAnyway: out += Array(#"\n"#.utf8)
            case 0..<0x20: hex(UInt16(v), &out)
            case 0x10000... where escapeAnyway:
                let u = v - 0x10000
                hex(UInt16(0xD800 + (u >> 10)), &out)
                hex(UInt16(0xDC00 + (u & 0x3FF)), &out)
            case _ where escapeAnyway && v < 0x10000: hex(UInt16(v), &out)
            default: out += Array(String(Character(s)).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    mutating func hex(_ unit: UInt16, _ out: inout [UInt8]) {
        let digits = Array((int(0...1) == 0 ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
        out += Array(#"\u"#.utf8)
        for shift in [12, 8, 4, 0] { out.append(digits[Int(unit >> UInt16(shift)) & 15]) }
    }
}

@Test("random records round-trip: serialize, scan, compare every field")
func randomRoundTrip() throws {
    let seed = UInt64.random(in: 0...UInt64.max)
    print("randomRoundTrip seed: \(seed)")
    var generator = JSONGenerator(rng: SplitMix64(seed: seed))
    var slots: [JSONValueRef?] = []
    var text: [UInt8] = []
    for round in 0..<300 {
        // Distinct keys, some of them wanted.
        var names = Set<String>()
        while names.count < generator.int(0...40) {
            names.insert("k" + String(String.UnicodeScalarView(generator.string(maxLength: 10))))
        }
        let keys = Array(names)
        let values = keys.map { _ in generator.value(depth: 2) }
        var line: [UInt8] = []
        generator.serialize(.object([("ok", .bool(true)), ("data", .object(Array(zip(keys, values))))]), into: &line)
        let wanted = keys.filter { _ in generator.int(0...2) > 0 } + ["k-absent-\(round)"]
        let table = FieldTable(fieldNames: wanted)
        let scanner = RecordScanner(fields: table)
        let error = scanner.scan(line, into: &slots)
        try #require(error == nil, "seed \(seed) round \(round): \(error!) in \(String(decoding: line, as: UTF8.self))")
        for (key, value) in zip(keys, values) {
            guard let slot = table.slot(of: key) else { continue }
            let ref = try #require(slots[slot], "seed \(seed) round \(round): \(key) not found")
            #expect(ref.kind == value.kind)
            try line.withUnsafeBytes { raw in
                switch value {
                case .string(let scalars):
                    text.removeAll(keepingCapacity: true)
                    #expect(JSONValues.appendString(ref, in: raw, to: &text))
                    #expect(
                        text == Array(String(String.UnicodeScalarView(scalars)).utf8),
                        "seed \(seed) round \(round)"
                    )
                case .integer(let i):
                    #expect(JSONValues.int64(ref, in: raw) == i, "seed \(seed)")
                    #expect(JSONValues.decimal(ref, in: raw, scale: 0) == i, "seed \(seed)")
                case .double(let d):
                    #expect(JSONValues.double(ref, in: raw) == d, "seed \(seed): \(d)")
                case .bool(let b):
                    #expect(JSONValues.bool(ref, in: raw) == b)
                case .array, .object:
                    // The raw text is itself valid JSON: scan it again as a value.
                    let inner = scan(record(value: Array(line[ref.range])))
                    try #require(inner.error == nil, "seed \(seed)")
                case .null:
                    #expect(String(decoding: line[ref.range], as: UTF8.self) == "null")
                }
            }
        }
        #expect(slots[table.count - 1] == nil)
    }
}
