import LakeCore
import Testing
@testable import LakeFormat

#if canImport(Glibc)
import Glibc
#endif

/// Loads a typed TSV (`name:type` header; empty field = NULL; decimals unscaled; timestamps in µs; dates in days),
/// the exchange format of the size comparison against Parquet+zstd and CSV.gz.
func loadTypedTSV(path: String, table: String = "flats") throws -> (TableSchema, [ColumnVector]) {
    guard let file = fopen(path, "r") else { throw LakeError(.badInput, "cannot open \(path)") }
    defer { fclose(file) }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        data.append(contentsOf: buffer[0..<n])
    }
    let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
    let header = lines[0].split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
    }
    let schema = TableSchema(name: table, columns: header.map { field in
        let parts = field.split(separator: ":", maxSplits: 1)
        return ColumnSchema(name: String(parts[0]), type: ColumnType(parsing: String(parts[1]))!)
    })
    var columns = schema.columns.map { ColumnVector(type: $0.type, capacity: lines.count) }
    for line in lines.dropFirst() {
        let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
        for (c, field) in fields.enumerated() {
            if field.isEmpty { columns[c].appendNull(); continue }
            let text = String(decoding: field, as: UTF8.self)
            switch schema.columns[c].type {
            case .text: columns[c].append(utf8Bytes: field)
            case .bool: columns[c].append(integer: text == "true" ? 1 : 0)
            case .float64: columns[c].append(double: Double(text)!)
            default: columns[c].append(integer: Int64(text)!)
            }
        }
    }
    return (schema, columns)
}

/// Size and speed on a realistic table: writes `LAKEFORMAT_BENCH_TSV` as `.bcol` next to it and prints sizes,
/// per-column encodings and timings. Skipped (passes trivially) without the variable.
@Test("benchmark entry: encodes and decodes a typed TSV, printing sizes and timings")
func benchmarkTypedTSV() throws {
    guard let path = getenvString("LAKEFORMAT_BENCH_TSV") else { return }
    let (schema, columns) = try loadTypedTSV(path: path)
    let result = try ColumnarBenchmark.run(schema: schema, columns: columns, options: .init(
        bloomFilterColumns: ["listing_id"]), outputPath: path + ".bcol")
    print(result.report)
}
