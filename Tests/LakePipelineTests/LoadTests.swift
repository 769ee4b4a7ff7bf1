import Foundation
import LakeCatalog
import LakeCore
import LakeGenerator
import LakeWarehouse
import TestSupport
import Testing
@testable import LakePipeline

/// A lake with generated, ingested batches, and a fresh database on the shared test server.
struct LoadFixture {
    let dir: TemporaryDirectory
    let lake: Lake
    let server: PostgresServer
    let database: String

    init(_ label: String, hours: Int = 3, perHour: Int = 40, seed: UInt64 = 5) throws {
        dir = TemporaryDirectory("load-\(label)")
        _ = try Generator.generate(GeneratorOptions(
            outputDirectory: dir.file("inbox"), hours: hours, perHour: perHour, seed: seed))
        lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("catalog/catalog.sqlite"))
        _ = try lake.ingest(paths: [dir.file("inbox")])
        server = try PostgresServer.start()
        database = try server.createDatabase(label)
    }

    var url: String { server.url(database: database) }

    func options(reload: Bool = false) -> LoadOptions {
        var options = LoadOptions(warehouse: url)
        options.reload = reload
        return options
    }

    func count(_ sql: String) throws -> Int { Int(try server.psql(sql, database: database)) ?? -1 }

    func lakeRows(_ table: String) throws -> Int {
        try lake.catalog.partitions(table: table).reduce(0) { $0 + $1.rows }
    }
}

