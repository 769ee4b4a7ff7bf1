public import LakeCore
internal import LakeCompression

/// Reads a `.bcol` file: validates header, trailer and footer on open, then decodes the projected columns of a
/// row group on demand.
///
/// ```
/// 0      "BCOL" | u8 major version                      header, 5 bytes
/// 5      page | page | …                               stored back to back in footer order
/// F      footer (F = size - 12 - footerLength)
/// size-12 u32 footerLength | u32 CRC-32(footer) | "BCOL"  trailer, 12 bytes
/// ```
/// Immutable after `init`; reads use `pread`, so one reader may serve several threads.
public final class ColumnarReader: @unchecked Sendable {
    /// The path (or name, for bytes in memory) used in error messages.
    public let path: String
    public let schema: TableSchema
    /// Total rows over all row groups.
    public let rowCount: Int
    public let rowGroups: [RowGroupInfo]
    /// The footer's key/value metadata.
    public let metadata: [String: String]
    /// The column the writer sorted each row group by, if any.
    public let sortColumn: String?
    public let fileSize: Int
    /// The major version in the file's header: 1, or 2 when some page uses zstd.
    public let majorVersion: Int
    /// The minor version the file was written with.
    public let minorVersion: Int
    private let source: ByteSource
    private let footer: Footer

    /// Opens `path` and validates its header, trailer and footer.
    public convenience init(path: String) throws {
        try self.init(source: ByteSource.open(path: path), path: path)
    }

    /// Reads a file held in memory; `name` appears in error messages.
    public convenience init(bytes: [UInt8], name: String = "<memory>") throws {
        try self.init(source: .memory(bytes), path: name)
    }

    private init(source: ByteSource, path: String) throws {
        self.source = source
        self.path = path
        fileSize = source.size
        let footer: Footer
        let major: UInt8
        do {
            (footer, major) = try Self.openFooter(source, path: path)
        } catch {
            source.close()
            throw error
        }
        self.footer = footer
        schema = footer.schema
        majorVersion = Int(major)
        minorVersion = Int(footer.minorVersion)
        metadata = footer.metadata
        sortColumn = footer.sortColumn.map { footer.schema.columns[$0].name }
        rowCount = footer.rowGroups.reduce(0) { $0 + $1.rows }
        rowGroups = footer.rowGroups.enumerated().map { g, group in
            RowGroupInfo(index: g, rowCount: group.rows,
                         columns: zip(footer.schema.columns, group.chunks).map { $1.info(column: $0) })
        }
    }

    deinit { source.close() }

    private static func openFooter(_ source: ByteSource, path: String) throws -> (Footer, UInt8) {
        func corrupt(_ message: String, at offset: Int? = nil) -> LakeError {
            LakeError(.corruptFile, message, location: InputLocation(file: path, byteOffset: offset.map(Int64.init)))
        }
        let size = source.size
        guard size >= FormatLimits.headerSize + FormatLimits.trailerSize else {
            throw corrupt("not a columnar file: \(size) bytes is shorter than header and trailer")
        }
        let header = try source.read(0..<FormatLimits.headerSize, path: path)
        guard Array(header[0..<4]) == FormatLimits.magic else {
            throw corrupt("not a columnar file: the first bytes are not the magic \"BCOL\"", at: 0)
        }
        let major = header[4]
        guard major != 0 else { throw corrupt("format major version 0 does not exist", at: 4) }
        guard major <= FormatLimits.majorVersion else {
            throw LakeError(.corruptFile,
                            "file uses columnar format version \(major), this reader understands only versions 1 to \(FormatLimits.majorVersion)",
                            remedy: "read it with a newer batchlake", location: InputLocation(file: path, byteOffset: 4))
        }
        let trailerStart = size - FormatLimits.trailerSize
        var trailer = ByteReader(try source.read(trailerStart..<size, path: path))
        let footerLength = Int(try trailer.u32())
        let crc = try trailer.u32()
        guard Array(trailer.bytes[8..<12]) == FormatLimits.magic else {
            throw corrupt("the file does not end with the magic \"BCOL\" (truncated or not finished)", at: size - 4)
        }
        guard footerLength <= trailerStart - FormatLimits.headerSize else {
            throw corrupt("footer length \(footerLength) exceeds the file", at: trailerStart)
        }
        let footerStart = trailerStart - footerLength
        let footerBytes = try source.read(footerStart..<trailerStart, path: path)
        guard CRC32.checksum(footerBytes) == crc else {
            throw corrupt("footer checksum mismatch", at: footerStart)
        }
        do {
            return (try Footer.parse(footerBytes, footerStart: footerStart, majorVersion: major), major)
        } catch let error as FormatError {
            throw corrupt("footer: \(error.message)", at: footerStart)
        }
    }

    /// Decodes columns `columns` (schema indexes, in the order given) of row group `rowGroup`.
    public func read(rowGroup: Int, columns: [Int]) throws -> [ColumnVector] {
        guard rowGroups.indices.contains(rowGroup) else {
            throw LakeError(.usage, "row group \(rowGroup) does not exist (the file has \(rowGroups.count))",
                            location: InputLocation(file: path))
        }
        return try columns.map { c in
            guard schema.columns.indices.contains(c) else {
                throw LakeError(.usage, "column \(c) does not exist (the file has \(schema.columns.count))",
                                location: InputLocation(file: path))
            }
            return try readChunk(rowGroup: rowGroup, column: c)
        }
    }

