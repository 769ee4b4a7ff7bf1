public import LakeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LakeCompression

/// What a finished output file came to.
public struct WrittenFile: Sendable {
    public var path: String
    public var rows: Int
    public var bytes: Int64
    public var sha256: String
}

/// Writes rows as gzip-compressed CSV (CONTRACT.md: UTF-8, header row, RFC 4180 quoting, NULL as an empty
/// unquoted field, the empty string as `""`), streaming through one reused buffer.
///
/// Not Sendable: one owner.
public final class CSVGzipWriter {
    private let file: OutputFile
    private let deflater: IgzipDeflater
    private var line: [UInt8] = []
    public private(set) var rows = 0

    /// The igzip level of lake CSV files (`IgzipDeflater`, levels 0–3). `batchlake-bench`'s table "CSV gzip level"
    /// (the CSV of four hours of `flats`, 41.1 MB, mostly JSON text of pictures and attachments, one core): igzip
    /// level 1 at 1,925 MB/s to 3.70 MB, level 2 at 1,862 MB/s to 3.64 MB, level 3 at 439 MB/s to 3.54 MB; zlib, used
    /// before, at level 3 (its fast path) at 215 MB/s to 3.74 MB and at level 6 at 119 MB/s to 2.98 MB. Level 2:
    /// smaller files than zlib's level 3 at over eight times the speed.
    public static let defaultLevel: Int32 = 2

    /// CSV text is handed to the deflater once this much is buffered. The buffer is reserved a quarter larger, so a
    /// row of up to 64 KB past the mark does not make the array double its capacity (which, with a 1 MiB mark, left
    /// every large table's writer holding 2 MiB).
    static let drainBytes = 256 << 10

    /// - Parameter level: igzip level, 0–3 (`defaultLevel` unless given).
    public init(path: String, header: [String], level: Int32 = CSVGzipWriter.defaultLevel) throws {
        file = try OutputFile(path: path)
        deflater = try IgzipDeflater(format: .gzip, level: level, chunkSize: 64 << 10)
        line.reserveCapacity(CSVGzipWriter.drainBytes + CSVGzipWriter.drainBytes / 4)
        for (i, name) in header.enumerated() {
            if i > 0 { line.append(UInt8(ascii: ",")) }
            CSVGzipWriter.appendField(name.utf8, to: &line)
        }
        line.append(UInt8(ascii: "\n"))
    }

    /// Appends every row of `columns` (one vector per header column, equal counts).
    public func write(_ columns: [ColumnVector]) throws {
        guard let count = columns.first?.count else { return }
        for row in 0..<count {
            for c in columns.indices {
                if c > 0 { line.append(UInt8(ascii: ",")) }
                CSVGzipWriter.appendFast(columns[c], row: row, to: &line)
            }
            line.append(UInt8(ascii: "\n"))
            if line.count >= CSVGzipWriter.drainBytes { try drain() }
        }
        rows += count
    }

    /// `append(_:row:to:)` without the `ArraySlice` of text values: text is copied from the column's bytes
    /// through a pointer, after one pass that decides quoting.
    @inline(__always)
    static func appendFast(_ column: ColumnVector, row: Int, to out: inout [UInt8]) {
        guard column.type == .text else { return append(column, row: row, to: &out) }
        guard !column.isNull(row) else { return }
        let start = column.offsets[row], end = column.offsets[row + 1]
        column.bytes.withUnsafeBufferPointer { all in
            appendField(UnsafeBufferPointer(rebasing: all[start..<end]), to: &out)
        }
    }

    private func drain() throws {
        try line.withUnsafeBytes { bytes in
            try deflater.deflate(bytes) { try file.write($0) }
        }
        line.removeAll(keepingCapacity: true)
    }

    /// Ends the gzip stream, fsyncs and closes the file.
    public func finish(sync: Bool = true) throws -> WrittenFile {
        try line.withUnsafeBytes { bytes in
            try deflater.deflate(bytes, finish: true) { try file.write($0) }
        }
        line.removeAll()
        let sha = try file.close(sync: sync)
        return WrittenFile(path: file.path, rows: rows, bytes: file.byteCount, sha256: sha)
    }

