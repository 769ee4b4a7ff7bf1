internal import Foundation
public import LakeCore

/// Output style of `ColumnarReader.describe(format:)`.
public enum DescribeFormat: Sendable {
    /// Aligned text for people.
    case text
    /// One JSON object (pretty-printed, keys sorted) for scripts.
    case json
}

/// What `batchlake inspect FILE` shows: the file, then per column its type, encodings, bytes and statistics.
public struct ColumnarFileDescription: Sendable, Codable {
    public struct Column: Sendable, Codable {
        public var name: String
        public var type: ColumnType
        public var nullable: Bool
        /// Distinct page encodings over all row groups (`nulls:` marks the validity stream).
        public var encodings: [String]
        public var compressedBytes: Int
        public var uncompressedBytes: Int
        public var statistics: ColumnStatistics
        public var bloomFilter: Bool
    }

    public var path: String
    public var formatVersion: String
    public var table: String
    public var bytes: Int
    public var rows: Int
    public var rowGroups: Int
    public var sortColumn: String?
    public var metadata: [String: String]
    public var columns: [Column]
}

extension ColumnarReader {
    /// The footer's view of the file, without decoding pages.
    public var fileDescription: ColumnarFileDescription {
        let columns = schema.columns.enumerated().map { c, column in
            let chunks = rowGroups.map { $0.columns[c] }
            var encodings: [String] = []
            for e in chunks.flatMap(\.pageEncodings) where !encodings.contains(e) { encodings.append(e) }
            var stats = chunks.first?.statistics ?? ColumnStatistics()
            if chunks.count > 1 { for chunk in chunks.dropFirst() { stats = stats.merged(with: chunk.statistics) } }
            return ColumnarFileDescription.Column(
                name: column.name, type: column.type, nullable: column.nullable, encodings: encodings,
                compressedBytes: chunks.reduce(0) { $0 + $1.compressedBytes },
                uncompressedBytes: chunks.reduce(0) { $0 + $1.uncompressedBytes }, statistics: stats,
                bloomFilter: hasBloomFilter(column: column.name))
        }
        return ColumnarFileDescription(path: path, formatVersion: "\(majorVersion).\(minorVersion)",
                                       table: schema.name, bytes: fileSize, rows: rowCount, rowGroups: rowGroups.count,
                                       sortColumn: sortColumn, metadata: metadata, columns: columns)
    }

    /// A description for `batchlake inspect`: per column type, encoding trees, bytes and statistics.
    public func describe(format: DescribeFormat = .text) -> String {
        let d = fileDescription
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return (try? String(decoding: encoder.encode(d), as: UTF8.self)) ?? "{}"
        case .text:
            var lines = ["\(d.path): batchlake columnar format \(d.formatVersion), table \(d.table)",
                         "\(d.bytes) bytes, \(d.rows) rows in \(d.rowGroups) row group(s)"
                             + (d.sortColumn.map { ", sorted by \($0)" } ?? "")]
            for (k, v) in d.metadata.sorted(by: { $0.key < $1.key }) { lines.append("metadata \(k) = \(v)") }
            for c in d.columns {
                let s = c.statistics
                var stats = "nulls \(s.nullCount)"
                if let d = s.distinctCount { stats += ", distinct \(d)" }
                if let lo = s.min { stats += ", min \(short(lo))" }
                if let hi = s.max { stats += ", max \(short(hi))" }
                if c.bloomFilter { stats += ", bloom filter" }
                lines.append("  \(c.name) \(c.type)\(c.nullable ? "" : " not null"): \(c.compressedBytes) B"
                             + " (\(c.uncompressedBytes) B before compression) \(c.encodings.joined(separator: "; ")); \(stats)")
            }
            return lines.joined(separator: "\n")
        }
    }

    private func short(_ v: Value) -> String {
        let text = v.description
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}

/// Describes the columnar file at `path` (see `ColumnarReader.describe(format:)`).
public func describeColumnarFile(path: String, format: DescribeFormat = .text) throws -> String {
    try ColumnarReader(path: path).describe(format: format)
}
