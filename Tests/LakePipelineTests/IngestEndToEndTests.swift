import Foundation
import LakeCatalog
import LakeCore
import LakeGenerator
import TestSupport
import Testing
@testable import LakePipeline

/// Counts rows of a table through a second path: DuckDB reading the lake's CSV.gz with hive partitioning.
func duckdbCount(lake: String, table: String, where condition: String = "true") throws -> Int {
    let out = try python("""
        import duckdb, sys
        n = duckdb.sql(f"select count(*) from read_csv('{sys.argv[1]}/clean/{sys.argv[2]}/*/*/*.csv.gz', \
        hive_partitioning=true, header=true, all_varchar=true) where {sys.argv[3]}").fetchall()[0][0]
        print(n)
        """, arguments: [lake, table, condition])
    return Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}

/// One row as DuckDB reads it from the CSV (all columns as text), keyed by column name.
func duckdbRow(lake: String, table: String, where condition: String) throws -> [String: String] {
    let out = try python("""
        import duckdb, sys, json
        rel = duckdb.sql(f"select * from read_csv('{sys.argv[1]}/clean/{sys.argv[2]}/*/*/*.csv.gz', \
        hive_partitioning=true, header=true, all_varchar=true, allow_quoted_nulls=false) where {sys.argv[3]}")
        rows = rel.fetchall()
        assert len(rows) == 1, f"expected one row, got {len(rows)}"
        print(json.dumps({c: v for c, v in zip(rel.columns, rows[0])}, default=str))
        """, arguments: [lake, table, condition])
    let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
    return object.compactMapValues { $0 as? String }
}

@Suite("ingest end to end", .serialized)
struct IngestEndToEndTests {
    @Test("generated messy batches land every distinct good version once, readable by DuckDB; a rerun adds nothing")
    func generatedBatches() throws {
        let dir = TemporaryDirectory("e2e")
        let report = try Generator.generate(GeneratorOptions(
            outputDirectory: dir.file("inbox"), hours: 3, perHour: 60, seed: 7, isMessy: true))
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("catalog/catalog.sqlite"))
        let reports = try lake.ingest(paths: [dir.file("inbox")])
        #expect(reports.count == 3)
        #expect(reports.allSatisfy { $0.outcome == .ingested })
        let flats = try lake.catalog.partitions(table: "flats").reduce(0) { $0 + $1.rows }
        #expect(flats == report.goodVersions.count)
        #expect(try duckdbCount(lake: dir.file("lake"), table: "flats") == report.goodVersions.count)
        let bad = reports.reduce(0) { $0 + ($1.counts?.bad ?? 0) }
        #expect(bad == report.badLineCount)
        // Each agency key is in the lake once per content it had, and at most once per partition.
        let agencyRows = try duckdbCount(lake: dir.file("lake"), table: "agency")
        #expect(agencyRows >= report.distinctAgencies)
        let distinctAgencies = try python("""
            import duckdb, sys
            r = duckdb.sql(f"select count(distinct agency_id), count(distinct (agency_id, dt, hour)), count(*) from \\
            read_csv('{sys.argv[1]}/clean/agency/*/*/*.csv.gz', hive_partitioning=true, all_varchar=true)").fetchall()[0]
            print(r[0], r[1], r[2])
            """, arguments: [dir.file("lake")]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(distinctAgencies == [report.distinctAgencies, agencyRows, agencyRows])
        #expect(try duckdbCount(lake: dir.file("lake"), table: "quarter") == report.distinctQuarters)

        // Every quarantined line carries its reason and line number.
        let quarantine = try lake.catalog.files(format: .quarantine)
        var quarantined = 0
        for file in quarantine {
            let text = try String(contentsOfFile: dir.file("lake/" + file.path), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect((object["reason"] as? String)?.isEmpty == false)
                #expect((object["line"] as? Int ?? 0) > 0)
                quarantined += 1
            }
        }
        #expect(quarantined == report.badLineCount)

        // The same inputs again: nothing changes, and the report says so.
        let again = try lake.ingest(paths: [dir.file("inbox")])
        #expect(again.allSatisfy { $0.outcome == .alreadyIngested })
        #expect(try duckdbCount(lake: dir.file("lake"), table: "flats") == report.goodVersions.count)
        #expect(try lake.catalog.batches().count == 3)
    }

