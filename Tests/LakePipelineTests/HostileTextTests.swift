import Foundation
import LakeCatalog
import LakeCore
import TestSupport
import Testing
@testable import LakePipeline

@Suite("hostile text")
struct HostileTextTests {
    static let texts = [
        "Altbau, \"hell\" und ruhig", "tab\there", "line one\nline two\r\nline three\r", "back\\slash \\n not a newline",
        "", " leading and trailing ", "emoji 🏠 and Umlaute äöüß", "comma,at,end,", "\"", "NULL", "null",
    ]

    @Test("CSV-hostile text round-trips unchanged through CSV (DuckDB), columnar files and scan")
    func roundTrip() throws {
        let dir = TemporaryDirectory("hostile")
        let fixture = try String(contentsOfFile: fixtureRecordPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let base = try #require(try JSONSerialization.jsonObject(with: Data(fixture.utf8)) as? [String: Any])
        var lines: [String] = []
        for (i, text) in HostileTextTests.texts.enumerated() {
            var record = base
            var data = try #require(base["data"] as? [String: Any])
            data["id"] = "9000\(i)"
            data["realEstate_title"] = text
            record["data"] = data
            let json = try JSONSerialization.data(withJSONObject: record)
            lines.append(String(decoding: json, as: UTF8.self))
        }
        let path = dir.file("immobilienscout24_berlin_20190113_03.jsonl")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        #expect(try lake.ingest(paths: [path]).first?.rowsByTable["flats"] == HostileTextTests.texts.count)

        // Columnar files, through scan.
        var scanned: [String: String] = [:]
        var request = ScanRequest(table: "flats")
        request.columns = ["listing_id", "title"]
        _ = try lake.scan(request) { row in
            if case .text(let id) = row[0], case .text(let title) = row[1] { scanned[id] = title }
            return true
        }
        // CSV, through DuckDB (quoted empty string stays the empty string, not NULL).
        let out = try python("""
            import duckdb, sys, json
            rows = duckdb.sql(f"select listing_id, title from read_csv('{sys.argv[1]}/clean/flats/*/*/*.csv.gz', \\
            hive_partitioning=true, all_varchar=true, allow_quoted_nulls=false)").fetchall()
            print(json.dumps(dict(rows)))
            """, arguments: [dir.file("lake")])
        let viaCSV = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: String])
        for (i, text) in HostileTextTests.texts.enumerated() {
            #expect(scanned["9000\(i)"] == text, "scan changed \(text.debugDescription)")
            #expect(viaCSV["9000\(i)"] == text, "CSV changed \(text.debugDescription)")
        }
    }
}
