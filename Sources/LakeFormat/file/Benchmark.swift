public import LakeCore
internal import LakeCompression

/// A benchmark entry: writes a table, reads it back, and reports bytes and times against CSV.gz of the same rows.
public enum ColumnarBenchmark {
    public struct Result: Sendable {
        public var summary: ColumnarFileSummary
        public var writeSeconds: Double
        public var readSeconds: Double
        public var verifySeconds: Double
        /// Bytes of the rows as CSV (canonical value text) and gzip level 6.
        public var csvGzipBytes: Int
        /// Seconds to inflate that CSV.gz (a lower bound for reading it).
        public var csvGunzipSeconds: Double
        /// A human-readable table of the numbers and per-column encodings.
        public var report: String
    }

    /// Writes `columns` to `outputPath`, reads every column back, verifies, and measures the CSV.gz baseline.
    public static func run(schema: TableSchema, columns: [ColumnVector], options: ColumnarWriterOptions = .init(),
                           outputPath: String) throws -> Result {
        let clock = ContinuousClock()
        var summary: ColumnarFileSummary? = nil
        let write = try clock.measure {
            let writer = try ColumnarWriter(path: outputPath, schema: schema, options: options)
            try writer.write(columns)
            summary = try writer.finish()
        }
        let reader = try ColumnarReader(path: outputPath)
        let read = try clock.measure { _ = try reader.readAll() }
        let verify = try clock.measure { try reader.verify() }
        let csv = csvBytes(schema: schema, columns: columns)
        let gz = try Zlib.compress(csv, format: .gzip, level: 6)
        let gunzip = try clock.measure { _ = try Zlib.decompress(gz, format: .gzip) }
        var lines: [String] = []
        let s = summary!
        lines.append("rows \(s.rows), columns \(schema.columns.count), row groups \(s.rowGroups)")
        lines.append(".bcol \(s.bytes) B, CSV \(csv.count) B, CSV.gz \(gz.count) B, ratio bcol/csv.gz \(ratio(s.bytes, gz.count))")
        lines.append("write \(seconds(write)) s, read all \(seconds(read)) s, verify \(seconds(verify)) s, gunzip CSV.gz \(seconds(gunzip)) s")
        for c in s.columns.sorted(by: { $0.compressedBytes > $1.compressedBytes }) {
            lines.append("  \(pad(c.name, 24)) \(pad(c.type.description, 11)) \(pad(String(c.compressedBytes), 8)) \(c.encodings)")
        }
        return Result(summary: s, writeSeconds: seconds(write), readSeconds: seconds(read), verifySeconds: seconds(verify),
                      csvGzipBytes: gz.count, csvGunzipSeconds: seconds(gunzip), report: lines.joined(separator: "\n"))
    }

    /// CSV text of the rows: canonical value text, fields quoted when they hold a comma, quote or newline.
    static func csvBytes(schema: TableSchema, columns: [ColumnVector]) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: schema.columns.map(\.name).joined(separator: ",").utf8)
        out.append(10)
        let rows = columns.first?.count ?? 0
        for row in 0..<rows {
            for (c, column) in columns.enumerated() {
                if c > 0 { out.append(UInt8(ascii: ",")) }
                guard let text = ValueFormatter.text(column.value(at: row)) else { continue }
                if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 }) {
                    out.append(UInt8(ascii: "\""))
                    for b in text.utf8 {
                        if b == UInt8(ascii: "\"") { out.append(b) }
                        out.append(b)
                    }
                    out.append(UInt8(ascii: "\""))
                } else {
                    out.append(contentsOf: text.utf8)
                }
            }
            out.append(10)
        }
        return out
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func ratio(_ a: Int, _ b: Int) -> String {
        let r = Double(a) / Double(max(b, 1))
        return String(Int((r * 1000).rounded())) + "‰"
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
