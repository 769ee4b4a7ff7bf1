internal import LakeCore

/// Where one page sits and how to decode it (one entry of the footer's page list).
///
/// ```
/// varint rows (1…65536) | varint nullCount (≤ rows) | u8 codec (0 none, 1 deflate, 2 zstd) | varint storedSize (≥ 5)
/// | [varint bodySize, only when codec ≠ 0] | varint idCount | idCount × u8 encoding id (preorder)
/// ```
struct PageEntry: Equatable {
    var rows: Int
    var nullCount: Int
    var codec: PageCodec
    /// Bytes on disk, payload plus the 4-byte CRC.
    var storedSize: Int
    /// Bytes of the body after inflating (the payload size when not compressed).
    var bodySize: Int
    var ids: [UInt8]
    /// Absolute file offset, implied by the sizes of all pages before it.
    var offset = 0
}

/// One column of one row group: its pages and statistics.
///
/// ```
/// varint pageCount (≥ 1) | pageCount × page entry | statistics
/// statistics: u8 flags (bit 0 min, bit 1 max, bit 2 distinct count) | [min value] | [max value] | [varint distinct]
/// value: zigzag varint for integer-backed types, u64 LE bit pattern for float64, varint length + UTF-8 for text
/// ```
/// The chunk's NULL count is the sum of its pages' NULL counts.
struct ChunkEntry: Equatable {
    var pages: [PageEntry]
    var statistics: ColumnStatistics
}

struct RowGroupEntry: Equatable {
    var rows: Int
    var chunks: [ChunkEntry]
}

/// The footer: everything a reader needs besides the pages, parsed and checked as a whole.
///
/// ```
/// u8 minor version
/// string table name                              string = varint length | UTF-8 bytes
/// varint columnCount (≥ 1)
///   columnCount × { string name | u8 type tag | [u8 scale, decimal only] | u8 flags (bit 0 nullable) }
/// varint sortColumn + 1 (0 = rows not sorted by the writer)
/// varint rowGroupCount
///   rowGroupCount × { varint rows (≥ 1) | columnCount × chunk }
/// varint bloomCount
///   bloomCount × bloom filter (ascending column index, each at most once)
/// varint metadataCount
///   metadataCount × { string key | string value } (ascending keys, no duplicates)
/// ```
/// Type tags: 0 bool, 1 int64, 2 float64, 3 decimal, 4 timestamp, 5 date, 6 text.
struct Footer: Equatable {
    var minorVersion: UInt8 = FormatLimits.minorVersion
    var schema: TableSchema
    var sortColumn: Int?
    var rowGroups: [RowGroupEntry] = []
    var blooms: [Int: BloomFilter] = [:]
    var metadata: [String: String] = [:]

    static func typeTag(_ type: ColumnType) -> (UInt8, UInt8?) {
        switch type {
        case .bool: return (0, nil)
        case .int64: return (1, nil)
        case .float64: return (2, nil)
        case .decimal(let s): return (3, UInt8(clamping: s))
        case .timestamp: return (4, nil)
        case .date: return (5, nil)
        case .text: return (6, nil)
        }
    }