    @Test("the real record lands with its values typed as the contract says")
    func realRecord() throws {
        let dir = TemporaryDirectory("fixture")
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        let reports = try lake.ingest(paths: [fixtureRecordPath])
        #expect(reports.first?.outcome == .ingested)
        #expect(reports.first?.partition == "dt=2019-01-13/hour=00" || reports.first?.hourRule == "ingest_time")
        let row = try duckdbRow(lake: dir.file("lake"), table: "flats", where: "listing_id = '56906504'")
        #expect(row["base_rent"] == "1715.19")
        #expect(row["total_rent"] == "2115.19")
        #expect(row["agency_id"] == "001.377811")
        #expect(row["modified_at"] == "2019-01-12 11:32:11.975+00")
        #expect(row["free_from"] == "01.07.17")
        #expect(row["free_from_date"] == "2017-07-01")
        #expect(row["balcony"] == "true")
        #expect(row["number_of_rooms"] == "3.0")
        #expect(row["quarter_geo_id"] == "1276003001046")
        #expect(row["title"]?.hasPrefix("Nähe Hauptbhf.") == true)
        #expect(row["description_note"]?.contains("Chausseestraße") == true)
        let agency = try duckdbRow(lake: dir.file("lake"), table: "agency", where: "agency_id = '001.377811'")
        #expect(agency["company"] == "MI-KA Immobilien GmbH")
        let address = try duckdbRow(lake: dir.file("lake"), table: "address", where: "listing_id = '56906504'")
        #expect(address["neighbourhood_geo_code_id"] == "11000000002029")
        #expect(try duckdbCount(lake: dir.file("lake"), table: "country") == 1)
    }

