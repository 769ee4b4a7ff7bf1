import Testing
@testable import LakeCore

@Suite("column vectors")
struct ColumnVectorTests {
    static let values: [[Value]] = [
        [.text("a"), .null, .text(""), .text("Grüße"), .null, .text("xyz")],
        [.int(1), .null, .int(-5), .int(Int64.max), .null, .int(0)],
        [.double(1.5), .null, .double(-0.0), .double(.infinity), .null, .double(2)],
    ]

    @Test("gathering rows from several vectors equals appending them one by one, in the order given",
          arguments: [[Int](), [0, 1, 2, 3, 4, 5], [5, 0, 4, 1, 3, 2], [2, 2, 4, 4], [1, 4]])
    func gather(rows: [Int]) {
        for (values, type) in zip(ColumnVectorTests.values, [ColumnType.text, .int64, .float64]) {
            // Two parts: the values, and the same values backwards (so a ref's part matters).
            var first = ColumnVector(type: type), second = ColumnVector(type: type)
            for v in values { first.append(v) }
            for v in values.reversed() { second.append(v) }
            var refs: [Int] = [], oneByOne = ColumnVector(type: type), expected: [Value] = []
            for (k, row) in rows.enumerated() {
                let part = k % 2
                refs.append(part << 32 | row)
                oneByOne.append(from: part == 0 ? first : second, row: row)
                expected.append(part == 0 ? values[row] : values[values.count - 1 - row])
            }
            let gathered = ColumnVector(type: type, gathering: refs, from: [first, second])
            #expect(gathered == oneByOne, "\(type) \(rows)")
            #expect((0..<gathered.count).map { gathered.value(at: $0) } == expected)
        }
    }
}
