import LakeCore
import Testing
@testable import LakeFormat

#if canImport(Glibc)
import Glibc
#endif

/// The tiny table whose file FORMAT.md dumps byte by byte.
enum GoldenFile {
    static let schema = TableSchema(name: "tiny", columns: [
        ColumnSchema(name: "id", type: .int64, nullable: false),
        ColumnSchema(name: "rent", type: .decimal(scale: 2)),
        ColumnSchema(name: "heating", type: .text),
        ColumnSchema(name: "lift", type: .bool),
    ])

    static var columns: [ColumnVector] {
        var id = ColumnVector(type: .int64), rent = ColumnVector(type: .decimal(scale: 2))
        var heating = ColumnVector(type: .text), lift = ColumnVector(type: .bool)
        for (i, r, h, l) in [(Int64(7), Int64?(1250), "Gas", true), (8, nil, "Gas", false), (9, 999, "Öl", true)] {
            id.append(integer: i)
            if let r { rent.append(integer: r) } else { rent.appendNull() }
            heating.append(text: h)
            lift.append(integer: l ? 1 : 0)
        }
        return [id, rent, heating, lift]
    }

    static let options = ColumnarWriterOptions(bloomFilterColumns: ["id"], metadata: ["source": "golden"])

    static var path: String {
        let file = "\(#filePath)"
        return String(file[..<file.lastIndex(of: "/")!]) + "/Golden/tiny.bcol"
    }

    static func read() throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw LakeError(.badInput, "missing \(path)") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }
}

@Suite("Golden file")
struct GoldenTests {
    @Test("the writer reproduces Golden/tiny.bcol byte for byte (set LAKEFORMAT_UPDATE_GOLDEN=1 to rewrite it)")
    func golden() throws {
        let bytes = try ColumnarWriter.encode(schema: GoldenFile.schema, columns: GoldenFile.columns,
                                              options: GoldenFile.options)
        if getenvString("LAKEFORMAT_UPDATE_GOLDEN") == "1" {
            let writer = try ByteSink(path: GoldenFile.path)
            try writer.write(bytes)
            try writer.close()
        }
        let committed = try GoldenFile.read()
        #expect(bytes == committed)
        if getenvString("LAKEFORMAT_DUMP_GOLDEN") == "1" {
            var line = ""
            for (i, b) in bytes.enumerated() {
                if i % 16 == 0 { if !line.isEmpty { print(line) }; line = String(i, radix: 16).leftPad(4) + ":" }
                line += " " + String(b, radix: 16).leftPad(2)
            }
            print(line)
        }
    }

    @Test("the golden file reads back, verifies and answers lookups")
    func goldenReads() throws {
        let reader = try ColumnarReader(bytes: try GoldenFile.read(), name: "tiny.bcol")
        try reader.verify()
        #expect(reader.schema == GoldenFile.schema)
        #expect(reader.rowCount == 3)
        #expect(reader.metadata == ["source": "golden"])
        let back = try reader.read(rowGroup: 0, columns: [0, 1, 2, 3])
        for (a, b) in zip(back, GoldenFile.columns) { #expect(a.isIdentical(to: b)) }
        #expect(reader.mightContain(column: "id", value: .int(8)))
        #expect(!reader.mightContain(column: "id", value: .int(100)))
        #expect(reader.rowGroups[0].columns[1].statistics == ColumnStatistics(
            min: .decimal(999, scale: 2), max: .decimal(1250, scale: 2), nullCount: 1, distinctCount: 2))
        print(reader.describe())
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
