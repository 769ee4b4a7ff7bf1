import Testing
@testable import LakeCore

@Suite("column vectors")
struct ColumnVectorTests {
    static let values: [[Value]] = [
        [.text("a"), .null, .text(""), .text("Grüße"), .null, .text("xyz")],
        [.int(1), .null, .int(-5), .int(Int64.max), .null, .int(0)],
        [.double(1.5), .null, .double(-0.0), .double(.infinity), .null, .double(2)],
    ]

    @Test("appending a range of rows equals appending them one by one, after rows already there",
          arguments: [0..<0, 0..<6, 1..<5, 4..<6, 5..<6])
    func appendRange(range: Range<Int>) {
        for (values, type) in zip(ColumnVectorTests.values, [ColumnType.text, .int64, .float64]) {
            var source = ColumnVector(type: type)
            for v in values { source.append(v) }
            var bulk = ColumnVector(type: type)
            var oneByOne = ColumnVector(type: type)
            bulk.append(values[2])  // a row already in place shifts the text offsets
            oneByOne.append(values[2])
            bulk.append(rows: range, of: source)
            for row in range { oneByOne.append(from: source, row: row) }
            #expect(bulk == oneByOne, "\(type) \(range)")
            #expect((0..<bulk.count).map { bulk.value(at: $0) } == [values[2]] + range.map { values[$0] })
        }
    }
}
