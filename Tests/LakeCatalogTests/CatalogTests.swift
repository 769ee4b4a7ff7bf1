import Foundation
import LakeCore
import TestSupport
import Testing
@testable import LakeCatalog

@Suite("catalog")
struct CatalogTests {
    let hour = PartitionKey(year: 2019, month: 1, day: 13, hour: 5)

    func pending(_ catalog: Catalog, id: String, sha: String, name: String = "f.zip") throws -> BatchRecord {
        var batch = BatchRecord(batchID: id, source: "src", fileName: name, inputURI: "in/\(name)", sha256: sha,
                                bytes: 10, partition: hour, hourRule: .fileName, status: .pending,
                                startedAt: Catalog.now())
        batch.leaseUntil = Catalog.now(offsetSeconds: 60)
        try catalog.registerPending(batch)
        return batch
    }

    func dataFile(_ batch: String, rows: Int) -> FileRecord {
        FileRecord(fileID: "\(batch).csv", batchID: batch, table: "flats", partition: hour, format: .csvGzip,
                   path: "clean/flats/\(hour.path)/part-\(batch).csv.gz", rows: rows, bytes: 100, sha256: "ab",
                   createdAt: Catalog.now())
    }

    @Test("a new catalog migrates once, and reopening changes nothing")
    func migrates() throws {
        let dir = TemporaryDirectory("catalog")
        let path = dir.file("nested/catalog.sqlite")
        _ = try Catalog(path: path)
        let again = try Catalog(path: path)
        let versions = try again.db.query("SELECT version FROM schema_migrations")
        #expect(versions.count == Migrations.all.count)
    }

    @Test("several processes opening a new catalog at once all succeed")
    func concurrentCreation() async throws {
        let dir = TemporaryDirectory("catalog-race")
        let path = dir.file("catalog.sqlite")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try Catalog(path: path) } }
            try await group.waitForAll()
        }
        let catalog = try Catalog(path: path)
        #expect(try catalog.db.query("SELECT version FROM schema_migrations").count == Migrations.all.count)
    }

    @Test("a commit records files, versions and a new partition data version")
    func commitRecords() throws {
        let dir = TemporaryDirectory("catalog-commit")
        let catalog = try Catalog(path: dir.file("c.sqlite"))
        let batch = try pending(catalog, id: "b1", sha: "s1")
        let snapshot = try catalog.currentCommitSeq()
        let result = try catalog.commit(BatchCommit(
            batch: batch, files: [dataFile("b1", rows: 3)],
            versions: [ListingVersionKey(listingID: "1", modifiedAt: 5)],
            dimensionRows: [DimensionKey(table: "agency", naturalKey: "001.1", rowHash: "h")],
            schemas: [TableSchema(name: "flats", columns: [ColumnSchema(name: "listing_id", type: .text)])],
            snapshot: snapshot))
        #expect(result.commitSeq == 1)
        #expect(try catalog.batch(id: "b1")?.status == .committed)
        #expect(try catalog.versionOwner(ListingVersionKey(listingID: "1", modifiedAt: 5)) == "b1")
        let partitions = try catalog.partitions(table: "flats")
        #expect(partitions.count == 1 && partitions[0].rows == 3 && partitions[0].dataVersion == 1)
        #expect(try catalog.committedBatch(source: "src", sha256: "s1")?.batchID == "b1")
        #expect(try catalog.schemaVersions().count == 1)
        #expect(try catalog.lineage(batchID: "b1").map(\.childFileID) == ["b1.csv"])
    }

    @Test("a batch that overlaps one committed after it started gets a conflict and commits nothing")
    func conflicts() throws {
        let dir = TemporaryDirectory("catalog-conflict")
        let catalog = try Catalog(path: dir.file("c.sqlite"))
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
    }

    @Test("superseding retires the old batch's files and bumps the partition version")
    func supersedes() throws {
        let dir = TemporaryDirectory("catalog-supersede")
        let catalog = try Catalog(path: dir.file("c.sqlite"))
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

    @Test("only pending batches whose lease expired are reported for recovery")
    func expiredLeases() throws {
        let dir = TemporaryDirectory("catalog-lease")
        let catalog = try Catalog(path: dir.file("c.sqlite"))
        _ = try pending(catalog, id: "live", sha: "s1")
        var dead = BatchRecord(batchID: "dead", source: "src", fileName: "g.zip", inputURI: "g.zip", sha256: "s2",
                               bytes: 1, partition: hour, hourRule: .option, status: .pending, startedAt: Catalog.now())
        dead.leaseUntil = Catalog.now(offsetSeconds: -1)
        try catalog.registerPending(dead)
        #expect(try catalog.expiredPendingBatches(now: Catalog.now()).map(\.batchID) == ["dead"])
    }
}
