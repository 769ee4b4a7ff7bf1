import Testing

@testable import LakeFormat

@Suite("distinct text values")
struct DistinctTextTests {
    /// Every value's first equal value, and the number of distinct ones, the slow way.
    static func expected(_ values: [[UInt8]]) -> (firsts: [Int], distinct: Int) {
        var first: [[UInt8]: Int] = [:]
        let firsts = values.enumerated().map { i, v in first[v] ?? { first[v] = i; return i }() }
        return (firsts, first.count)
    }

    @Test("each value maps to its first equal one, across growth from the smallest table; empty and prefix values too")
    func firstIndexes() {
        var rng = SystemRandomNumberGenerator()
        var values: [[UInt8]] = [[], [0], [0, 0], Array("Berlin".utf8), Array("Berlin ".utf8), []]
        for _ in 0..<3000 {
            // Few distinct lengths and bytes: many repeats, many values sharing a prefix or a first word.
            values.append((0..<Int.random(in: 0...20, using: &rng)).map { _ in UInt8.random(in: 97...99, using: &rng) })
        }
        let text = TextValues(values.map { String(decoding: $0, as: UTF8.self) })
        var distinct = DistinctText(capacity: 1)
        let firsts = text.bytes.withUnsafeBufferPointer { bytes in
            text.offsets.withUnsafeBufferPointer { offsets in
                (0..<text.count).map { distinct.insert($0, bytes: bytes, offsets: offsets) }
            }
        }
        let slow = DistinctTextTests.expected(values)
        #expect(firsts == slow.firsts)
        #expect(distinct.count == slow.distinct)
        #expect(DictionaryEncoding.distinctCount(text, limit: text.count) == slow.distinct)
        #expect(DictionaryEncoding.distinctCount(text, limit: slow.distinct - 1) == nil)
    }

    @Test("a dictionary holds the distinct values in byte order, and codes give every value back")
    func dictionary() throws {
        let values = ["b", "a", "", "b", "ab", "a", "", "ba"]
        let text = TextValues(values)
        let (entries, codes) = try #require(DictionaryEncoding.build(text, limit: 5))
        #expect((0..<entries.count).map { String(decoding: entries[$0], as: UTF8.self) } == ["", "a", "ab", "b", "ba"])
        #expect(codes.map { String(decoding: entries[Int($0)], as: UTF8.self) } == values)
        #expect(DictionaryEncoding.build(text, limit: 4) == nil)
    }
}
