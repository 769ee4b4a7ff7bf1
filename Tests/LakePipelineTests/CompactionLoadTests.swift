import Foundation
import LakeCatalog
import LakeCore
import LakeGenerator
import TestSupport
import Testing
@testable import LakePipeline

/// Issue 7: a partition compacted and then reloaded into PostgreSQL gives the same rows as before.
@Suite("compaction then reload into PostgreSQL", .serialized)
struct CompactionLoadTests {
    /// Every row of a table as PostgreSQL prints it (row-to-text, partition columns included), sorted: a multiset.
    func rows(_ server: PostgresServer, _ database: String, _ table: String) throws -> [String] {
        try server.psql("SELECT t::text FROM \(table) AS t ORDER BY 1", database: database)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// A dimension's rows keyed by its natural key (the load upserts one row per key).
    func rowsByKey(_ server: PostgresServer, _ database: String, _ table: String,
                   key: [String]) throws -> [String: String] {
        let keyText = key.map { "coalesce(t.\($0)::text, '')" }.joined(separator: " || '|' || ")
        var result: [String: String] = [:]
        for line in try server.psql("SELECT \(keyText) || chr(9) || t::text FROM \(table) AS t", database: database)
            .split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            #expect(result[parts[0]] == nil, "\(table) holds key \(parts[0]) twice")
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }

    @Test("late files into one hour: load, compact (nothing to load), reload: the same rows per table")
    func compactThenReload() throws {
        let dir = TemporaryDirectory("compact-load")
        _ = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("late"), hours: 8, perHour: 25, seed: 77))
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("catalog.sqlite"))
        let hour = try #require(PartitionKey.parse("2019-01-13T07"))
        let reports = try lake.ingest(paths: [dir.file("late")], options: IngestOptions(hour: hour))
        #expect(reports.count == 8 && reports.allSatisfy { $0.outcome == .ingested })
        #expect(try lake.catalog.files(table: "flats", format: .columnar).count == 8)

        let server = try PostgresServer.start()
        let database = try server.createDatabase("compactload")
        let options = LoadOptions(warehouse: server.url(database: database))
        let first = try lake.load(options)
        #expect(first.failed == 0 && !first.partitions.isEmpty)
        let flatsRows = try lake.catalog.partitions(table: "flats").reduce(0) { $0 + $1.rows }
        #expect(Int(try server.psql("SELECT count(*) FROM flats", database: database)) == flatsRows)

        let dimensions = lake.spec.tables.filter { $0.kind == .dimension }
        let flatsBefore = try rows(server, database, "flats")
        var dimensionsBefore: [String: [String: String]] = [:]
        for table in dimensions {
            dimensionsBefore[table.name] = try rowsByKey(server, database, table.name, key: table.key)
        }
        let versionsBefore = try lake.catalog.partitions().map { "\($0.table) \($0.dataVersion)" }

        let compaction = try lake.compact(CompactionOptions())
        #expect(compaction.compactedCount > 0)
        #expect(try lake.catalog.files(table: "flats", format: .columnar).count == 1)
        #expect(try lake.catalog.files(table: "flats", format: .csvGzip).count == 1)
        // Compaction changes no data version, so `load` has nothing to do.
        #expect(try lake.catalog.partitions().map { "\($0.table) \($0.dataVersion)" } == versionsBefore)
        #expect(try lake.pendingLoads(options).isEmpty)
        let second = try lake.load(options)
        #expect(second.partitions.isEmpty && second.upToDate == first.partitions.count)

        // Reload the hour from the compacted files: every table, the same rows.
        var reload = options
        reload.reload = true
        reload.selector = .hour(hour)
        let reloaded = try lake.load(reload)
        #expect(reloaded.failed == 0)
        #expect(reloaded.partitions.count == first.partitions.count)
        let flatsReload = try #require(reloaded.partitions.first { $0.table == "flats" })
        #expect(flatsReload.files == 1)
        #expect(flatsReload.rowsBefore == flatsRows && flatsReload.rowsAfter == flatsRows)
        #expect(try rows(server, database, "flats") == flatsBefore)
        for table in dimensions {
            #expect(try rowsByKey(server, database, table.name, key: table.key) == dimensionsBefore[table.name],
                    "\(table.name)")
        }
        // The reloads are recorded against the unchanged data versions.
        let reloads = try lake.catalog.loads(status: .loaded).filter { $0.kind == "reload" }
        #expect(reloads.count == first.partitions.count)
        #expect(reloads.allSatisfy { $0.files.count == 1 })
    }
}
