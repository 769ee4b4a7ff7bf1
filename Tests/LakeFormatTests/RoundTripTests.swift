import LakeCore
import Testing
@testable import LakeFormat

@Suite("Round trips of whole files")
struct RoundTripTests {
    @Test("random tables of every type with NULLs and edge values read back equal")
    func randomTables() throws {
        let seed = testSeed(1)
        var tables = RandomTables(rng: SeededRandom(seed: seed))
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