@Suite("load into PostgreSQL", .serialized)
struct LoadTests {
    @Test("every table lands: flats equal the lake's rows, dimensions each natural key once; a second load is a no-op")
    func loadTwice() throws {
        let f = try LoadFixture("twice")
        let first = try f.lake.load(f.options())
        #expect(first.failed == 0)
        #expect(first.partitions.count == (try f.lake.catalog.partitions().count))
        #expect(try f.count("SELECT count(*) FROM flats") == (try f.lakeRows("flats")))
        #expect(try f.count("SELECT count(*) FROM flats") == (try duckdbCount(lake: f.dir.file("lake"), table: "flats")))
        for table in f.lake.spec.tables where table.kind == .dimension {
            let key = table.key.joined(separator: ", ")
            let distinct = Int(try python("""
                import duckdb, sys
                print(duckdb.sql(f"select count(distinct ({sys.argv[2]})) from read_csv('{sys.argv[1]}/clean/\\
                {sys.argv[3]}/*/*/*.csv.gz', hive_partitioning=true, all_varchar=true)").fetchall()[0][0])
                """, arguments: [f.dir.file("lake"), key, table.name]).trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(try f.count("SELECT count(*) FROM \(table.name)") == distinct, "\(table.name)")
        }
        let before = try f.server.psql("SELECT md5(string_agg(listing_id || modified_at::text, ',' ORDER BY "
                                       + "listing_id, modified_at)) FROM flats", database: f.database)
        let second = try f.lake.load(f.options())
        #expect(second.partitions.isEmpty)
        #expect(second.upToDate == first.partitions.count)
        #expect(try f.server.psql("SELECT md5(string_agg(listing_id || modified_at::text, ',' ORDER BY listing_id, "
                                  + "modified_at)) FROM flats", database: f.database) == before)
        let loads = try f.lake.catalog.loads(status: .loaded)
        #expect(loads.count == first.partitions.count)
        #expect(loads.allSatisfy { !$0.warehouse.contains(PostgresServer.password) && !$0.files.isEmpty })
    }

    @Test("reload restores exactly an hour's deleted rows, rebuilding CSV from the columnar files when gone")
    func reloadRestores() throws {
        let f = try LoadFixture("reload")
        _ = try f.lake.load(f.options())
        let hour = "dt = DATE '2019-01-13' AND hour = 1"
        let digest = "SELECT md5(string_agg(listing_id || modified_at::text || coalesce(base_rent::text, ''), ',' "
            + "ORDER BY listing_id, modified_at)) FROM flats WHERE \(hour)"
        let expected = try f.server.psql(digest, database: f.database)
        let rows = try f.count("SELECT count(*) FROM flats WHERE \(hour)")
        #expect(rows > 0)
        try f.server.psql("DELETE FROM flats WHERE \(hour)", database: f.database)
        for file in try f.lake.catalog.files(table: "flats", selector: .hour(PartitionKey(year: 2019, month: 1, day: 13,
                                                                                         hour: 1)), format: .csvGzip) {
            try FileManager.default.removeItem(atPath: f.dir.file("lake/" + file.path))
        }
        var options = f.options(reload: true)
        options.table = "flats"
        options.selector = .hour(PartitionKey(year: 2019, month: 1, day: 13, hour: 1))
        let report = try f.lake.load(options)
        #expect(report.partitions.count == 1)
        #expect(report.partitions[0].rowsBefore == 0)
        #expect(report.partitions[0].rowsAfter == rows)
        #expect(try f.server.psql(digest, database: f.database) == expected)
        #expect(try f.count("SELECT count(*) FROM flats") == (try f.lakeRows("flats")))
    }

    @Test("a reload of a partition the lake does not have is a usage error")
    func reloadUnknown() throws {
        let f = try LoadFixture("unknown", hours: 1, perHour: 5)
        var options = f.options(reload: true)
        options.selector = .hour(PartitionKey(year: 2020, month: 2, day: 2, hour: 2))
        let error = #expect(throws: LakeError.self) { try f.lake.load(options) }
        #expect(error?.code == .usage)
    }

    @Test("a re-ingest that supersedes a batch shows its partitions as needing a load")
    func supersedeNeedsLoad() throws {
        let f = try LoadFixture("supersede", hours: 2, perHour: 20)
        _ = try f.lake.load(f.options())
        #expect(try f.lake.pendingLoads(f.options()).isEmpty)
        let newer = try Generator.generate(GeneratorOptions(outputDirectory: f.dir.file("newer"), hours: 1,
                                                            perHour: 15, seed: 99))
        #expect(try f.lake.ingest(paths: [newer.files[0].path]).first?.supersedes != nil)
        let pending = try f.lake.pendingLoads(f.options())
        #expect(pending.contains { $0.table == "flats" && $0.partition.hour == 0 })
        #expect(!pending.contains { $0.partition.hour == 1 })
        _ = try f.lake.load(f.options())
        #expect(try f.count("SELECT count(*) FROM flats") == (try f.lakeRows("flats")))
    }

    @Test("server down: exit 69, the pending loads recorded failed; a rerun against the server completes")
    func serverDown() throws {
        let f = try LoadFixture("down", hours: 1, perHour: 10)
        let down = LoadOptions(warehouse: "postgres://postgres:\(PostgresServer.password)@127.0.0.1:"
                               + "\(PostgresServer.freePort())/\(f.database)")
        let error = #expect(throws: LakeError.self) { try f.lake.load(down) }
        #expect(error?.code.exitStatus == 69)
        #expect(!(error?.description.contains(PostgresServer.password) ?? true))
        let failed = try f.lake.catalog.loads(status: .failed)
        #expect(failed.count == (try f.lake.catalog.partitions().count))
        #expect(failed.allSatisfy { $0.error?.contains(PostgresServer.password) == false })
        let report = try f.lake.load(f.options())
        #expect(report.failed == 0)
        #expect(try f.count("SELECT count(*) FROM flats") == (try f.lakeRows("flats")))
    }

    @Test("a bad row is caught before the transaction, named by table, partition, file, line and column")
    func preflightRejects() throws {
        let f = try LoadFixture("preflight", hours: 2, perHour: 10)
        let file = try #require(try f.lake.catalog.files(table: "flats", format: .csvGzip).first)
        let path = f.dir.file("lake/" + file.path)
        // Line 3 gets a base_rent that is not a number.
        _ = try python("""
            import gzip, sys, csv, io
            rows = list(csv.reader(io.StringIO(gzip.open(sys.argv[1], 'rt', newline='').read())))
            rows[2][rows[0].index('base_rent')] = 'lots'
            out = io.StringIO(); csv.writer(out, lineterminator='\\n').writerows(rows)
            gzip.open(sys.argv[1], 'wt', newline='').write(out.getvalue())
            """, arguments: [path])
        let failure = #expect(throws: LakeLoadFailure.self) { try f.lake.load(f.options()) }
        let message = failure?.error.description ?? ""
        #expect(message.contains("flats") && message.contains(file.partition.path) && message.contains(file.path))
        #expect(message.contains("line 3") && message.contains("base_rent"))
        #expect(failure?.report.failed == 1)
        #expect(try f.count("SELECT count(*) FROM flats WHERE dt = DATE '2019-01-13' AND hour = \(file.partition.hour)") == 0)
        #expect(try f.lake.catalog.loads(status: .failed).count == 1)
        // The other hour loaded.
        #expect(try f.count("SELECT count(*) FROM flats") > 0)
    }
}