    @Test("a batch with bad lines lands its good rows and quarantines the rest with reasons")
    func badLines() throws {
        let dir = TemporaryDirectory("bad")
        let good = try String(contentsOfFile: fixtureRecordPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let other = good.replacingOccurrences(of: "\"id\": \"56906504\"", with: "\"id\": \"1\"")
        let lines = [
            good,
            "{\"ok\": true, \"data\": {\"id\": \"2\"",  // truncated
            "[1, 2]",  // not an object
            "{\"ok\": true, \"data\": {\"realEstate_lastModificationDate\": \"2019-01-12T11:32:11Z\"}}",  // no id
            "{\"ok\": true, \"data\": {\"id\": \"3\"}}",  // no modification time
            other.replacingOccurrences(of: "\"realEstate_baseRent\": 1715.19", with: "\"realEstate_baseRent\": \"ca. 900\""),
            "   ",
            good,  // exact duplicate
            other.replacingOccurrences(of: "\"realEstate_freeFrom\": \"01.07.17\"", with: "\"realEstate_freeFrom\": \"sofort\"")
                .replacingOccurrences(of: "\"id\": \"1\"", with: "\"id\": \"4\""),
        ]
        var bytes = Array(lines.joined(separator: "\r\n").utf8)
        bytes += [13, 10, 0xFF, 0xFE, 0x7B, 0x0A]  // invalid UTF-8 last line
        let path = dir.file("immobilienscout24_berlin_20190113_07.jsonl")
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        let report = try #require(try lake.ingest(paths: [path]).first)
        #expect(report.outcome == .ingested)
        #expect(report.partition == "dt=2019-01-13/hour=07")
        let counts = try #require(report.counts)
        #expect(counts.bad == 6)
        #expect(counts.duplicates == 1)
        #expect(counts.blankLines == 1)
        #expect(report.rowsByTable["flats"] == 2)
        #expect(report.invalidValues["flats.free_from_date"] == 1)
        let quarantine = try #require(try lake.catalog.files(format: .quarantine).first)
        let text = try String(contentsOfFile: dir.file("lake/" + quarantine.path), encoding: .utf8)
        #expect(text.contains("realEstate_baseRent"))
        #expect(text.contains("\"line\": 2"))
        #expect(text.contains("UTF-8"))
        #expect(try duckdbCount(lake: dir.file("lake"), table: "flats", where: "listing_id = '4' and free_from = 'sofort' and free_from_date is null") == 1)
    }

    @Test("a dimension key repeated in a batch keeps the newest version's row; later batches write it only when it changed")
    func dimensionRowsWithinAndAcrossBatches() throws {
        let dir = TemporaryDirectory("dimensions")
        let good = try String(contentsOfFile: fixtureRecordPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        /// The real record as another listing of the same agency, modified at `time`, the agency named `company`.
        func record(id: Int, time: String, company: String) -> String {
            good.replacingOccurrences(of: "\"id\": \"56906504\"", with: "\"id\": \"\(id)\"")
                .replacingOccurrences(of: "2019-01-12T11:32:11.975Z", with: time)
                .replacingOccurrences(of: "MI-KA Immobilien GmbH", with: company)
        }
        func batch(_ hour: Int, _ lines: [String]) -> String {
            let path = dir.file("immobilienscout24_berlin_20190113_\(hour < 10 ? "0" : "")\(hour).jsonl")
            FileManager.default.createFile(atPath: path, contents: Data(lines.joined(separator: "\n").utf8))
            return path
        }
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        // Within one batch the newest version wins, whatever the order of the lines.
        let first = try lake.ingest(paths: [batch(1, [
            record(id: 1, time: "2019-01-12T10:00:00Z", company: "Old Name"),
            record(id: 2, time: "2019-01-12T12:00:00Z", company: "Newest Name"),
            record(id: 3, time: "2019-01-12T11:00:00Z", company: "Middle Name"),
        ])])
        #expect(first.first?.rowsByTable["flats"] == 3)
        #expect(first.first?.rowsByTable["agency"] == 1)
        #expect(try duckdbRow(lake: dir.file("lake"), table: "agency", where: "agency_id = '001.377811'")["company"]
                == "Newest Name")
        // The same agency row again: nothing new to write. A changed one: written once more.
        let second = try lake.ingest(paths: [batch(2, [record(id: 4, time: "2019-01-12T13:00:00Z", company: "Newest Name")])])
        #expect(second.first?.rowsByTable["agency"] == 0)
        let third = try lake.ingest(paths: [batch(3, [record(id: 5, time: "2019-01-12T14:00:00Z", company: "Renamed")])])
        #expect(third.first?.rowsByTable["agency"] == 1)
        #expect(try duckdbCount(lake: dir.file("lake"), table: "agency") == 2)
        #expect(try duckdbCount(lake: dir.file("lake"), table: "agency", where: "company = 'Renamed' and hour = 3") == 1)
    }

    @Test("a truncated ZIP is refused with a clear error and leaves nothing a reader could take for committed")
    func truncatedZip() throws {
        let dir = TemporaryDirectory("truncated")
        let report = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("in"), hours: 1, perHour: 20, seed: 3))
        let file = report.files[0].path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let cut = dir.file(report.files[0].fileName)
        FileManager.default.createFile(atPath: cut, contents: bytes.prefix(bytes.count / 2))
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        let result = try #require(try lake.ingest(paths: [cut]).first)
        #expect(result.outcome == .refused)
        #expect(result.message?.contains(report.files[0].fileName) == true)
        #expect(LakeFileSystem_listFiles(dir.file("lake/clean")).isEmpty)
        #expect(LakeFileSystem_listFiles(dir.file("lake/_staging")).isEmpty)
        #expect(try lake.catalog.files().isEmpty)
        #expect(try lake.catalog.batches().map(\.status) == [.failed])
        // The whole file afterwards lands normally.
        #expect(try lake.ingest(paths: [file]).first?.outcome == .ingested)
    }

    @Test("ZIP member names are never paths: ../../x lands its records and writes nothing outside the lake")
    func hostileMemberName() throws {
        let dir = TemporaryDirectory("zipslip")
        let record = try Array(Data(contentsOf: URL(fileURLWithPath: fixtureRecordPath)))
        let zipPath = dir.file("inside/immobilienscout24_berlin_20190113_09.zip")
        try FileManager.default.createDirectory(atPath: dir.file("inside"), withIntermediateDirectories: true)
        let zip = try ZIPWriter(path: zipPath)
        try zip.addMember("../../x.jsonl", contents: record)
        try zip.addMember("/abs.jsonl", contents: record)
        try zip.addDirectory("folder/")
        try zip.finish()
        let lake = try Lake(root: dir.file("inside/lake"), catalogPath: dir.file("inside/c.sqlite"))
        let report = try #require(try lake.ingest(paths: [zipPath]).first)
        #expect(report.outcome == .ingested)
        #expect(report.counts?.duplicates == 1)
        #expect(report.rowsByTable["flats"] == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.jsonl")))
        #expect(!FileManager.default.fileExists(atPath: "/abs.jsonl"))
        let outside = LakeFileSystem_listFiles(dir.path).filter { !$0.hasPrefix("inside/") }
        #expect(outside.isEmpty)
    }

    @Test("a new content under an ingested file name supersedes it: rows replaced, both versions in the catalog")
    func supersede() throws {
        let dir = TemporaryDirectory("supersede")
        let first = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("a"), hours: 1, perHour: 30, seed: 1))
        let second = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("b"), hours: 1, perHour: 20, seed: 2))
        #expect(first.files[0].fileName == second.files[0].fileName)
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        #expect(try lake.ingest(paths: [first.files[0].path]).first?.outcome == .ingested)
        let report = try #require(try lake.ingest(paths: [second.files[0].path]).first)
        #expect(report.outcome == .ingested)
        #expect(report.supersedes != nil)
        #expect(try duckdbCount(lake: dir.file("lake"), table: "flats") == second.goodVersions.count)
        let partition = try #require(try lake.catalog.partitions(table: "flats").first)
        #expect(partition.dataVersion == 2)
        #expect(Set(try lake.catalog.batches().map(\.status)) == [.superseded, .published])
        // Both raw versions are kept, under different keys.
        #expect(try lake.catalog.files(format: .raw).count == 2)
    }
}

/// Files below a folder, relative (empty when missing).
func LakeFileSystem_listFiles(_ path: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: path) else { return [] }
    var files: [String] = []
    while let item = e.nextObject() as? String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path + "/" + item, isDirectory: &isDir), !isDir.boolValue {
            files.append(item)
        }
    }
    return files
}
