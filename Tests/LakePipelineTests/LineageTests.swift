import Foundation
import LakeCatalog
import LakeCore
import LakeGenerator
import TestSupport
import Testing
@testable import LakePipeline

/// `batchlake lineage`: input file -> batch -> raw -> clean -> manifest -> warehouse, counts reconciled per hop.
@Suite("lineage traces", .serialized)
struct LineageTests {
    /// A messy lake (bad lines, duplicates, redeliveries) of three hours, loaded into a fresh database.
    struct Fixture {
        let dir: TemporaryDirectory
        let lake: Lake
        let generated: GenerationReport
        let server: PostgresServer
        let database: String

        init(_ label: String) throws {
            dir = TemporaryDirectory("lineage-\(label)")
            generated = try Generator.generate(GeneratorOptions(
                outputDirectory: dir.file("inbox"), hours: 3, perHour: 80, seed: 31, isMessy: true))
            lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("catalog.sqlite"))
            _ = try lake.ingest(paths: [dir.file("inbox")])
            server = try PostgresServer.start()
            database = try server.createDatabase(label)
            let report = try lake.load(LoadOptions(warehouse: server.url(database: database)))
            #expect(report.failed == 0)
        }

        var url: String { server.url(database: database) }
    }

    func check(_ report: LineageReport, _ hop: String) -> LineageCheck? { report.checks.first { $0.hop == hop } }

    @Test("a batch file: lines -> good/bad -> flats rows (duplicates and known versions explained) -> manifest -> load")
    func batch() throws {
        let f = try Fixture("batch")
        // The second hour repeats versions of the first (messy mode), so its counts differ for recorded reasons.
        let file = f.generated.files[1]
        #expect(try f.lake.lineageSubject(file.fileName) == .batch(file.fileName))
        #expect(try f.lake.lineageSubject(file.path) == .batch(file.path))
        let report = try f.lake.lineage(.batch(file.fileName))
        #expect(report.consistent, "\(report.checks.filter { $0.state == .mismatch })")
        let batch = try #require(report.batches.first)
        #expect(report.batches.count == 1 && batch.fileName == file.fileName)
        #expect(batch.bad == file.badLineCount && batch.records == batch.good + batch.bad)
        #expect(batch.raw.count == 1 && batch.quarantine.first?.rows == file.badLineCount)
        let flats = try #require(report.tables.first { $0.table == "flats" })
        #expect(flats.rows == file.goodLines - file.redeliveredLines)
        let lines = try #require(check(report, "lines -> flats"))
        #expect(lines.state == .explained && lines.rowsOut == flats.rows)
        #expect(lines.note.contains("duplicates") && lines.note.contains("already in the lake"))
        #expect(check(report, "input -> lines")?.state == .explained)  // bad lines quarantined
        #expect(check(report, "flats \(file.hour.path) csv.gz -> manifest")?.state == .match)
        let load = try #require(check(report, "flats \(file.hour.path) -> warehouse"))
        #expect(load.state == .match && load.rowsOut == flats.partitionRows)
        #expect(flats.loads.count == 1 && flats.loads[0].carriesSubject == true && flats.loads[0].current)

        // A late file into the same hour, loaded, then compacted: the batch's files are retired; the trace follows
        // them into the merged file and the load still reconciles (compaction changes no data version).
        let late = try Generator.generate(GeneratorOptions(outputDirectory: f.dir.file("late"), hours: 1, perHour: 20,
                                                           seed: 98))
        _ = try f.lake.ingest(paths: [late.files[0].path], options: IngestOptions(hour: file.hour))
        #expect(check(try f.lake.lineage(.batch(file.fileName), table: "flats"),
                      "flats \(file.hour.path) -> warehouse")?.state == .pending)
        #expect(try f.lake.load(LoadOptions(warehouse: f.url)).failed == 0)
        _ = try f.lake.compact(CompactionOptions())
        let after = try f.lake.lineage(.batch(file.fileName), table: "flats")
        #expect(after.consistent, "\(after.checks.filter { $0.state == .mismatch })")
        let compacted = try #require(after.tables.first)
        #expect(compacted.files.allSatisfy { $0.status == "retired" && $0.compactedInto.count == 1 })
        #expect(compacted.files.filter { $0.format == "csv.gz" }.allSatisfy { $0.inManifest == true })
        #expect(compacted.loads.first?.carriesSubject == true)  // the load read the batch's own file
        #expect(after.checks.contains { $0.hop.hasPrefix("flats compaction ") })
        #expect(check(after, "flats \(file.hour.path) -> warehouse")?.state == .match)

        // A manifest that no longer lists an active file is a mismatch, named.
        let manifest = f.dir.file("lake/" + compacted.manifest!.path)
        try Data(#"{"entries": []}"#.utf8).write(to: URL(fileURLWithPath: manifest))
        let broken = try f.lake.lineage(.batch(file.fileName), table: "flats")
        #expect(!broken.consistent)
        #expect(check(broken, "flats \(file.hour.path) csv.gz -> manifest")?.state == .mismatch)
    }

    @Test("a partition: every table's files, manifest and loads; a later ingest shows the load as pending")
    func partition() throws {
        let f = try Fixture("partition")
        let hour = f.generated.files[0].hour
        #expect(try f.lake.lineageSubject(hour.path) == .partition(.hour(hour)))
        let report = try f.lake.lineage(.partition(.hour(hour)))
        #expect(report.consistent, "\(report.checks.filter { $0.state == .mismatch })")
        #expect(report.tables.count == (try f.lake.catalog.partitions(selector: .hour(hour)).count))
        #expect(report.batches.map(\.fileName) == [f.generated.files[0].fileName])
        #expect(check(report, "batches -> flats \(hour.path)")?.state == .match)
        for table in report.tables {
            #expect(check(report, "\(table.table) \(hour.path) -> warehouse")?.state == .match, "\(table.table)")
        }
        // A whole day works too.
        let day = try f.lake.lineage(.partition(.day(year: 2019, month: 1, day: 13)), table: "flats")
        #expect(day.tables.count == 3 && day.consistent)

        // A late file into that hour: the lake's version moves on, the warehouse's load is now pending.
        let late = try Generator.generate(GeneratorOptions(outputDirectory: f.dir.file("late"), hours: 1, perHour: 20,
                                                           seed: 99))
        _ = try f.lake.ingest(paths: [late.files[0].path], options: IngestOptions(hour: hour))
        let pending = try f.lake.lineage(.partition(.hour(hour)), table: "flats")
        #expect(pending.consistent)
        #expect(pending.batches.count == 2)
        #expect(check(pending, "flats \(hour.path) -> warehouse")?.state == .pending)
        #expect(check(pending, "batches -> flats \(hour.path)")?.state == .match)
        _ = try f.lake.load(LoadOptions(warehouse: f.url))
        #expect(check(try f.lake.lineage(.partition(.hour(hour)), table: "flats"),
                      "flats \(hour.path) -> warehouse")?.state == .match)

        #expect(throws: LakeError.self) { try f.lake.lineage(.partition(.hour(PartitionKey(year: 2020, month: 1,
                                                                                             day: 1, hour: 1)))) }
    }

    @Test("a listing id: each stored version's batch, partition and file, confirmed by a scan")
    func listing() throws {
        let f = try Fixture("listing")
        // A listing with versions in more than one batch.
        let byListing = Dictionary(grouping: f.generated.goodVersions, by: \.listingID)
        let (id, versions) = try #require(byListing.filter { $0.value.count > 1 }.min { $0.key < $1.key })
        #expect(try f.lake.lineageSubject(id) == .listing(id))
        let report = try f.lake.lineage(.listing(id))
        #expect(report.consistent, "\(report.checks.filter { $0.state == .mismatch })")
        #expect(report.versions.count == versions.count)
        #expect(report.versions.allSatisfy { $0.found && $0.files.count == 1 && $0.partition != nil })
        #expect(Set(report.versions.map(\.batchID)).count == report.batches.count)
        #expect(check(report, "catalog versions -> flats rows")?.rowsOut == versions.count)
        #expect(report.tables.allSatisfy { $0.table == "flats" && !$0.loads.isEmpty })
        #expect(report.checks.contains { $0.hop == "listing -> address" })

        #expect(throws: LakeError.self) { try f.lake.lineageSubject("no-such-thing-4711") }
    }

    @Test("the CLI takes each kind of argument and prints JSON with a version key")
    func cli() throws {
        let f = try Fixture("cli")
        let listing = try #require(f.generated.goodVersions.min { $0.listingID < $1.listingID }).listingID
        for argument in [f.generated.files[2].fileName, f.generated.files[2].hour.path, "dt=2019-01-13", listing] {
            let result = try runProcess(batchlakeExecutable, [
                "lineage", "--lake", f.dir.file("lake"), "--catalog", f.dir.file("catalog.sqlite"), argument, "--json",
            ])
            #expect(result.status == 0, "\(argument): \(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(object?["version"] as? Int == 1)
            #expect((object?["checks"] as? [Any])?.isEmpty == false, "\(argument)")
        }
        let text = try runProcess(batchlakeExecutable, [
            "lineage", "--lake", f.dir.file("lake"), "--catalog", f.dir.file("catalog.sqlite"),
            f.generated.files[0].fileName,
        ])
        #expect(text.status == 0 && text.stdout.contains("consistent"))
        let unknown = try runProcess(batchlakeExecutable, [
            "lineage", "--lake", f.dir.file("lake"), "--catalog", f.dir.file("catalog.sqlite"), "nothing-here",
        ])
        #expect(unknown.status == 64)
    }
}
