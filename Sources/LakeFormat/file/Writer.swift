public import LakeCore
internal import LakeCompression

/// Settings of a `ColumnarWriter`.
public struct ColumnarWriterOptions: Sendable, Hashable {
    /// Rows per row group; the writer accumulates or splits incoming batches to this size. A row group is the
    /// unit of skipping and of memory: the writer holds at most one row group plus the batch being written.
    public var rowGroupRows: Int
    /// Most rows per page (at most 65 536, the format's limit).
    public var pageRows: Int
    /// A page is cut before its text values pass this many bytes (at most 16 MiB). Larger pages let `lz` find
    /// repeats further apart; memory stays bounded by the row group.
    public var pageBytes: Int
    /// Columns that get a Bloom filter for `ColumnarReader.mightContain(column:value:)`, e.g. `listing_id`.
    public var bloomFilterColumns: Set<String>
    /// Sorts the rows of each row group by this column (NULLs first, stable), which sharpens delta encoding.
    public var sortColumn: String?
    /// Key/value pairs stored in the footer.
    public var metadata: [String: String]
    /// Whether pages may be compressed with zstd (codec 2, format version 2). A file whose pages all use deflate
    /// or nothing is written as version 1, which every reader of this format reads; false forces that.
    public var zstd: Bool
    /// zstd's level for pages (1–19). Level 1 came out both smaller and faster than deflate 6 and than zstd 3–9 on
    /// this data's long text (README, "Performance").
    public var zstdLevel: Int32

    public init(rowGroupRows: Int = 65_536, pageRows: Int = 65_536, pageBytes: Int = 4 << 20,
                bloomFilterColumns: Set<String> = [], sortColumn: String? = nil, metadata: [String: String] = [:],
                zstd: Bool = true, zstdLevel: Int32 = 1) {
        self.zstd = zstd
        self.zstdLevel = zstdLevel
        self.rowGroupRows = rowGroupRows
        self.pageRows = pageRows
        self.pageBytes = pageBytes
        self.bloomFilterColumns = bloomFilterColumns
        self.sortColumn = sortColumn
        self.metadata = metadata
    }
}

/// Writes a `.bcol` file as rows arrive: pages go to disk a row group at a time, the footer at `finish()`.
///
/// Not `Sendable`: one owner at a time. A file without its footer (writer not finished) is refused by readers,
/// so write to a temporary name and rename after `finish()`.
public final class ColumnarWriter {
    public let schema: TableSchema
    public let options: ColumnarWriterOptions
    private let sink: ByteSink
    private var footer: Footer
    /// The rows of the row group being filled, as they arrived: chunks and the rows of each that belong to it.
    /// `flush` gathers them (sorted, when a sort column is set) in one copy.
    private var pending: [(columns: [ColumnVector], rows: Range<Int>)] = []
    private var pendingRows = 0
    private var bloomColumns: [Int]
    private var bloomHashes: [Int: Set<UInt64>] = [:]
    private var finished = false

    /// Creates (or truncates) `path` and writes the header.
    public convenience init(path: String, schema: TableSchema, options: ColumnarWriterOptions = .init()) throws {
        try self.init(sink: ByteSink(path: path), schema: schema, options: options)
    }

    init(sink: ByteSink, schema: TableSchema, options: ColumnarWriterOptions) throws {
        func refuse(_ message: String) -> LakeError {
            LakeError(.usage, message, location: InputLocation(file: sink.path))
        }
        guard !schema.columns.isEmpty else { throw refuse("a columnar file needs at least one column") }
        guard Set(schema.columns.map(\.name)).count == schema.columns.count else {
            throw refuse("column names of table '\(schema.name)' are not unique")
        }
        for c in schema.columns {
            if case .decimal(let s) = c.type, !(0...18).contains(s) { throw refuse("decimal scale \(s) of '\(c.name)' is outside 0…18") }
        }
        guard (1...19).contains(options.zstdLevel) else { throw refuse("zstdLevel must be within 1…19") }
        guard options.rowGroupRows >= 1 else { throw refuse("rowGroupRows must be at least 1") }
        guard (1...FormatLimits.maxPageRows).contains(options.pageRows) else {
            throw refuse("pageRows must be within 1…\(FormatLimits.maxPageRows)")
        }
        guard (1...(16 << 20)).contains(options.pageBytes) else { throw refuse("pageBytes must be within 1 B…16 MiB") }
        var sortIndex: Int? = nil
        if let sort = options.sortColumn {
            guard let i = schema.index(of: sort) else { throw refuse("sort column '\(sort)' is not in the schema") }
            sortIndex = i
        }
        bloomColumns = try options.bloomFilterColumns.sorted().map { name in
            guard let i = schema.index(of: name) else { throw refuse("bloom filter column '\(name)' is not in the schema") }
            return i
        }.sorted()
        self.schema = schema
        self.options = options
        self.sink = sink
        footer = Footer(schema: schema, sortColumn: sortIndex, metadata: options.metadata)
        // Version 1 until a page uses zstd; `finish` then rewrites the byte.
        try sink.write(FormatLimits.magic + [1])
    }

