/// `0x10 plain` text: the byte length of each value, then all UTF-8 bytes back to back.
///
/// ```
/// 10 | integer stream of n lengths | sum(lengths) bytes
/// ```
enum PlainText {
    static func encode(lengths: [UInt8], bytes: ArraySlice<UInt8>, into w: inout ByteWriter) {
        w.u8(EncodingID.textPlain.rawValue)
        w.append(lengths)
        w.append(contentsOf: bytes)
    }

    static func decode(_ r: inout ByteReader, count: Int, state: inout DecodeState) throws -> TextValues {
        let lengths = try IntegerStream.decode(&r, count: count, state: &state)
        var total = 0
        for l in lengths {
            guard l >= 0, l <= Int64(r.remaining - total) else {
                throw FormatError("text lengths exceed the \(r.remaining) bytes left in the page")
            }
            total += Int(l)
        }
        try state.spend(total)
        let range = try r.take(total)
        var out = TextValues(capacity: count, bytes: 0)
        out.bytes = Array(r.bytes[range])
        var end = 0
        for l in lengths {
            end += Int(l)
            out.offsets.append(end)
        }
        return out
    }
}
