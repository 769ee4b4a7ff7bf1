import LakeCore
import TestSupport
import Testing
@testable import LakeFormat

/// Pages of 64 KB or more of text take `PageEncoder.encodeLargeText` (dictionary, or lz / plain / FSST compared
/// after deflate): each shape must read back identical.
@Suite("Long text pages")
struct LargeTextTests {
    /// A text column of `rows` rows from `make`, NULL where it returns nil.
    private func column(_ rows: Int, _ make: (Int) -> String?) -> ColumnVector {
        var v = ColumnVector(type: .text)
        for i in 0..<rows {
            if let s = make(i) { v.append(text: s) } else { v.appendNull() }
        }
        return v
    }

    private func roundTrip(_ columns: [ColumnVector], _ label: String) throws {
        let schema = TableSchema(name: "t", columns: columns.indices.map { ColumnSchema(name: "c\($0)", type: .text) })
        let bytes = try ColumnarWriter.encode(schema: schema, columns: columns)
        let reader = try ColumnarReader(bytes: bytes)
        try reader.verify()
        let back = try reader.readAll()
        for (a, b) in zip(columns, back) { #expect(a.isIdentical(to: b), "\(label)") }
    }

    @Test("prose, JSON-like repeats, unique blobs, unicode, empty strings, NULLs, a single huge value")
    func shapes() throws {
        var rng = SplitMix64(seed: testSeed(40))
        let sentences = (0..<40).map { k in "Satz \(k): Die Wohnung verfügt über \(k) schöne Zimmer – ruhig gelegen. " }
        let prose = column(400) { _ in
            (0..<Int.random(in: 5...30, using: &rng)).map { _ in sentences.randomElement(using: &rng)! }.joined()
        }
        let json = column(300) { i in
            "[" + (0..<Int.random(in: 1...40, using: &rng)).map { k in
                "{\"@href\": \"https://pictures.example/listings/\(i)-\(k).jpg/ORIG/resize/60x60%3E/format/jpg\"}"
            }.joined(separator: ", ") + "]"
        }
        let unique = column(200) { _ in
            String((0..<Int.random(in: 300...900, using: &rng)).map { _ in Character(Unicode.Scalar(UInt8.random(in: 32...126, using: &rng))) })
        }
        let withNulls = column(500) { i in i % 3 == 0 ? nil : (i % 7 == 0 ? "" : "Ölheizung 🏠 \(i) " + String(repeating: "ä", count: i % 300)) }
        let repetitive = column(1000) { i in ["Gas", "Fernwärme " + String(repeating: "x", count: 200), "Öl"][i % 3] }
        let huge = column(1) { _ in String(repeating: "Altbau mit Stuck und Dielen. ", count: 20_000) }
        let allNull = column(300) { _ in nil }
        for (label, c) in [("prose", prose), ("json", json), ("unique", unique), ("nulls", withNulls), ("repetitive", repetitive)] {
            try roundTrip([c], label)
        }
        try roundTrip([huge], "one huge value")
        try roundTrip([allNull], "all NULL")
        try roundTrip([column(0) { _ in "" }], "empty")
    }

    @Test("a page past the sampling size (over 1 MB) reads back identical")
    func sampled() throws {
        var rng = SplitMix64(seed: testSeed(41))
        let parts = (0..<200).map { k in "{\"attachment\": \(k), \"title\": \"Bild \(k)\", \"urls\": \"https://rest.example/expose/\(k)\"}" }
        let big = column(800) { _ in (0..<Int.random(in: 10...40, using: &rng)).map { _ in parts.randomElement(using: &rng)! }.joined() }
        #expect(big.bytes.count > 4 * PageEncoder.sampleText)
        try roundTrip([big], "sampled")
    }
}