    /// Appends one value in CSV form.
    public static func append(_ column: ColumnVector, row: Int, to out: inout [UInt8]) {
        guard !column.isNull(row) else { return }
        switch column.type {
        case .text: appendField(column.utf8(row), to: &out)
        case .bool: out.append(contentsOf: column.integers[row] != 0 ? "true".utf8 : "false".utf8)
        case .int64: ValueFormatter.appendInteger(column.integers[row], to: &out)
        case .decimal(let scale): ValueFormatter.appendDecimal(column.integers[row], scale: scale, to: &out)
        case .timestamp: ValueFormatter.appendTimestamp(column.integers[row], to: &out)
        case .date: ValueFormatter.appendDate(column.integers[row], to: &out)
        case .float64: ValueFormatter.appendDouble(column.doubles[row], to: &out)
        }
    }

    /// Appends a text field, quoted when it is empty or holds a comma, quote, CR or LF. The searches are `memchr`
    /// (vectorised in the C library): the long JSON texts of a listing hold quotes, so they are quoted and each of
    /// their quotes doubled, and a byte-at-a-time loop over them was most of the CSV writer's own time.
    static func appendField(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let base = value.baseAddress, !value.isEmpty else {
            return out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "\"")])
        }
        let count = value.count
        func contains(_ byte: UInt8) -> Bool { memchr(base, Int32(byte), count) != nil }
        let quote = UInt8(ascii: "\"")
        guard contains(quote) || contains(UInt8(ascii: ",")) || contains(10) || contains(13) else {
            return out.append(contentsOf: value)
        }
        out.append(quote)
        var from = 0
        while from < count, let hit = memchr(base + from, Int32(quote), count - from) {
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            out.append(contentsOf: UnsafeBufferPointer(start: base + from, count: at + 1 - from))
            out.append(quote)
            from = at + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(start: base + from, count: count - from))
        out.append(quote)
    }

    /// Appends a text field, quoted when it is empty or holds a comma, quote, CR or LF. Works on the bytes in place
    /// when the collection is contiguous (a `String`'s UTF-8 view, an array); copies them first otherwise.
    public static func appendField<C: Collection<UInt8>>(_ value: C, to out: inout [UInt8]) {
        if value.withContiguousStorageIfAvailable({ appendField($0, to: &out) }) == nil {
            Array(value).withUnsafeBufferPointer { appendField($0, to: &out) }
        }
    }
}

/// Builds a Redshift COPY manifest (CONTRACT.md): `{"entries": [{"url": ..., "mandatory": true,
/// "meta": {"content_length": N}}]}`, entries sorted by URL.
public enum CopyManifest {
    public struct Entry: Sendable {
        public var url: String
        public var contentLength: Int64
        public init(url: String, contentLength: Int64) {
            self.url = url
            self.contentLength = contentLength
        }
    }

    public static func render(_ entries: [Entry]) -> [UInt8] {
        var out = Array("{\"entries\": [".utf8)
        for (i, entry) in entries.sorted(by: { $0.url < $1.url }).enumerated() {
            out.append(contentsOf: (i == 0 ? "\n" : ",\n").utf8)
            out.append(contentsOf: "  {\"url\": ".utf8)
            JSONText.appendString(entry.url, to: &out)
            out.append(contentsOf: ", \"mandatory\": true, \"meta\": {\"content_length\": \(entry.contentLength)}}".utf8)
        }
        out.append(contentsOf: (entries.isEmpty ? "]}\n" : "\n]}\n").utf8)
        return out
    }
}

/// Minimal JSON string escaping for what we write as JSON (manifests, quarantine records, `scan --format jsonl`).
public enum JSONText {
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        appendString(bytes: text.utf8, to: &out)
    }

    /// Escapes `"`, `\` and control characters; other bytes pass through (the input is valid UTF-8). Runs of bytes
    /// that need no escape are copied whole: scan's JSON lines spend most of their time here.
    public static func appendString<C: Collection<UInt8>>(bytes: C, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if bytes.withContiguousStorageIfAvailable({ appendEscaped($0, to: &out) }) == nil {
            Array(bytes).withUnsafeBufferPointer { appendEscaped($0, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + text.count + 1)
        var runStart = 0
        for (i, b) in text.enumerated() where b < 32 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<i]))
            runStart = i + 1
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
            default:
                let hex: StaticString = "0123456789abcdef"
                out.append(contentsOf: [92, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex.utf8Start[Int(b >> 4)], hex.utf8Start[Int(b & 15)]])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
    }
}