    func serialize() -> [UInt8] {
        var w = ByteWriter(capacity: 4096)
        w.u8(minorVersion)
        w.lengthPrefixed(Array(schema.name.utf8))
        w.varint(schema.columns.count)
        for c in schema.columns {
            w.lengthPrefixed(Array(c.name.utf8))
            let (tag, scale) = Self.typeTag(c.type)
            w.u8(tag)
            if let scale { w.u8(scale) }
            w.u8(c.nullable ? 1 : 0)
        }
        w.varint(sortColumn.map { $0 + 1 } ?? 0)
        w.varint(rowGroups.count)
        for g in rowGroups {
            w.varint(g.rows)
            for (ci, chunk) in g.chunks.enumerated() {
                w.varint(chunk.pages.count)
                for p in chunk.pages {
                    w.varint(p.rows)
                    w.varint(p.nullCount)
                    w.u8(p.codec.rawValue)
                    w.varint(p.storedSize)
                    if p.codec != .none { w.varint(p.bodySize) }
                    w.lengthPrefixed(p.ids)
                }
                writeStatistics(chunk.statistics, type: schema.columns[ci].type, into: &w)
            }
        }
        w.varint(blooms.count)
        for (column, bloom) in blooms.sorted(by: { $0.key < $1.key }) {
            w.varint(column)
            w.u8(UInt8(bloom.hashes))
            w.lengthPrefixed(bloom.bits)
        }
        w.varint(metadata.count)
        for (k, v) in metadata.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            w.lengthPrefixed(Array(k.utf8))
            w.lengthPrefixed(Array(v.utf8))
        }
        return w.bytes
    }

    private func writeStatistics(_ s: ColumnStatistics, type: ColumnType, into w: inout ByteWriter) {
        var flags: UInt8 = 0
        if s.min != nil { flags |= 1 }
        if s.max != nil { flags |= 2 }
        if s.distinctCount != nil { flags |= 4 }
        w.u8(flags)
        for v in [s.min, s.max].compactMap({ $0 }) {
            switch v {
            case .double(let d): w.u64(d.bitPattern)
            case .text(let t): w.lengthPrefixed(Array(t.utf8))
            case .bool(let b): w.zigzag(b ? 1 : 0)
            case .int(let i), .decimal(let i, _), .timestamp(let i): w.zigzag(i)
            case .date(let d): w.zigzag(Int64(d))
            case .null: break
            }
        }
        if let d = s.distinctCount { w.varint(d) }
    }

    /// Every page entry, row group by row group, column by column.
    var pages: some Sequence<PageEntry> { rowGroups.lazy.flatMap(\.chunks).flatMap(\.pages) }

    /// Parses the footer `bytes`, which start at file offset `footerStart`; pages are laid out from
    /// `FormatLimits.headerSize` up to `footerStart`, which the page sizes must add up to exactly.
    ///
    /// `majorVersion` is the header's: codec 2 (zstd) exists from version 2 on, and a version-2 file must use it
    /// in at least one page (a writer writes version 1 otherwise), so that no change of the version byte goes
    /// unnoticed.
    static func parse(_ bytes: [UInt8], footerStart: Int, majorVersion: UInt8 = 1) throws -> Footer {
        var r = ByteReader(bytes)
        let minor = try r.u8()
        let name = try string(&r, "table name")
        let columnCount = try r.count(max: r.remaining / 3, "column count")
        guard columnCount >= 1 else { throw FormatError("schema has no columns") }
        var columns: [ColumnSchema] = []
        var names = Set<String>()
        for _ in 0..<columnCount {
            let columnName = try string(&r, "column name")
            guard names.insert(columnName).inserted else { throw FormatError("column '\(columnName)' appears twice") }
            let type: ColumnType
            switch try r.u8() {
            case 0: type = .bool
            case 1: type = .int64
            case 2: type = .float64
            case 3:
                let scale = try r.u8()
                guard scale <= 18 else { throw FormatError("decimal scale \(scale) exceeds 18") }
                type = .decimal(scale: Int(scale))
            case 4: type = .timestamp
            case 5: type = .date
            case 6: type = .text
            case let tag: throw FormatError("unknown type tag \(tag) for column '\(columnName)'")
            }
            let flags = try r.u8()
            guard flags <= 1 else { throw FormatError("reserved flag bits set for column '\(columnName)'") }
            columns.append(ColumnSchema(name: columnName, type: type, nullable: flags == 1))
        }
        var footer = Footer(minorVersion: minor, schema: TableSchema(name: name, columns: columns))
        let sort = try r.count(max: columnCount, "sort column")
        footer.sortColumn = sort == 0 ? nil : sort - 1

        var offset = FormatLimits.headerSize
        var usesZstd = false
        // Each row group takes at least one byte per column chunk, each page at least five.
        let groupCount = try r.count(max: r.remaining / (1 + columnCount), "row group count")
        for g in 0..<groupCount {
            let rows = try r.count(max: Int(Int32.max), "row count")
            guard rows >= 1 else { throw FormatError("row group \(g) has no rows") }
            var chunks: [ChunkEntry] = []
            for c in 0..<columnCount {
                let column = columns[c]
                let pageCount = try r.count(max: r.remaining / 5, "page count")
                guard pageCount >= 1 else { throw FormatError("column '\(column.name)' of row group \(g) has no pages") }
                var pages: [PageEntry] = []
                var pageRows = 0
                var nulls = 0
                for _ in 0..<pageCount {
                    let n = try r.count(max: FormatLimits.maxPageRows, "page row count")
                    guard n >= 1 else { throw FormatError("page without rows") }
                    let nullCount = try r.count(max: n, "page null count")
                    let codecByte = try r.u8()
                    guard let codec = PageCodec(rawValue: codecByte),
                          codec != .zstd || majorVersion >= FormatLimits.zstdMajorVersion else {
                        throw FormatError("unknown page codec \(codecByte) for format version \(majorVersion) in column '\(column.name)' of row group \(g)")
                    }
                    if codec == .zstd { usesZstd = true }
                    let stored = try r.count(max: footerStart - offset, "page size")
                    guard stored >= 5 else { throw FormatError("page of \(stored) bytes is too small") }
                    let body = codec == .none
                        ? stored - 4 : try r.count(max: FormatLimits.maxDecodedPageBytes, "page body size")
                    let idCount = try r.count(max: 255, "encoding id count")
                    let ids = Array(r.bytes[try r.take(idCount)])
                    pages.append(PageEntry(rows: n, nullCount: nullCount, codec: codec, storedSize: stored,
                                           bodySize: body, ids: ids, offset: offset))
                    offset += stored
                    pageRows += n
                    nulls += nullCount
                }
                guard pageRows == rows else {
                    throw FormatError("pages of column '\(column.name)' hold \(pageRows) rows, row group \(g) has \(rows)")
                }
                guard column.nullable || nulls == 0 else {
                    throw FormatError("column '\(column.name)' is not nullable but row group \(g) has \(nulls) NULLs")
                }
                var stats = try readStatistics(&r, type: column.type)
                stats.nullCount = nulls
                chunks.append(ChunkEntry(pages: pages, statistics: stats))
            }
            footer.rowGroups.append(RowGroupEntry(rows: rows, chunks: chunks))
        }
        guard offset == footerStart else {
            throw FormatError("pages end at byte \(offset) but the footer starts at \(footerStart)")
        }
        guard usesZstd || majorVersion < FormatLimits.zstdMajorVersion else {
            throw FormatError("format version \(majorVersion) but no page uses zstd (such a file is version 1)")
        }
        let bloomCount = try r.count(max: columnCount, "bloom filter count")
        var previous = -1
        for _ in 0..<bloomCount {
            let column = try r.count(max: columnCount - 1, "bloom filter column")
            guard column > previous else { throw FormatError("bloom filters out of column order") }
            previous = column
            let k = Int(try r.u8())
            guard (1...16).contains(k) else { throw FormatError("bloom filter with \(k) hashes") }
            let size = try r.count(max: r.remaining, "bloom filter size")
            guard size >= 1 else { throw FormatError("empty bloom filter") }
            footer.blooms[column] = BloomFilter(hashes: k, bits: Array(r.bytes[try r.take(size)]))
        }
        let metadataCount = try r.count(max: r.remaining / 2, "metadata count")
        var lastKey: [UInt8]? = nil
        for _ in 0..<metadataCount {
            let key = try string(&r, "metadata key")
            let keyBytes = Array(key.utf8)
            if let lastKey, !lastKey.lexicographicallyPrecedes(keyBytes) {
                throw FormatError("metadata keys out of order")
            }
            lastKey = keyBytes
            footer.metadata[key] = try string(&r, "metadata value")
        }
        try r.expectEnd("the footer")
        return footer
    }

    private static func string(_ r: inout ByteReader, _ what: String) throws -> String {
        let n = try r.count(max: r.remaining, "\(what) length")
        let range = try r.take(n)
        guard let s = String(validating: r.bytes[range], as: UTF8.self) else {
            throw FormatError("\(what) is not valid UTF-8")
        }
        return s
    }

    private static func readStatistics(_ r: inout ByteReader, type: ColumnType) throws -> ColumnStatistics {
        let flags = try r.u8()
        guard flags < 8 else { throw FormatError("reserved statistics flag bits set") }
        var stats = ColumnStatistics()
        func value() throws -> Value {
            switch type {
            case .float64: return .double(Double(bitPattern: try r.u64()))
            case .text:
                let n = try r.count(max: ColumnStatistics.maxTextBytes, "statistics text length")
                guard let s = String(validating: r.bytes[try r.take(n)], as: UTF8.self) else {
                    throw FormatError("statistics text is not valid UTF-8")
                }
                return .text(s)
            default:
                let v = try r.zigzag()
                if type == .bool && v != 0 && v != 1 { throw FormatError("bool statistic \(v)") }
                return ColumnVector.value(integer: v, type: type)
            }
        }
        if flags & 1 != 0 { stats.min = try value() }
        if flags & 2 != 0 { stats.max = try value() }
        if flags & 4 != 0 { stats.distinctCount = try r.count(max: Int(Int32.max), "distinct count") }
        return stats
    }
}
