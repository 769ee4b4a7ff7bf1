public import LakeCore

/// What the writer chose and produced for one column across the file.
public struct ColumnSummary: Sendable, Hashable, Codable {
    public var name: String
    public var type: ColumnType
    /// Distinct encoding trees of the column's pages, e.g. `dict(plain(bitpack),bitpack)+deflate`, joined by `; `.
    public var encodings: String
    /// Bytes on disk of all the column's pages (CRCs included).
    public var compressedBytes: Int
    /// Bytes of the pages' bodies before compression.
    public var uncompressedBytes: Int
    /// Statistics merged over row groups (the distinct count only with a single row group).
    public var statistics: ColumnStatistics
}

/// The result of `ColumnarWriter.finish()`.
public struct ColumnarFileSummary: Sendable, Hashable, Codable {
    public var rows: Int
    public var bytes: Int
    public var rowGroups: Int
    public var columns: [ColumnSummary]
}

/// One column chunk as the footer describes it.
public struct ColumnChunkInfo: Sendable, Hashable {
    public var column: String
    public var type: ColumnType
    public var statistics: ColumnStatistics
    /// The encoding tree of each page, e.g. `dict(fsst(bitpack),rle(bitpack,constant))`, with `+deflate` when
    /// the page body is compressed.
    public var pageEncodings: [String]
    public var pages: Int
    public var compressedBytes: Int
    public var uncompressedBytes: Int
    /// File offset of the chunk's first page.
    public var byteOffset: Int

    /// The distinct page encodings joined by `; `.
    public var encoding: String {
        var seen: [String] = []
        for e in pageEncodings where !seen.contains(e) { seen.append(e) }
        return seen.joined(separator: "; ")
    }
}

/// One row group as the footer describes it.
public struct RowGroupInfo: Sendable, Hashable {
    public var index: Int
    public var rowCount: Int
    /// One entry per schema column, in schema order.
    public var columns: [ColumnChunkInfo]
}

extension ColumnStatistics {
    /// These statistics combined with another chunk's of the same column.
    func merged(with other: ColumnStatistics) -> ColumnStatistics {
        func pick(_ a: Value?, _ b: Value?, lower: Bool) -> Value? {
            guard let a else { return b }
            guard let b else { return a }
            guard let ka = SortKey(a), let kb = SortKey(b) else { return a }
            return (lower ? kb < ka : ka < kb) ? b : a
        }
        return ColumnStatistics(min: pick(min, other.min, lower: true), max: pick(max, other.max, lower: false),
                                nullCount: nullCount + other.nullCount, distinctCount: nil)
    }
}

extension PageEntry {
    var encodingDescription: String {
        let trees = describeEncodingTrees(ids)
        let values = trees.count == 2 ? "\(trees[1]) nulls:\(trees[0])" : trees.joined(separator: " ")
        switch codec {
        case .none: return values
        case .deflate: return values + " +deflate"
        case .zstd: return values + " +zstd"
        }
    }
}

extension ChunkEntry {
    func info(column: ColumnSchema) -> ColumnChunkInfo {
        ColumnChunkInfo(column: column.name, type: column.type, statistics: statistics,
                        pageEncodings: pages.map(\.encodingDescription), pages: pages.count,
                        compressedBytes: pages.reduce(0) { $0 + $1.storedSize },
                        uncompressedBytes: pages.reduce(0) { $0 + $1.bodySize },
                        byteOffset: pages.first?.offset ?? 0)
    }
}
