internal import LakeCompression

extension ColumnarReader {
    /// For fuzzing and robustness tests only: rewrites the footer CRC and every page CRC of `bytes` to match their
    /// contents, so that random mutations get past the checksums and reach the footer parser and the decoders.
    /// Leaves the bytes alone where the layout is too damaged to locate footer or pages.
    public static func _repairChecksums(_ bytes: inout [UInt8]) {
        let size = bytes.count
        guard size >= FormatLimits.headerSize + FormatLimits.trailerSize else { return }
        let trailer = size - FormatLimits.trailerSize
        var r = ByteReader(bytes, from: trailer)
        guard let length = try? Int(r.u32()), length <= trailer - FormatLimits.headerSize else { return }
        let start = trailer - length
        let footerBytes = Array(bytes[start..<trailer])
        store(CRC32.checksum(footerBytes), at: trailer + 4, in: &bytes)
        guard let footer = try? Footer.parse(footerBytes, footerStart: start, majorVersion: bytes[4]) else { return }
        for group in footer.rowGroups {
            for chunk in group.chunks {
                for page in chunk.pages {
                    let crcAt = page.offset + page.storedSize - 4
                    store(CRC32.checksum(bytes[page.offset..<crcAt]), at: crcAt, in: &bytes)
                }
            }
        }
    }

    private static func store(_ crc: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
    }
}
