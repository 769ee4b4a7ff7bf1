/// `input` handed to `deflate` in pieces of `size` bytes (at least one call; the last one with `finish`), and
/// everything it writes to its sink, in order.
func deflated(_ input: [UInt8], inPiecesOf size: Int,
              _ deflate: (UnsafeRawBufferPointer, Bool, (UnsafeRawBufferPointer) throws -> Void) throws -> Void)
    throws -> [UInt8] {
    var out: [UInt8] = []
    var start = 0
    repeat {
        let end = min(input.count, start + size)
        try input[start..<end].withUnsafeBytes { piece in
            try deflate(piece, end == input.count) { out.append(contentsOf: $0) }
        }
        start = end
    } while start < input.count
    return out
}