    /// Decodes columns `columns` (all when nil) of every row group, concatenated.
    public func readAll(columns: [Int]? = nil) throws -> [ColumnVector] {
        let wanted = columns ?? Array(schema.columns.indices)
        var out = wanted.map { ColumnVector(type: schema.columns[$0].type, capacity: rowCount) }
        for g in rowGroups.indices {
            let part = try read(rowGroup: g, columns: wanted)
            if rowGroups.count == 1 { return part }
            for (k, vector) in part.enumerated() {
                for row in 0..<vector.count { out[k].append(from: vector, row: row) }
            }
        }
        return out
    }

    /// Whether the file may hold a row where `column` equals `value`: false only when the column's Bloom filter
    /// or its min/max statistics rule the value out. Columns without a filter answer from statistics alone.
    public func mightContain(column: String, value: Value) -> Bool {
        guard let c = schema.index(of: column) else { return false }
        if !rowGroups.contains(where: { $0.columns[c].statistics.mayContain(value) }) { return false }
        guard !value.isNull, let bloom = footer.blooms[c] else { return true }
        guard let h = BloomFilter.hash(value, type: schema.columns[c].type) else { return true }
        return bloom.mightContain(h)
    }

    /// Whether `column` has a Bloom filter in this file.
    public func hasBloomFilter(column: String) -> Bool {
        schema.index(of: column).map { footer.blooms[$0] != nil } ?? false
    }

    /// Decodes every page, checks every checksum, and compares the decoded data with the footer's statistics and
    /// Bloom filters. Throws the first problem as a `LakeError` with code `.corruptFile`.
    public func verify() throws {
        for g in rowGroups.indices {
            for (c, column) in schema.columns.enumerated() {
                let vector = try readChunk(rowGroup: g, column: c)
                let info = rowGroups[g].columns[c]
                let actual = StatisticsBuilder.compute(vector, rows: 0..<vector.count)
                guard actual == info.statistics else {
                    throw LakeError(.corruptFile, "row group \(g), column '\(column.name)': statistics do not match the data",
                                    location: InputLocation(file: path, byteOffset: Int64(info.byteOffset), field: column.name))
                }
                if let bloom = footer.blooms[c] {
                    for i in 0..<vector.count where vector.validity[i] {
                        guard bloom.mightContain(BloomFilter.hash(vector, row: i)) else {
                            throw LakeError(.corruptFile, "row group \(g), column '\(column.name)': bloom filter misses row \(i)",
                                            location: InputLocation(file: path, field: column.name))
                        }
                    }
                }
            }
        }
    }

    private func readChunk(rowGroup g: Int, column c: Int) throws -> ColumnVector {
        let column = schema.columns[c]
        let chunk = footer.rowGroups[g].chunks[c]
        var result = ColumnVector(type: column.type, capacity: footer.rowGroups[g].rows)
        for (p, page) in chunk.pages.enumerated() {
            func corrupt(_ message: String) -> LakeError {
                LakeError(.corruptFile, "row group \(g), column '\(column.name)', page \(p): \(message)",
                          location: InputLocation(file: path, byteOffset: Int64(page.offset), field: column.name))
            }
            if let unknown = page.ids.first(where: { EncodingID(rawValue: $0) == nil }) {
                throw LakeError(.corruptFile,
                                "row group \(g), column '\(column.name)' uses encoding id 0x\(String(unknown, radix: 16)), unknown to this reader (reader \(FormatLimits.majorVersion).\(FormatLimits.minorVersion), file \(majorVersion).\(minorVersion))",
                                remedy: "read this column with a newer batchlake; other columns are readable",
                                location: InputLocation(file: path, byteOffset: Int64(page.offset), field: column.name))
            }
            var stored = try source.read(page.offset..<(page.offset + page.storedSize), path: path)
            let payloadSize = page.storedSize - 4
            var crcReader = ByteReader(stored, from: payloadSize)
            let crc = try crcReader.u32()
            stored.removeLast(4)
            guard CRC32.checksum(stored) == crc else { throw corrupt("page checksum mismatch") }
            let body: [UInt8]
            switch page.codec {
            case .none: body = stored
            case .deflate:
                do {
                    body = try Zlib.decompress(stored, format: .raw, limit: page.bodySize)
                } catch {
                    throw corrupt("cannot inflate the page: \(error)")
                }
                guard body.count == page.bodySize else {
                    throw corrupt("page inflates to \(body.count) bytes, the footer says \(page.bodySize)")
                }
            case .zstd:
                do {
                    body = try Zstd.decompress(stored, expectedSize: page.bodySize)
                } catch {
                    throw corrupt("cannot decompress the zstd page: \(error)")
                }
            }
            var state = DecodeState()
            var r = ByteReader(body)
            do {
                try PageDecoder.decodeBody(&r, rows: page.rows, nullCount: page.nullCount, state: &state,
                                           appendingTo: &result)
            } catch let error as FormatError {
                throw corrupt(error.message)
            }
            guard state.ids == page.ids else { throw corrupt("page encodings differ from the footer's list") }
        }
        return result
    }
}

