import Foundation
import LakeCore
import TestSupport
import Testing
@testable import LakeFormat

@Suite("Round trips of whole files")
struct RoundTripTests {
    @Test("random tables of every type with NULLs and edge values read back equal")
    func randomTables() throws {
        let seed = testSeed(1)
        var tables = RandomTables(rng: SplitMix64(seed: seed))
        for trial in 0..<40 {
            let rows = [0, 1, 2, 7, 100, 1000][trial % 6]
            let schema = TableSchema(name: "t\(trial)", columns: allTypes.enumerated().map {
                ColumnSchema(name: "c\($0.offset)", type: $0.element)
            })
            let nullRate = [0.0, 0.1, 0.9, 1.0][trial % 4]
            let columns = allTypes.map { tables.vector($0, rows: rows, nullRate: nullRate) }
            let bytes = try ColumnarWriter.encode(schema: schema, columns: columns)
            let reader = try ColumnarReader(bytes: bytes)
            #expect(reader.schema == schema)
            #expect(reader.rowCount == rows)
            try reader.verify()
            let back = try reader.readAll()
            for (a, b) in zip(columns, back) {
                #expect(a.isIdentical(to: b), "trial \(trial) type \(a.type) seed \(seed)")
            }
        }
    }
}

@Suite("Row groups gathered from chunks")
struct ChunkedWriteTests {
    /// Rows written in chunks of uneven sizes that straddle row groups: each row group holds the next
    /// `rowGroupRows` rows in arrival order, sorted by the sort column (NULLs first, ties in arrival order).
    @Test("chunks across row groups come back sorted within each row group, ties in arrival order",
          arguments: [ColumnType.int64, .text, .float64])
    func chunksAcrossRowGroups(keyType: ColumnType) throws {
        var rng = SplitMix64(seed: testSeed(7))
        let total = 1000, groupRows = 64
        // Keys from a small range (many ties) with NULLs; `seq` is the arrival index; `label` a text per row.
        var keys: [Int?] = []
        for _ in 0..<total { keys.append(rng.next() % 7 == 0 ? nil : Int(rng.next() % 20)) }
        func keyVector<S: Sequence<Int>>(_ rows: S) -> ColumnVector {
            var v = ColumnVector(type: keyType)
            for i in rows {
                guard let k = keys[i] else { v.appendNull(); continue }
                switch keyType {
                case .text: v.append(text: "k" + String(k))  // "k10" < "k2": text order, not numeric
                case .float64: v.append(double: Double(k) - 0.5)
                default: v.append(integer: Int64(k))
                }
            }
            return v
        }
        let schema = TableSchema(name: "t", columns: [
            ColumnSchema(name: "key", type: keyType), ColumnSchema(name: "seq", type: .int64),
            ColumnSchema(name: "label", type: .text),
        ])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chunked-\(keyType)-\(UUID()).bcol").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try ColumnarWriter(path: path, schema: schema,
                                        options: ColumnarWriterOptions(rowGroupRows: groupRows, sortColumn: "key"))
        var start = 0
        while start < total {
            let end = min(total, start + [1, 7, 50, 64, 130, 3][Int(rng.next() % 6)])
            var seq = ColumnVector(type: .int64), label = ColumnVector(type: .text)
            for i in start..<end {
                seq.append(integer: Int64(i))
                label.append(text: "row \(i)")
            }
            try writer.write([keyVector(start..<end), seq, label])
            start = end
        }
        let summary = try writer.finish()
        #expect(summary.rowGroups == (total + groupRows - 1) / groupRows)

        let reader = try ColumnarReader(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        try reader.verify()
        let back = try reader.readAll()
        var expected: [Int] = []
        for g in stride(from: 0, to: total, by: groupRows) {
            expected += (g..<min(total, g + groupRows)).sorted { a, b in
                switch (keys[a], keys[b]) {
                case (nil, nil): return a < b
                case (nil, _): return true
                case (_, nil): return false
                case let (x?, y?):
                    let (kx, ky) = keyType == .text ? ("k" + String(x), "k" + String(y)) : (String(x), String(y))
                    if keyType == .text { return kx < ky || (kx == ky && a < b) }
                    return x < y || (x == y && a < b)
                }
            }
        }
        #expect((0..<total).map { back[1].integers[$0] } == expected.map(Int64.init))
        #expect((0..<total).map { back[2].value(at: $0) } == expected.map { .text("row \($0)") })
        #expect(back[0].isIdentical(to: keyVector(expected)))
    }
}
