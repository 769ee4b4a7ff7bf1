import LakeCore
import Testing
@testable import LakeFormat

/// The writer's check that a page decodes to exactly the rows it was given compares in place; it must still see
/// every kind of difference.
@Suite("page round-trip check")
struct PageCheckTests {
    static func text(_ values: [String?]) -> ColumnVector {
        var v = ColumnVector(type: .text)
        for value in values { if let value { v.append(text: value) } else { v.appendNull() } }
        return v
    }

    static func doubles(_ values: [Double?]) -> ColumnVector {
        var v = ColumnVector(type: .float64)
        for value in values { if let value { v.append(double: value) } else { v.appendNull() } }
        return v
    }

    @Test("a range of rows matches its own copy, with NULLs and in the middle of the column")
    func matches() {
        let column = PageCheckTests.text(["a", nil, "héllo", "", "xyz", nil])
        #expect(PageCheckTests.text([nil, "héllo", "", "xyz"]).isIdentical(to: column, rows: 1..<5))
        #expect(PageCheckTests.text([]).isIdentical(to: column, rows: 3..<3))
        #expect(column.isIdentical(to: column))
        let floats = PageCheckTests.doubles([1.5, .nan, nil, -2])
        #expect(PageCheckTests.doubles([.nan, nil]).isIdentical(to: floats, rows: 1..<3))
    }

    @Test("one changed byte, boundary, NULL, row count or sign of zero is a difference")
    func differences() {
        let column = PageCheckTests.text(["ab", "cd", nil])
        #expect(!PageCheckTests.text(["ab", "ce", nil]).isIdentical(to: column))
        #expect(!PageCheckTests.text(["abc", "d", nil]).isIdentical(to: column))  // same bytes, other boundary
        #expect(!PageCheckTests.text(["ab", "cd", ""]).isIdentical(to: column))  // empty is not NULL
        #expect(!PageCheckTests.text(["ab", "cd"]).isIdentical(to: column))
        #expect(!PageCheckTests.doubles([0.0]).isIdentical(to: PageCheckTests.doubles([-0.0])))
        var ints = ColumnVector(type: .int64)
        ints.append(integer: 7)
        var other = ColumnVector(type: .int64)
        other.append(integer: 8)
        #expect(!ints.isIdentical(to: other))
    }
}
