import LakeCore
import Testing
@testable import LakeFormat

/// The writer's check that a page decodes to exactly the rows it was given compares in place; it must still see
/// every kind of difference.
@Suite("page round-trip check")
struct PageCheckTests {
    @Test("a range of rows matches its own copy, with NULLs and in the middle of the column")
    func matches() {
        let column = textColumn(["a", nil, "héllo", "", "xyz", nil])
        #expect(textColumn([nil, "héllo", "", "xyz"]).isIdentical(to: column, rows: 1..<5))
        #expect(textColumn([]).isIdentical(to: column, rows: 3..<3))
        #expect(column.isIdentical(to: column))
        let floats = floatColumn([1.5, .nan, nil, -2])
        #expect(floatColumn([.nan, nil]).isIdentical(to: floats, rows: 1..<3))
    }

    @Test("one changed byte, boundary, NULL, row count or sign of zero is a difference")
    func differences() {
        let column = textColumn(["ab", "cd", nil])
        #expect(!textColumn(["ab", "ce", nil]).isIdentical(to: column))
        #expect(!textColumn(["abc", "d", nil]).isIdentical(to: column))  // same bytes, other boundary
        #expect(!textColumn(["ab", "cd", ""]).isIdentical(to: column))  // empty is not NULL
        #expect(!textColumn(["ab", "cd"]).isIdentical(to: column))
        #expect(!floatColumn([0.0]).isIdentical(to: floatColumn([-0.0])))
        var ints = ColumnVector(type: .int64)
        ints.append(integer: 7)
        var other = ColumnVector(type: .int64)
        other.append(integer: 8)
        #expect(!ints.isIdentical(to: other))
    }
}
