import Foundation
import LakeCatalog
import LakeCore
import LakeGenerator
import TestSupport
import Testing
@testable import LakePipeline

@Suite("compaction and vacuum", .serialized)
struct CompactionTests {
    func allRows(_ lake: Lake, _ table: String) throws -> [String] {
        var rows: [String] = []
        _ = try lake.scan(ScanRequest(table: table)) { row in
            rows.append(row.map { $0.description }.joined(separator: "\u{1f}"))
            return true
        }
        return rows.sorted()
    }

    /// The newest row of each agency key, in scan order (files oldest first, as ingest committed them).
    func newestByKey(_ lake: Lake, _ table: String) throws -> [String: String] {
        var newest: [String: String] = [:]
        var files = try lake.catalog.files(table: table, format: .columnar)
        files.sort { ($0.createdAt, $0.path) < ($1.createdAt, $1.path) }
        for file in files {
            var request = ScanRequest(table: table)
            request.selector = .hour(file.partition)
            _ = try lake.scan(request) { row in
                newest[row[0].description] = row.map { $0.description }.joined(separator: "\u{1f}")
                return true
            }
            break  // one partition holds them all in this test; scan reads its files oldest first
        }
        return newest
    }

    @Test("twelve late arrivals into one hour compact to one file per table with the same rows")
    func lateArrivals() throws {
        let dir = TemporaryDirectory("compact-late")
        _ = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("late"), hours: 12, perHour: 6, seed: 21))
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        let hour = try #require(PartitionKey.parse("2019-01-13T05"))
        let reports = try lake.ingest(paths: [dir.file("late")], options: IngestOptions(hour: hour))
        #expect(reports.allSatisfy { $0.outcome == .ingested })
        #expect(try lake.catalog.files(table: "flats", format: .columnar).count == 12)
        let before = try allRows(lake, "flats")
        let beforeAgency = try newestByKey(lake, "agency")
        let versionBefore = try #require(try lake.catalog.partitions(table: "flats").first).dataVersion
        let csvBefore = try duckdbCount(lake: dir.file("lake"), table: "flats")

        let report = try lake.compact(CompactionOptions())
        #expect(report.partitions.allSatisfy { $0.skipped == nil })
        #expect(report.partitions.first { $0.table == "flats" }.map { $0.rowsIn == $0.rowsOut } == true)
        #expect(try lake.catalog.files(table: "flats", format: .columnar).count == 1)
        #expect(try lake.catalog.files(table: "flats", format: .csvGzip).count == 1)
        #expect(try allRows(lake, "flats") == before)
        // A dimension keeps its newest row per key: what a load's upsert ends with is unchanged.
        #expect(try newestByKey(lake, "agency") == beforeAgency)
        #expect(try duckdbCount(lake: dir.file("lake"), table: "flats") == csvBefore)
        // A compaction changes no data: the data version stays, so loaders need not reload.
        #expect(try lake.catalog.partitions(table: "flats").first?.dataVersion == versionBefore)
        // Lineage maps the twelve inputs to the output.
        let output = try #require(try lake.catalog.files(table: "flats", format: .columnar).first)
        #expect(try lake.catalog.lineage(fileID: output.fileID).filter { $0.relation == "compaction" }.count == 12)
        let run = try #require(try lake.catalog.compactions().first)
        #expect(run.status == "published" && run.rowsIn >= run.rowsOut && run.bytesIn > 0 && run.bytesOut > 0)
        #expect(try lake.verify(deep: true).isConsistent)

        // Nothing left to do: a second run changes nothing and says so.
        #expect(try lake.compact(CompactionOptions()).partitions.isEmpty)

        // Vacuum removes exactly the retired files (and an orphan), never an active one.
        let retired = try lake.catalog.allFiles().filter { $0.status == .retired }
        #expect(retired.count == 12 * 2 * 4)  // 12 batches x (bcol + csv) x 4 tables with rows in every batch
        let orphan = dir.file("lake/clean/flats/dt=2019-01-13/hour=05/stray.csv.gz")
        FileManager.default.createFile(atPath: orphan, contents: Data("x".utf8),
                                       attributes: [.modificationDate: Date(timeIntervalSinceNow: -3600)])
        #expect(try lake.verify(deep: false).problems.map(\.kind) == ["orphan"])
        let vacuum = try lake.vacuum(retainSeconds: 0, dryRun: false)
        #expect(vacuum.retiredDeleted.count == retired.count)
        #expect(vacuum.orphansDeleted == ["clean/flats/dt=2019-01-13/hour=05/stray.csv.gz"])
        #expect(LakeFileSystem_listFiles(dir.file("lake/_trash")).isEmpty)
        #expect(try lake.verify(deep: true).isConsistent)
        #expect(try allRows(lake, "flats") == before)
    }

    @Test("an ingest into a compacted partition lands beside the compacted file and is not lost")
    func ingestAfterCompaction() throws {
        let dir = TemporaryDirectory("compact-ingest")
        _ = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("a"), hours: 3, perHour: 5, seed: 31))
        _ = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("b"), hours: 1, perHour: 5, seed: 32,
                                                    start: PartitionKey(year: 2019, month: 2, day: 1, hour: 0)))
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        let hour = try #require(PartitionKey.parse("2019-01-13T05"))
        _ = try lake.ingest(paths: [dir.file("a")], options: IngestOptions(hour: hour))
        _ = try lake.compact(CompactionOptions())
        let report = try #require(try lake.ingest(paths: [dir.file("b")], options: IngestOptions(hour: hour)).first)
        #expect(report.outcome == .ingested)
        let flats = try lake.catalog.partitions(table: "flats").first
        #expect(flats?.files == 2)
        #expect(flats?.rows == (try allRows(lake, "flats").count))
        #expect(try lake.verify(deep: true).isConsistent)
    }

    @Test("a new content under the name of a compacted batch is refused with a clear error, and the lake stays exact")
    func supersedeAfterCompaction() throws {
        let dir = TemporaryDirectory("compact-supersede")
        let first = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("a"), hours: 2, perHour: 5, seed: 41))
        let second = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("b"), hours: 1, perHour: 5, seed: 42))
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        let hour = try #require(PartitionKey.parse("2019-01-13T05"))
        _ = try lake.ingest(paths: [dir.file("a")], options: IngestOptions(hour: hour))
        _ = try lake.compact(CompactionOptions())
        let before = try allRows(lake, "flats")
        let report = try #require(try lake.ingest(paths: [second.files[0].path], options: IngestOptions(hour: hour)).first)
        #expect(first.files[0].fileName == second.files[0].fileName)
        #expect(report.outcome == .refused)
        #expect(report.message?.contains("was compacted") == true)
        #expect(try allRows(lake, "flats") == before)
        #expect(try lake.verify(deep: true).isConsistent)
    }
}