    /// Encodes a whole table in memory (tests, benchmarks, small files).
    public static func encode(schema: TableSchema, columns: [ColumnVector],
                              options: ColumnarWriterOptions = .init()) throws -> [UInt8] {
        let sink = ByteSink(memoryNamed: "<memory>")
        let writer = try ColumnarWriter(sink: sink, schema: schema, options: options)
        try writer.write(columns)
        _ = try writer.finish()
        return sink.memory
    }

    /// Appends rows: one vector per schema column, in schema order, all with the same count.
    public func write(_ columns: [ColumnVector]) throws {
        guard !finished else { throw LakeError(.internalError, "write after finish", location: InputLocation(file: sink.path)) }
        guard columns.count == schema.columns.count else {
            throw LakeError(.badInput, "got \(columns.count) columns for the \(schema.columns.count) of table '\(schema.name)'",
                            location: InputLocation(file: sink.path))
        }
        let n = columns.first?.count ?? 0
        for (c, column) in zip(schema.columns, columns) {
            let location = InputLocation(file: sink.path, field: c.name)
            guard column.type == c.type else {
                throw LakeError(.badInput, "column '\(c.name)' is \(c.type) but the vector holds \(column.type)", location: location)
            }
            guard column.count == n else {
                throw LakeError(.badInput, "column '\(c.name)' has \(column.count) rows, the first column \(n)", location: location)
            }
            guard c.nullable || column.nullCount == 0 else {
                throw LakeError(.badInput, "column '\(c.name)' is not nullable but holds NULLs", location: location)
            }
            if c.type == .text {
                for i in 0..<n where column.offsets[i + 1] - column.offsets[i] > 16 << 20 {
                    throw LakeError(.badInput, "row \(i) holds a text value of \(column.offsets[i + 1] - column.offsets[i]) bytes, over the 16 MiB limit",
                                    location: location)
                }
            }
        }
        var consumed = 0
        while consumed < n {
            let take = min(options.rowGroupRows - pendingRows, n - consumed)
            pending.append((columns, consumed..<(consumed + take)))
            pendingRows += take
            consumed += take
            if pendingRows == options.rowGroupRows { try flush() }
        }
    }

    /// Writes what is pending, the footer and the trailer, and closes the file.
    @discardableResult
    public func finish() throws -> ColumnarFileSummary {
        guard !finished else { throw LakeError(.internalError, "finish called twice", location: InputLocation(file: sink.path)) }
        if pendingRows > 0 { try flush() }
        finished = true
        for c in bloomColumns { footer.blooms[c] = BloomFilter(hashes: bloomHashes[c] ?? []) }
        // The lowest minor version whose encodings the pages use (FORMAT.md, "Versioning").
        footer.minorVersion = footer.pages.contains { $0.ids.contains(EncodingID.digits.rawValue) } ? 1 : 0
        let bytes = footer.serialize()
        var trailer = ByteWriter()
        trailer.u32(UInt32(bytes.count))
        trailer.u32(CRC32.checksum(bytes))
        trailer.append(FormatLimits.magic)
        try sink.write(bytes)
        try sink.write(trailer.bytes)
        if footer.pages.contains(where: { $0.codec == .zstd }) {
            try sink.patch(FormatLimits.zstdMajorVersion, at: 4)
        }
        try sink.close()
        return summary(fileSize: sink.written)
    }

