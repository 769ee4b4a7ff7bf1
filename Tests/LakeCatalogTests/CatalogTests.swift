import Foundation
import LakeCore
import TestSupport
import Testing
@testable import LakeCatalog

/// The catalog suite, run on both backends: a SQLite file and a real PostgreSQL 15.
@Suite("catalog", .serialized)
struct CatalogTests {
    static let hour = PartitionKey(year: 2019, month: 1, day: 13, hour: 5)

    static func pendingRecord(id: String, sha: String, name: String = "f.zip") -> BatchRecord {
        var batch = BatchRecord(batchID: id, source: "src", fileName: name, inputURI: "in/\(name)", sha256: sha,
                                bytes: 10, partition: hour, hourRule: .fileName, status: .pending,
                                startedAt: Catalog.now())
        batch.leaseUntil = Catalog.now(offsetSeconds: 60)
        return batch
    }

    func pending(_ catalog: Catalog, id: String, sha: String, name: String = "f.zip") throws -> BatchRecord {
        let batch = CatalogTests.pendingRecord(id: id, sha: sha, name: name)
        try catalog.registerPending(batch)
        return batch
    }

    static func dataFile(_ batch: String, rows: Int) -> FileRecord {
        FileRecord(fileID: "\(batch).csv", batchID: batch, table: "flats", partition: hour, format: .csvGzip,
                   path: "clean/flats/\(hour.path)/part-\(batch).csv.gz", rows: rows, bytes: 100, sha256: "ab",
                   createdAt: Catalog.now())
    }
    func dataFile(_ batch: String, rows: Int) -> FileRecord { CatalogTests.dataFile(batch, rows: rows) }

    @Test("a new SQLite catalog gets its folder; reopening changes nothing")
    func migratesInNewFolder() throws {
        let dir = TemporaryDirectory("catalog")
        let path = dir.file("nested/catalog.sqlite")
        _ = try Catalog(path: path)
        let again = try Catalog(path: path)
        #expect(try again.db.query("SELECT version FROM schema_migrations").count == Migrations.all.count)
    }

