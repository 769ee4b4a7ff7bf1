import LakeCore
import TestSupport
@testable import LakeFormat

/// A seed from the environment (`LAKEFORMAT_SEED`) or a fixed default, printed by the tests that use it.
func testSeed(_ salt: UInt64) -> UInt64 {
    var seed: UInt64 = 0x5EED_0000 ^ salt
    if let text = getenvString("LAKEFORMAT_SEED"), let v = UInt64(text) { seed = v ^ salt }
    print("seed for test \(salt): \(seed) (set LAKEFORMAT_SEED to vary)")
    return seed
}

func getenvString(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
}

#if canImport(Glibc)
import Glibc
#endif

enum EdgeValues {
    static let integers: [Int64] = [0, 1, -1, .min, .max, .min + 1, .max - 1, 42, -42, 1 << 32, -(1 << 40)]
    static let doubles: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 1.5, -2.25, .leastNonzeroMagnitude,
                                    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 52.520008, 0.1, 1e300]
    static let strings: [String] = ["", "a", "Grüße aus Köln", "日本語テキスト", "emoji 🏠🔑", "\u{0}", String(repeating: "x", count: 300),
                                    "Straße", "ß", "€ 1.234,56"]
}

/// Random vectors of every type with NULLs and edge values mixed in.
struct RandomTables {
    var rng: SplitMix64

    mutating func vector(_ type: ColumnType, rows: Int, nullRate: Double = 0.1, nullable: Bool = true) -> ColumnVector {
        var v = ColumnVector(type: type, capacity: rows)
        let style = Int.random(in: 0..<4, using: &rng)
        var last: Int64 = Int64.random(in: -1_000_000...1_000_000, using: &rng)
        for _ in 0..<rows {
            if nullable && Double.random(in: 0..<1, using: &rng) < nullRate { v.appendNull(); continue }
            let edge = Int.random(in: 0..<20, using: &rng) == 0
            switch type {
            case .bool: v.append(integer: Int64.random(in: 0...1, using: &rng))
            case .float64:
                if edge { v.append(double: EdgeValues.doubles.randomElement(using: &rng)!) }
                else if style == 0 { v.append(double: Double(Int.random(in: 0...100_000, using: &rng)) / 100) }
                else { v.append(double: Double.random(in: -1e6...1e6, using: &rng)) }
            case .text:
                if edge { v.append(text: EdgeValues.strings.randomElement(using: &rng)!) }
                else if style == 0 { v.append(text: ["Gas", "Öl", "Fernwärme", "Wärmepumpe"].randomElement(using: &rng)!) }
                else { v.append(text: randomWords(Int.random(in: 0...40, using: &rng))) }
            default:
                if edge && type != .date { v.append(integer: EdgeValues.integers.randomElement(using: &rng)!); continue }
                switch style {
                case 0: last += Int64.random(in: 0...3, using: &rng)
                case 1: last = Int64.random(in: -5...5, using: &rng)
                case 2: last = Int64.random(in: Int64.min...Int64.max, using: &rng)
                default: last += 3_600_000_000
                }
                if type == .date { last = Int64(Int32(truncatingIfNeeded: last)) }
                v.append(integer: last)
            }
        }
        return v
    }

    mutating func randomWords(_ count: Int) -> String {
        (0..<count).map { _ in GermanText.words.randomElement(using: &rng)! }.joined(separator: " ")
    }
}

enum GermanText {
    static let words = """
    die der das und in zu den mit von ist im für auf dem ein eine nicht sich Wohnung Zimmer Küche Bad Balkon \
    helle ruhige Lage Altbau Neubau Dielenboden Einbauküche Fußbodenheizung Stellplatz Keller Aufzug Garten \
    Terrasse renoviert saniert modern gepflegt großzügig zentral Nähe Bahnhof Einkaufsmöglichkeiten Schulen \
    Kindergärten öffentliche Verkehrsmittel erreichbar Wohnfläche Quadratmeter Miete Nebenkosten Kaution \
    Besichtigung Termin vereinbaren Schlafzimmer Wohnzimmer Gäste-WC Abstellraum Waschmaschinenanschluss \
    Tageslichtbad Badewanne Dusche Parkett Laminat Fliesen Fenster Dreifachverglasung Rollläden Südbalkon \
    Blick ins Grüne befindet sich im Erdgeschoss Obergeschoss Dachgeschoss eines gepflegten Mehrfamilienhauses \
    verfügt über sowie ab sofort bezugsfrei Haustiere nach Absprache Nichtraucher bevorzugt ideal für Paare \
    Singles Familien Pendler Autobahnanbindung wenige Gehminuten entfernt Supermarkt Apotheke Ärzte Park See
    """.split(separator: " ").map(String.init)
}

/// All column types, nullable, for round trips.
let allTypes: [ColumnType] = [.bool, .int64, .float64, .decimal(scale: 2), .timestamp, .date, .text]