    private func summary(fileSize: Int) -> ColumnarFileSummary {
        var columns: [ColumnSummary] = []
        for (c, column) in schema.columns.enumerated() {
            let infos = footer.rowGroups.map { $0.chunks[c].info(column: column) }
            var stats = infos.first?.statistics ?? ColumnStatistics()
            for info in infos.dropFirst() { stats = stats.merged(with: info.statistics) }
            var encodings: [String] = []
            for e in infos.flatMap(\.pageEncodings) where !encodings.contains(e) { encodings.append(e) }
            columns.append(ColumnSummary(name: column.name, type: column.type, encodings: encodings.joined(separator: "; "),
                                         compressedBytes: infos.reduce(0) { $0 + $1.compressedBytes },
                                         uncompressedBytes: infos.reduce(0) { $0 + $1.uncompressedBytes },
                                         statistics: stats))
        }
        return ColumnarFileSummary(rows: footer.rowGroups.reduce(0) { $0 + $1.rows }, bytes: fileSize,
                                   rowGroups: footer.rowGroups.count, columns: columns)
    }

    private func flush() throws {
        let parts = pending
        let rows = pendingRows
        pending = []
        pendingRows = 0
        let columns: [ColumnVector]
        if footer.sortColumn == nil, parts.count == 1, parts[0].rows == 0..<parts[0].columns[0].count {
            columns = parts[0].columns
        } else {
            let order = footer.sortColumn.map { RowSorter.order(parts, by: $0) }
                ?? parts.indices.flatMap { p in parts[p].rows.map { p << 32 | $0 } }
            columns = schema.columns.indices.map { c in
                ColumnVector(type: schema.columns[c].type, gathering: order, from: parts.map { $0.columns[c] })
            }
        }
        var chunks: [ChunkEntry] = []
        for (c, column) in columns.enumerated() {
            if bloomColumns.contains(c) {
                for i in 0..<rows where column.validity[i] { bloomHashes[c, default: []].insert(BloomFilter.hash(column, row: i)) }
            }
            var pages: [PageEntry] = []
            for range in pageRanges(column) {
                let page = try PageEncoder.encode(column, rows: range, zstdLevel: options.zstd ? options.zstdLevel : nil)
                pages.append(PageEntry(rows: page.rows, nullCount: page.nullCount, codec: page.codec,
                                       storedSize: page.stored.count, bodySize: page.bodySize, ids: page.ids,
                                       offset: sink.written))
                try sink.write(page.stored)
            }
            chunks.append(ChunkEntry(pages: pages, statistics: StatisticsBuilder.compute(column, rows: 0..<rows)))
        }
        footer.rowGroups.append(RowGroupEntry(rows: rows, chunks: chunks))
    }

    /// Page boundaries: at most `pageRows` rows, and for text at most `pageBytes` value bytes (one row at least).
    private func pageRanges(_ column: ColumnVector) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        let n = column.count
        while start < n {
            var end = min(n, start + options.pageRows)
            if column.type == .text {
                var cut = start + 1
                while cut < end && column.offsets[cut + 1] - column.offsets[start] <= options.pageBytes { cut += 1 }
                end = cut
            }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }
}

/// Orders the rows of a row group by one column.
enum RowSorter {
    /// The rows of `parts` (chunks, and the rows of each in the row group) so that column `key` ascends (NULLs
    /// first, ties in arrival order), as `part << 32 | row` refs for `ColumnVector(type:gathering:from:)`.
    static func order(_ parts: [(columns: [ColumnVector], rows: Range<Int>)], by key: Int) -> [Int] {
        let keys = parts.map { $0.columns[key] }
        var refs: [Int] = []
        refs.reserveCapacity(parts.reduce(0) { $0 + $1.rows.count })
        for (p, part) in parts.enumerated() { for row in part.rows { refs.append(p << 32 | row) } }
        // Arrival order is the order of `refs` before sorting, and refs ascend in it: ties compare refs.
        return refs.sorted { a, b in
            let ka = keys[a >> 32], kb = keys[b >> 32], ra = a & 0xFFFF_FFFF, rb = b & 0xFFFF_FFFF
            let na = !ka.validity[ra], nb = !kb.validity[rb]
            if na || nb { return na && !nb ? true : (na == nb ? a < b : false) }
            switch ka.type {
            case .float64:
                let x = ka.doubles[ra], y = kb.doubles[rb]
                if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? a < b : y.isNaN }
                return x < y || (x == y && a < b)
            case .text:
                let x = ka.utf8(ra), y = kb.utf8(rb)
                if x.lexicographicallyPrecedes(y) { return true }
                if y.lexicographicallyPrecedes(x) { return false }
                return a < b
            default:
                let x = ka.integers[ra], y = kb.integers[rb]
                return x < y || (x == y && a < b)
            }
        }
    }
}
