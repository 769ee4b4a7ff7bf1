import Foundation
import TestSupport
import Testing

@testable import LakeJSON

/// Edits a line at random: bit flips, bytes that matter to JSON (quotes, backslashes, brackets, commas, UTF-8 lead
/// and continuation bytes, control characters), deletions, duplications and truncation.
private func mutateLine(_ base: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    let interesting: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x0A, 0x1F, 0x80, 0xBF, 0xC0,
                                0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF, 0x75, 0x30, 0x2D, 0x65, 0x2E, 0x20]
    var bytes = base
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
        guard !bytes.isEmpty else { return bytes }
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        case 1: bytes[i] = interesting[Int.random(in: 0..<interesting.count, using: &rng)]
        case 2: bytes.insert(interesting[Int.random(in: 0..<interesting.count, using: &rng)], at: i)
        case 3: bytes.removeSubrange(i..<min(bytes.count, i + Int.random(in: 1...8, using: &rng)))
        case 4:
            let piece = Array(bytes[i..<min(bytes.count, i + Int.random(in: 1...16, using: &rng))])
            bytes.insert(contentsOf: piece, at: Int.random(in: 0...bytes.count, using: &rng))
        default: bytes.removeSubrange(i...)
        }
    }
    return bytes
}

/// A `\u` escape of a surrogate code unit, which the scanner accepts alone (RFC 8259 allows it) and Foundation not.
private func hasSurrogateEscape(_ bytes: [UInt8]) -> Bool {
    let text = String(decoding: bytes, as: UTF8.self).lowercased()
    return ["\\ud8", "\\ud9", "\\uda", "\\udb", "\\udc", "\\udd", "\\ude", "\\udf"].contains { text.contains($0) }
}

@Suite("Mutations: the record scanner on damaged lines")
struct ScannerMutationTests {
    static let seed: UInt64 = 0x5EED_0009

    @Test("thousands of seeded random mutations of records: no crash, every reference inside the line, and the scanner accepts only what Foundation's JSON parser accepts")
    func randomMutations() throws {
        let bases = [smallRecord, Array(fixtureRecord.utf8)]
        let fields = ["x", "y", "w", "v", "id", "realEstate_descriptionNote", "realEstate_totalRent", "modification"]
        let table = FieldTable(fieldNames: fields)
        let scanner = RecordScanner(fields: table)
        var rng = SplitMix64(seed: Self.seed)
        var accepted = 0
        var refused = 0
        var slots: [JSONValueRef?] = []
        for round in 0..<6000 {
            let base = bases[round % bases.count]
            let line = mutateLine(base, &rng)
            let what = "round \(round) (seed \(Self.seed))"
            if let error = scanner.scan(line, into: &slots) {
                refused += 1
                #expect(error.offset >= 0 && error.offset <= line.count, "\(what): offset \(error.offset)")
                #expect(slots.allSatisfy { $0 == nil }, "\(what): slots filled after an error")
                continue
            }
            accepted += 1
            #expect(slots.count == fields.count)
            line.withUnsafeBytes { raw in
                for case let ref? in slots {
                    #expect(ref.start >= 0 && ref.start <= ref.end && ref.end <= line.count, "\(what)")
                    var text: [UInt8] = []
                    _ = JSONValues.appendString(ref, in: raw, to: &text)
                    _ = JSONValues.int64(ref, in: raw)
                    _ = JSONValues.decimal(ref, in: raw, scale: 2)
                    _ = JSONValues.double(ref, in: raw)
                    _ = JSONValues.bool(ref, in: raw)
                    _ = JSONValues.timestamp(ref, in: raw)
                    _ = JSONValues.date(ref, in: raw)
                }
            }
            // A second, independent parser agrees the line is JSON (the scanner's documented extras aside).
            if !hasSurrogateEscape(line) {
                let parsed = try? JSONSerialization.jsonObject(with: Data(line))
                #expect(parsed is [String: Any],
                        "\(what): scanner accepted what Foundation refuses: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
        }
        #expect(accepted > 300 && refused > 3000, "accepted \(accepted), refused \(refused)")
        print("scanner mutations: \(accepted) accepted, \(refused) refused")
    }
}