    @Test("a new catalog migrates once, and reopening changes nothing", arguments: Backend.allCases)
    func migrates(backend: Backend) throws {
        let place = try CatalogPlace(backend, "migrate")
        _ = try place.open()
        let again = try place.open()
        #expect(try again.db.query("SELECT version FROM schema_migrations").count == Migrations.all.count)
        #expect(try place.independentQuery("SELECT COUNT(*) FROM schema_migrations") == "\(Migrations.all.count)")
        #expect(Set(try again.db.tableNames()).isSuperset(of: [
            "batches", "files", "partitions", "leases", "counters", "queue_messages", "workers", "schema_migrations",
        ]))
    }

    @Test("several connections opening a new catalog at once all succeed, and it migrates once",
          arguments: Backend.allCases)
    func concurrentCreation(backend: Backend) throws {
        // The race is narrow (two connections both leaving rollback mode for WAL): on SQLite, try it often.
        let rounds = backend == .sqlite ? 40 : 2
        for round in 0..<rounds {
            let place = try CatalogPlace(backend, "race-\(round)")
            let outcomes = together(6) { _, start in
                start()
                do {
                    _ = try place.open()
                    return "ok"
                } catch {
                    return "\(error)"
                }
            }
            #expect(outcomes == Array(repeating: "ok", count: 6), "round \(round)")
            #expect(try place.independentQuery("SELECT COUNT(*) FROM schema_migrations") == "\(Migrations.all.count)")
        }
    }

    @Test("values come back as the same SQLValue cases on both servers", arguments: Backend.allCases)
    func valueTypes(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "types").open()
        var batch = CatalogTests.pendingRecord(id: "b1", sha: "s1")
        batch.bytes = 5_000_000_000  // past 32 bits
        try catalog.registerPending(batch)
        try catalog.db.run("UPDATE batches SET seconds = ?, error = ? WHERE batch_id = ?", 1.25, "it's \"quoted\" ?",
                           "b1")
        let row = try #require(try catalog.db.query(
            "SELECT bytes, seconds, error, supersedes, hour FROM batches WHERE batch_id = ? AND error LIKE '%?%'",
            "b1").first)
        #expect(row["bytes"] == .integer(5_000_000_000))
        #expect(row["seconds"] == .real(1.25))
        #expect(row["error"] == .text("it's \"quoted\" ?"))
        #expect(row["supersedes"] == .null)
        #expect(row["hour"] == .integer(5))
        // SUM of integers is numeric on PostgreSQL: it still reads as an integer.
        let sum = try catalog.db.query("SELECT SUM(bytes), COUNT(*), MAX(seconds) FROM batches")[0]
        #expect(sum[0] == .integer(5_000_000_000) && sum[1] == .integer(1) && sum[2] == .real(1.25))
        #expect(try catalog.batch(id: "b1")?.bytes == 5_000_000_000)
    }

    @Test("? placeholders become $N outside literals, identifiers and comments")
    func placeholders() {
        let sql = "SELECT '?', \"a?\" FROM t WHERE a = ? AND b = 'it''s ?' -- why?\nAND c = ? /* ? */ AND d IN (?, ?)"
        #expect(PostgresCatalogConnection.numberPlaceholders(sql)
                == "SELECT '?', \"a?\" FROM t WHERE a = $1 AND b = 'it''s ?' -- why?\nAND c = $2 /* ? */ AND d IN ($3, $4)")
    }

    @Test("migrations keep their meaning on PostgreSQL: 64-bit integers, byte-wise text")
    func migrationDialect() {
        let sql = Migrations.sql("CREATE TABLE t (a INTEGER NOT NULL, b TEXT, c DOUBLE PRECISION, d_integer TEXT)",
                                 for: .postgres)
        #expect(sql == #"CREATE TABLE t (a BIGINT NOT NULL, b TEXT COLLATE "C", c DOUBLE PRECISION, d_integer TEXT COLLATE "C")"#)
        #expect(Migrations.sql("x INTEGER", for: .sqlite) == "x INTEGER")
    }

    @Test("a commit records files, versions and a new partition data version", arguments: Backend.allCases)
    func commitRecords(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "commit").open()
        let batch = try pending(catalog, id: "b1", sha: "s1")
        let snapshot = try catalog.currentCommitSeq()
        let result = try catalog.commit(BatchCommit(
            batch: batch, files: [dataFile("b1", rows: 3)],
            versions: [ListingVersionKey(listingID: "1", modifiedAt: 1_547_355_600_000_000)],
            dimensionRows: [DimensionKey(table: "agency", naturalKey: "001.1", rowHash: "h")],
            schemas: [TableSchema(name: "flats", columns: [ColumnSchema(name: "listing_id", type: .text)])],
            snapshot: snapshot))
        #expect(result.commitSeq == 1)
        #expect(try catalog.currentCommitSeq() == 1)
        #expect(try catalog.batch(id: "b1")?.status == .committed)
        #expect(try catalog.versionOwner(ListingVersionKey(listingID: "1", modifiedAt: 1_547_355_600_000_000)) == "b1")
        let partitions = try catalog.partitions(table: "flats")
        #expect(partitions.count == 1 && partitions[0].rows == 3 && partitions[0].dataVersion == 1)
        #expect(try catalog.committedBatch(source: "src", sha256: "s1")?.batchID == "b1")
        #expect(try catalog.schemaVersions().count == 1)
        #expect(try catalog.lineage(batchID: "b1").map(\.childFileID) == ["b1.csv"])
        #expect(try catalog.dimensionState(table: "agency", naturalKey: "001.1")?.batchID == "b1")
    }

    @Test("a batch that overlaps one committed after it started gets a conflict and commits nothing",
          arguments: Backend.allCases)
    func conflicts(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "conflict").open()
        let first = try pending(catalog, id: "b1", sha: "s1", name: "a.zip")
        let second = try pending(catalog, id: "b2", sha: "s2", name: "b.zip")
        let snapshot = try catalog.currentCommitSeq()
        let version = ListingVersionKey(listingID: "7", modifiedAt: 1)
        _ = try catalog.commit(BatchCommit(batch: first, files: [dataFile("b1", rows: 1)], versions: [version],
                                           dimensionRows: [], schemas: [], snapshot: snapshot))
        #expect(throws: CommitConflict.self) {
            _ = try catalog.commit(BatchCommit(batch: second, files: [dataFile("b2", rows: 1)], versions: [version],
                                               dimensionRows: [], schemas: [], snapshot: snapshot))
        }
        #expect(try catalog.batch(id: "b2")?.status == .pending)
        #expect(try catalog.files(batchID: "b2").isEmpty)
        #expect(try catalog.partitions(table: "flats")[0].rows == 1)
        #expect(try catalog.currentCommitSeq() == 1)  // the refused commit's number was rolled back
    }

    @Test("a large commit stores every key once, the last row of a repeated key winning; a late overlap conflicts",
          arguments: Backend.allCases)
    func largeCommit(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "large").open()
        let first = try pending(catalog, id: "b1", sha: "s1", name: "a.zip")
        let second = try pending(catalog, id: "b2", sha: "s2", name: "b.zip")
        let versions = (0..<1_200).map { ListingVersionKey(listingID: "\($0)", modifiedAt: 1_547_355_600_000_000 + Int64($0)) }
        var keys = (0..<1_100).map { DimensionKey(table: $0 % 2 == 0 ? "agency" : "address", naturalKey: "k\($0)", rowHash: "h") }
        keys.append(DimensionKey(table: "agency", naturalKey: "k0", rowHash: "last"))
        _ = try catalog.commit(BatchCommit(batch: first, files: [dataFile("b1", rows: 1_200)], versions: versions,
                                           dimensionRows: keys, schemas: [], snapshot: 0))
        #expect(try catalog.db.query("SELECT COUNT(*) FROM listing_versions")[0][0] == .integer(1_200))
        #expect(try catalog.db.query("SELECT COUNT(*) FROM dimension_keys")[0][0] == .integer(1_100))
        #expect(try catalog.dimensionState(table: "agency", naturalKey: "k0")?.rowHash == "last")
        let states = try catalog.dimensionStates(table: "agency", naturalKeys: (0..<1_100).map { "k\($0)" } + ["nope"])
        #expect(states.count == 550 && states["k0"]?.rowHash == "last" && states["k2"]?.batchID == "b1")
        #expect(states["k1"] == nil && states["nope"] == nil)
        #expect(try catalog.versionOwner(versions[1_199]) == "b1")

        let late = #expect(throws: CommitConflict.self) {
            _ = try catalog.commit(BatchCommit(
                batch: second, files: [dataFile("b2", rows: 1)],
                versions: (2_000..<2_700).map { ListingVersionKey(listingID: "\($0)", modifiedAt: 1) } + [versions[1_150]],
                dimensionRows: [], schemas: [], snapshot: 0))
        }
        #expect(late?.detail.contains("listing 1150") == true)
        let lateKey = #expect(throws: CommitConflict.self) {
            _ = try catalog.commit(BatchCommit(
                batch: second, files: [dataFile("b2", rows: 1)], versions: [],
                dimensionRows: (0..<600).map { DimensionKey(table: "address", naturalKey: "new\($0)", rowHash: "h") }
                    + [DimensionKey(table: "address", naturalKey: "k1099", rowHash: "h2")],
                schemas: [], snapshot: 0))
        }
        #expect(lateKey?.detail.contains("address key k1099") == true)
        #expect(try catalog.db.query("SELECT COUNT(*) FROM listing_versions")[0][0] == .integer(1_200))
    }

    @Test("superseding retires the old batch's files and bumps the partition version", arguments: Backend.allCases)
    func supersedes(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "supersede").open()
        let first = try pending(catalog, id: "b1", sha: "s1")
        _ = try catalog.commit(BatchCommit(batch: first, files: [dataFile("b1", rows: 4)],
                                           versions: [ListingVersionKey(listingID: "1", modifiedAt: 1)],
                                           dimensionRows: [], schemas: [], snapshot: 0))
        try catalog.markPublished(batchID: "b1")
        var second = try pending(catalog, id: "b2", sha: "s2")
        second.supersedes = "b1"
        let result = try catalog.commit(BatchCommit(batch: second, files: [dataFile("b2", rows: 2)], versions: [],
                                                    dimensionRows: [], schemas: [], snapshot: 1))
        #expect(result.retiredFiles.map(\.fileID) == ["b1.csv"])
        #expect(try catalog.batch(id: "b1")?.status == .superseded)
        #expect(try catalog.versionOwner(ListingVersionKey(listingID: "1", modifiedAt: 1)) == nil)
        let partition = try #require(try catalog.partitions(table: "flats").first)
        #expect(partition.rows == 2 && partition.dataVersion == 2)
    }

    @Test("only pending batches whose lease expired are reported for recovery", arguments: Backend.allCases)
    func expiredLeases(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "lease").open()
        _ = try pending(catalog, id: "live", sha: "s1")
        var dead = BatchRecord(batchID: "dead", source: "src", fileName: "g.zip", inputURI: "g.zip", sha256: "s2",
                               bytes: 1, partition: CatalogTests.hour, hourRule: .option, status: .pending,
                               startedAt: Catalog.now())
        dead.leaseUntil = Catalog.now(offsetSeconds: -1)
        try catalog.registerPending(dead)
        #expect(try catalog.expiredPendingBatches(now: Catalog.now()).map(\.batchID) == ["dead"])
    }

    @Test("a lease is held by one owner until it expires, released, or its holder is gone",
          arguments: Backend.allCases)
    func leases(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "leases").open()
        #expect(try catalog.acquireLease("compact:flats", owner: "a", seconds: 60))
        #expect(try !catalog.acquireLease("compact:flats", owner: "b", seconds: 60))
        #expect(try catalog.acquireLease("compact:flats", owner: "a", seconds: 60))  // renewal
        #expect(try catalog.acquireLease("compact:flats", owner: "b", seconds: 60, isGone: { $0 == "a" }))
        #expect(try !catalog.acquireLease("compact:flats", owner: "a", seconds: 60))
        try catalog.releaseLease("compact:flats", owner: "b")
        #expect(try catalog.acquireLease("compact:flats", owner: "c", seconds: -1))  // taken, already expired
        #expect(try catalog.acquireLease("compact:flats", owner: "d", seconds: 60))  // so anyone may take it
        #expect(try catalog.db.query("SELECT owner FROM leases")[0]["owner"] == .text("d"))
    }

    @Test("several leases are taken all together or not at all, and released together", arguments: Backend.allCases)
    func leaseSets(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "lease-sets").open()
        #expect(try catalog.acquireLease("manifest:flats/h2", owner: "b", seconds: 60))
        // One of three is held by b: a takes none, not even the two free ones.
        #expect(try !catalog.acquireLeases(["manifest:flats/h1", "manifest:flats/h2", "manifest:flats/h3"],
                                           owner: "a", seconds: 60))
        #expect(try catalog.db.query("SELECT name, owner FROM leases ORDER BY name").map { $0["owner"] } == [.text("b")])
        #expect(try catalog.acquireLease("manifest:flats/h1", owner: "c", seconds: 60))
        try catalog.releaseLease("manifest:flats/h2", owner: "b")
        try catalog.releaseLease("manifest:flats/h1", owner: "c")
        #expect(try catalog.acquireLeases(["manifest:flats/h1", "manifest:flats/h2", "manifest:flats/h3"],
                                          owner: "a", seconds: 60))
        #expect(try catalog.db.query("SELECT owner FROM leases").map { $0["owner"] } == Array(repeating: .text("a"), count: 3))
        try catalog.releaseLeases(["manifest:flats/h1", "manifest:flats/h3"], owner: "a")
        #expect(try catalog.db.query("SELECT name FROM leases").map { $0["name"] } == [.text("manifest:flats/h2")])
    }

    @Test("an unflushed transaction commits like any other, seen by a second path; SQLite is FULL again after it",
          arguments: Backend.allCases)
    func unflushedTransaction(backend: Backend) throws {
        let place = try CatalogPlace(backend, "unflushed")
        let catalog = try place.open()
        #expect(try catalog.acquireLeases(["manifest:flats/h1"], owner: "a", seconds: 60))
        #expect(try place.independentQuery("SELECT name, owner FROM leases") == "manifest:flats/h1|a")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try catalog.transaction("failing", flushed: false) {
                try catalog.db.run("DELETE FROM leases")
                throw Boom()
            }
        }
        #expect(try place.independentQuery("SELECT count(*) FROM leases") == "1")
        if backend == .sqlite {
            // 2 is FULL: every later commit is on disk when it returns, and flushes the unflushed ones before it.
            #expect(try catalog.db.query("PRAGMA synchronous").first?[0] == .integer(2))
            try catalog.transaction("outer") {
                try catalog.transaction("joined", flushed: false) { try catalog.db.run("DELETE FROM leases") }
                #expect(try catalog.db.query("PRAGMA synchronous").first?[0] == .integer(2))
            }
        } else {
            try catalog.releaseLeases(["manifest:flats/h1"], owner: "a")
        }
        #expect(try place.independentQuery("SELECT count(*) FROM leases") == "0")
    }

    @Test("claiming a content registers it once; committed and live pending contents are reported",
          arguments: Backend.allCases)
    func claims(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "claim").open()
        guard case .claimed = try catalog.claim(CatalogTests.pendingRecord(id: "b1", sha: "s1")) else {
            Issue.record("first claim refused")
            return
        }
        guard case .inProgress(let running) = try catalog.claim(CatalogTests.pendingRecord(id: "b2", sha: "s1")) else {
            Issue.record("second claim of a live pending content went through")
            return
        }
        #expect(running.batchID == "b1")
        // Its owner is gone: the content may be claimed again.
        guard case .claimed = try catalog.claim(CatalogTests.pendingRecord(id: "b3", sha: "s1"),
                                                isGone: { $0.batchID == "b1" }) else {
            Issue.record("a dead owner's pending batch blocked the content")
            return
        }
        _ = try catalog.commit(BatchCommit(batch: CatalogTests.pendingRecord(id: "b3", sha: "s1"), files: [],
                                           versions: [], dimensionRows: [], schemas: [], snapshot: 0))
        guard case .alreadyCommitted(let done) = try catalog.claim(CatalogTests.pendingRecord(id: "b4", sha: "s1"))
        else {
            Issue.record("a committed content was claimed again")
            return
        }
        #expect(done.batchID == "b3")
    }

    @Test("a batch keeps its S3 ETag", arguments: Backend.allCases)
    func sourceETag(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "etag").open()
        var batch = CatalogTests.pendingRecord(id: "b1", sha: "s1")
        batch.sourceETag = "\"9b2cf535f27731c974343645a3985328\""
        try catalog.registerPending(batch)
        #expect(try catalog.batch(id: "b1")?.sourceETag == "\"9b2cf535f27731c974343645a3985328\"")
        _ = try pending(catalog, id: "b2", sha: "s2")
        #expect(try catalog.batch(id: "b2")?.sourceETag == nil)
    }

    @Test("queue messages are upserted by (queue, id): first seen kept, receive count never goes down",
          arguments: Backend.allCases)
    func queueMessages(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "queue").open()
        try catalog.recordMessage(QueueMessageRecord(queue: "q", messageID: "m1", receiveCount: 2, status: .failed,
                                                     reason: "disk full", firstSeen: "2019-01-13T05:00:00.000Z",
                                                     lastSeen: "2019-01-13T05:00:00.000Z"))
        try catalog.recordMessage(QueueMessageRecord(queue: "q", messageID: "m1", receiveCount: 1, status: .done,
                                                     batchIDs: ["b1", "b2"], firstSeen: "2019-01-13T06:00:00.000Z",
                                                     lastSeen: "2019-01-13T06:00:00.000Z"))
        try catalog.recordMessage(QueueMessageRecord(queue: "q", messageID: "m2", receiveCount: 5, status: .dead,
                                                     reason: "not a ZIP", firstSeen: "2019-01-13T05:30:00.000Z",
                                                     lastSeen: "2019-01-13T05:30:00.000Z"))
        let m1 = try #require(try catalog.message(queue: "q", id: "m1"))
        #expect(m1 == QueueMessageRecord(queue: "q", messageID: "m1", receiveCount: 2, status: .done,
                                         batchIDs: ["b1", "b2"], firstSeen: "2019-01-13T05:00:00.000Z",
                                         lastSeen: "2019-01-13T06:00:00.000Z"))
        #expect(try catalog.message(queue: "other", id: "m1") == nil)
        #expect(try catalog.messages(status: .dead).map(\.messageID) == ["m2"])
        #expect(try catalog.messages().map(\.messageID) == ["m2", "m1"])
    }

    @Test("a worker's heartbeat inserts it once and then updates it; old ones drop out of the recent list",
          arguments: Backend.allCases)
    func workers(backend: Backend) throws {
        let catalog = try CatalogPlace(backend, "workers").open()
        var w = WorkerRecord(workerID: "h1:42", host: "h1", pid: 42, queue: "q", startedAt: "2019-01-13T05:00:00.000Z",
                             lastSeen: "2019-01-13T05:00:00.000Z", state: "idle")
        try catalog.heartbeat(w)
        w.lastSeen = "2019-01-13T05:01:00.000Z"
        w.state = "ingesting"
        w.batches = 3
        w.lastError = "SQS: throttled"
        w.startedAt = "2019-01-13T05:00:59.000Z"  // not taken: started_at is kept from the first beat
        try catalog.heartbeat(w)
        try catalog.heartbeat(WorkerRecord(workerID: "h2:7", host: "h2", pid: 7, startedAt: "2019-01-13T04:00:00.000Z",
                                           lastSeen: "2019-01-13T04:00:00.000Z", state: "stopped"))
        let recent = try catalog.workers(seenSince: "2019-01-13T04:30:00.000Z")
        #expect(recent.count == 1)
        #expect(recent.first == WorkerRecord(workerID: "h1:42", host: "h1", pid: 42, queue: "q",
                                             startedAt: "2019-01-13T05:00:00.000Z", lastSeen: "2019-01-13T05:01:00.000Z",
                                             state: "ingesting", batches: 3, lastError: "SQS: throttled"))
        #expect(try catalog.workers(seenSince: "2019-01-01T00:00:00.000Z").map(\.workerID) == ["h1:42", "h2:7"])
    }

    @Test("a catalog copies into an empty one of either kind and compares equal; a changed row shows",
          arguments: [(Backend.sqlite, Backend.postgres), (.postgres, .sqlite), (.sqlite, .sqlite)])
    func copyAndCompare(from: Backend, to: Backend) throws {
        let source = try CatalogPlace(from, "copy-from").open()
        let b1 = try pending(source, id: "b1", sha: "s1")
        _ = try source.commit(BatchCommit(
            batch: b1, files: [dataFile("b1", rows: 3)],
            versions: (0..<20).map { ListingVersionKey(listingID: "\($0)", modifiedAt: 1_547_355_600_000_000 + Int64($0)) },
            dimensionRows: [DimensionKey(table: "agency", naturalKey: "001.377811", rowHash: "h")],
            schemas: [TableSchema(name: "flats", columns: [ColumnSchema(name: "listing_id", type: .text)])],
            snapshot: 0))
        try source.db.run("UPDATE batches SET seconds = 0.1 WHERE batch_id = 'b1'")
        try source.heartbeat(WorkerRecord(workerID: "w", host: "h", pid: 1, startedAt: Catalog.now(),
                                          lastSeen: Catalog.now(), state: "idle"))
        let targetPlace = try CatalogPlace(to, "copy-to")
        let target = try targetPlace.open()
        let copied = try target.copy(from: source, replacing: false)
        #expect(copied["listing_versions"] == 20 && copied["batches"] == 1 && copied["counters"] == 1)
        #expect(try Catalog.compare(source, target).allSatisfy(\.isEqual))
        #expect(try targetPlace.independentQuery("SELECT COUNT(*) FROM listing_versions") == "20")
        #expect(try target.currentCommitSeq() == 1)
        #expect(try target.batch(id: "b1")?.seconds == 0.1)

        // A second copy into the now non-empty target is refused and changes nothing...
        let refusal = #expect(throws: LakeError.self) { try target.copy(from: source, replacing: false) }
        #expect(refusal?.code == .usage)
        // ...unless it replaces the contents.
        #expect(try target.copy(from: source, replacing: true)["listing_versions"] == 20)

        try target.db.run("UPDATE files SET rows = 4")
        let differing = try Catalog.compare(source, target).filter { !$0.isEqual }
        #expect(differing.map(\.table) == ["files"])
        #expect(differing.first?.rowsFrom == 1 && differing.first?.rowsTo == 1)
    }
}
