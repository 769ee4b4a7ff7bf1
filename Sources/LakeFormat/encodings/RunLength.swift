/// `0x05 rle`: runs of equal values.
///
/// ```
/// 05 | varint r (1 ≤ r ≤ n) | integer stream of r run values | integer stream of r (run length - 1)
/// ```
/// Run lengths sum to n exactly. Booleans, validity and sorted enum codes compress to a few bytes.
enum RunLength {
    /// The run values and run lengths minus one.
    static func runs(_ values: [Int64]) -> (values: [Int64], lengths: [Int64]) {
        var runValues: [Int64] = []
        var lengths: [Int64] = []
        var i = 0
        while i < values.count {
            var j = i + 1
            while j < values.count && values[j] == values[i] { j += 1 }
            runValues.append(values[i])
            lengths.append(Int64(j - i - 1))
            i = j
        }
        return (runValues, lengths)
    }

    static func encode(runCount: Int, values: [UInt8], lengths: [UInt8], into w: inout ByteWriter) {
        w.u8(EncodingID.runLength.rawValue)
        w.varint(runCount)
        w.append(values)
        w.append(lengths)
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> [Int64] {
        let runCount = try r.count(max: count, "run count")
        guard runCount >= 1 || count == 0 else { throw FormatError("rle stream with no runs") }
        let values = try IntegerStream.decode(&r, count: runCount, state: &state)
        let lengths = try IntegerStream.decode(&r, count: runCount, state: &state)
        var out = [Int64]()
        out.reserveCapacity(count)
        for (v, l) in zip(values, lengths) {
            guard l >= 0, l < Int64(count - out.count) else {
                throw FormatError("run lengths exceed the \(count) values of the stream")
            }
            out.append(contentsOf: repeatElement(v, count: Int(l) + 1))
        }
        guard out.count == count else { throw FormatError("run lengths cover \(out.count) of \(count) values") }
        return out
    }
}