@Suite("Redshift SQL")
struct RedshiftGoldenTests {
    @Test("the dry run pins the DDL, the COPY from the manifest and the partition replace", arguments: [
        "flats", "agency",
    ])
    func golden(table: String) throws {
        let dir = TemporaryDirectory("redshift-\(table)")
        _ = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("inbox"), hours: 1, perHour: 5, seed: 1))
        let lake = try Lake(root: dir.file("lake"), catalogPath: dir.file("c.sqlite"))
        _ = try lake.ingest(paths: [dir.file("inbox")])
        var options = LoadOptions(warehouse: "redshift://loader@example.eu-central-1.redshift.amazonaws.com/dev")
        options.schema = "lake"
        options.table = table
        options.dryRun = true
        options.redshift = RedshiftCopySource(lakeURL: "s3://example-bucket/lake/",
                                              iamRole: "arn:aws:iam::123456789012:role/batchlake-redshift-copy")
        let report = try lake.load(options)
        let text = report.sql.map { $0 + ";" }.joined(separator: "\n") + "\n"
        try assertGolden(text, "redshift/load_\(table).sql")
    }

    @Test("access keys are redacted in the printed COPY; STL_LOAD_ERRORS is read for the last COPY")
    func redacted() throws {
        let sql = WarehouseSQL(dialect: .redshift, schemaName: "lake")
        let table = WarehouseTable(schema: TableSchema(name: "t", columns: [ColumnSchema(name: "a", type: .text)]),
                                   kind: .fact, key: ["a"])
        let source = RedshiftCopySource(lakeURL: "s3://b/l", accessKeyID: "AKIDEXAMPLE",
                                        secretAccessKey: "wJalrXUtnFEMI", sessionToken: "tok")
        let printed = sql.copyFromManifest(table, partition: PartitionKey(year: 2019, month: 1, day: 13, hour: 5),
                                           source: source, redacted: true)
        #expect(!printed.contains("wJalrXUtnFEMI") && !printed.contains("tok'"))
        #expect(printed.contains("SECRET_ACCESS_KEY '<redacted>'"))
        try assertGolden(WarehouseSQL.loadErrorsQuery + ";\n", "redshift/stl_load_errors.sql")
    }
}

/// Compares `text` with a golden file under Tests/Fixtures/golden; BATCHLAKE_RECORD_GOLDEN=1 rewrites it and fails
/// so a person reviews the change.
func assertGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let path = repositoryRoot + "/Tests/Fixtures/golden/" + name
    if ProcessInfo.processInfo.environment["BATCHLAKE_RECORD_GOLDEN"] != nil {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        Issue.record("recorded \(name); review it and rerun without BATCHLAKE_RECORD_GOLDEN", sourceLocation: sourceLocation)
        return
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == expected, "differs from golden \(name)", sourceLocation: sourceLocation)
}
