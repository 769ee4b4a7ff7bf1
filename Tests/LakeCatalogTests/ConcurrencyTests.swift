import Foundation
import LakeCore
import TestSupport
import Testing
@testable import LakeCatalog

/// Several connections writing at once, each on a thread of its own with its own connection, as several
/// processes on several hosts would. On PostgreSQL these are the races SQLite's single writer used to hide.
@Suite("catalog under concurrent writers", .serialized)
struct ConcurrencyTests {
    static let writers = 8

    @Test("writers claiming the same content at once: exactly one registers it", arguments: Backend.allCases)
    func sameContentClaimedOnce(backend: Backend) throws {
        let place = try CatalogPlace(backend, "claim-race")
        _ = try place.open()
        let outcomes = together(Self.writers) { i, start in
            let catalog = try? place.open()
            start()
            guard let catalog else { return "no connection" }
            do {
                switch try catalog.claim(CatalogTests.pendingRecord(id: "b\(i)", sha: "same")) {
                case .claimed: return "claimed"
                case .inProgress: return "in progress"
                case .alreadyCommitted: return "committed"
                }
            } catch {
                return "\(error)"
            }
        }
        #expect(outcomes.filter { $0 == "claimed" }.count == 1, "\(outcomes)")
        #expect(outcomes.filter { $0 == "in progress" }.count == Self.writers - 1, "\(outcomes)")
        #expect(try place.independentQuery("SELECT COUNT(*) FROM batches WHERE sha256 = 'same'") == "1")
    }

    @Test("writers committing the same content at once: exactly one commit, the others get a conflict",
          arguments: Backend.allCases)
    func sameContentCommittedOnce(backend: Backend) throws {
        let place = try CatalogPlace(backend, "commit-race")
        let setup = try place.open()
        for i in 0..<Self.writers {
            try setup.registerPending(CatalogTests.pendingRecord(id: "b\(i)", sha: "same", name: "f\(i).zip"))
        }
        let outcomes = together(Self.writers) { i, start in
            let catalog = try? place.open()
            start()
            guard let catalog else { return "no connection" }
            do {
                _ = try catalog.commit(BatchCommit(
                    batch: CatalogTests.pendingRecord(id: "b\(i)", sha: "same", name: "f\(i).zip"),
                    files: [CatalogTests.dataFile("b\(i)", rows: 1)], versions: [], dimensionRows: [], schemas: [],
                    snapshot: 0))
                return "committed"
            } catch is CommitConflict {
                return "conflict"
            } catch {
                return "\(error)"
            }
        }
        #expect(outcomes.filter { $0 == "committed" }.count == 1, "\(outcomes)")
        #expect(outcomes.filter { $0 == "conflict" }.count == Self.writers - 1, "\(outcomes)")
        #expect(try place.independentQuery("SELECT COUNT(*) FROM batches WHERE status = 'committed'") == "1")
        #expect(try place.independentQuery("SELECT COUNT(*) FROM files") == "1")
        #expect(try place.independentQuery("SELECT value FROM counters WHERE name = 'commit_seq'") == "1")
    }

    @Test("writers storing the same listing version and dimension key at once: one owner, the rest conflict",
          arguments: Backend.allCases)
    func overlappingKeysOneOwner(backend: Backend) throws {
        let place = try CatalogPlace(backend, "keys-race")
        let setup = try place.open()
        for i in 0..<Self.writers {
            try setup.registerPending(CatalogTests.pendingRecord(id: "b\(i)", sha: "s\(i)", name: "f\(i).zip"))
        }
        let outcomes = together(Self.writers) { i, start in
            let catalog = try? place.open()
            start()
            guard let catalog else { return "no connection" }
            do {
                // Odd writers share only the dimension key, even ones only the listing version: both kinds of
                // ownership are contended.
                _ = try catalog.commit(BatchCommit(
                    batch: CatalogTests.pendingRecord(id: "b\(i)", sha: "s\(i)", name: "f\(i).zip"),
                    files: [CatalogTests.dataFile("b\(i)", rows: 1)],
                    versions: i % 2 == 0 ? [ListingVersionKey(listingID: "110990173", modifiedAt: 1)] : [],
                    dimensionRows: i % 2 == 1 ? [DimensionKey(table: "agency", naturalKey: "001.1", rowHash: "h\(i)")] : [],
                    schemas: [], snapshot: 0))
                return "committed"
            } catch is CommitConflict {
                return "conflict"
            } catch {
                return "\(error)"
            }
        }
        #expect(outcomes.filter { $0 == "committed" }.count == 2, "\(outcomes)")
        #expect(outcomes.filter { $0 == "conflict" }.count == Self.writers - 2, "\(outcomes)")
        #expect(try place.independentQuery("SELECT COUNT(*) FROM listing_versions") == "1")
        #expect(try place.independentQuery("SELECT COUNT(*) FROM dimension_keys") == "1")
        // The owners recorded are batches that committed.
        #expect(try place.independentQuery("""
            SELECT COUNT(*) FROM batches b JOIN dimension_keys d ON d.batch_id = b.batch_id
            WHERE b.status = 'committed'
            """) == "1")
    }

    @Test("commits of different batches at once get distinct sequence numbers and all bump the partition",
          arguments: Backend.allCases)
    func commitSequenceUnderContention(backend: Backend) throws {
        let place = try CatalogPlace(backend, "seq-race")
        let setup = try place.open()
        let perWriter = 4
        for i in 0..<Self.writers * perWriter {
            try setup.registerPending(CatalogTests.pendingRecord(id: "b\(i)", sha: "s\(i)", name: "f\(i).zip"))
        }
        let sequences = together(Self.writers) { w, start in
            let catalog = try? place.open()
            start()
            guard let catalog else { return [Int64]() }
            var seen: [Int64] = []
            for k in 0..<perWriter {
                let i = w * perWriter + k
                if let result = try? catalog.commit(BatchCommit(
                    batch: CatalogTests.pendingRecord(id: "b\(i)", sha: "s\(i)", name: "f\(i).zip"),
                    files: [CatalogTests.dataFile("b\(i)", rows: 1)],
                    versions: [ListingVersionKey(listingID: "\(i)", modifiedAt: 1)], dimensionRows: [], schemas: [],
                    snapshot: 0)) {
                    seen.append(result.commitSeq)
                }
            }
            return seen
        }
        let all = sequences.flatMap { $0 }.sorted()
        let total = Self.writers * perWriter
        #expect(all == (1...Int64(total)).map { $0 })
        #expect(try place.independentQuery("SELECT value FROM counters WHERE name = 'commit_seq'") == "\(total)")
        #expect(try place.independentQuery(
            "SELECT data_version || ' ' || rows || ' ' || files FROM partitions WHERE table_name = 'flats'")
                == "\(total) \(total) \(total)")
        #expect(try place.independentQuery("SELECT COUNT(DISTINCT commit_seq) FROM batches WHERE status = 'committed'")
                == "\(total)")
    }

    @Test("takers of one lease at once: exactly one wins", arguments: Backend.allCases)
    func oneLeaseWinner(backend: Backend) throws {
        let place = try CatalogPlace(backend, "lease-race")
        _ = try place.open()
        for round in 0..<3 {
            let outcomes = together(Self.writers) { i, start in
                let catalog = try? place.open()
                start()
                guard let catalog else { return "no connection" }
                do {
                    return try catalog.acquireLease("compact:flats/\(round)", owner: "w\(i)", seconds: 60) ? "won" : "lost"
                } catch {
                    return "\(error)"
                }
            }
            #expect(outcomes.filter { $0 == "won" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == "lost" }.count == Self.writers - 1, "\(outcomes)")
            let holder = try place.independentQuery("SELECT owner FROM leases WHERE name = 'compact:flats/\(round)'")
            #expect(holder == "w\(outcomes.firstIndex(of: "won") ?? -1)")
        }
    }

    @Test("takers of an expired lease at once: exactly one takes it over", arguments: Backend.allCases)
    func expiredLeaseTakenOnce(backend: Backend) throws {
        let place = try CatalogPlace(backend, "lease-expired")
        let setup = try place.open()
        #expect(try setup.acquireLease("manifest:flats", owner: "dead", seconds: -5))
        let outcomes = together(Self.writers) { i, start in
            let catalog = try? place.open()
            start()
            guard let catalog else { return false }
            return (try? catalog.acquireLease("manifest:flats", owner: "w\(i)", seconds: 60)) ?? false
        }
        #expect(outcomes.filter { $0 }.count == 1, "\(outcomes)")
    }

    @Test("a transaction PostgreSQL aborts for overlapping another runs again and commits once")
    func serializationFailureIsRetried() throws {
        let place = try CatalogPlace(.postgres, "retry")
        let catalog = try place.open()
        let other = try place.open()
        var attempts = 0
        try catalog.transaction("testing the retry") {
            attempts += 1
            let value = try catalog.db.query("SELECT value FROM counters WHERE name = 'commit_seq'")[0][0].int ?? -1
            if attempts == 1 {
                // Another process commits a change to the row this transaction has read: writing it now would
                // lose that update, so the server refuses (40001) and the body runs again on fresh data.
                try other.db.run("UPDATE counters SET value = value + 10 WHERE name = 'commit_seq'")
            }
            try catalog.db.run("UPDATE counters SET value = ? WHERE name = 'commit_seq'", value + 1)
        }
        #expect(attempts == 2)
        #expect(try place.independentQuery("SELECT value FROM counters WHERE name = 'commit_seq'") == "11")
    }

    @Test("a transaction that keeps overlapping gives up as a temporary failure (exit 75), changing nothing")
    func retriesAreBounded() throws {
        let place = try CatalogPlace(.postgres, "retry-bound")
        let catalog = try place.open()
        let other = try place.open()
        (catalog.db as? PostgresCatalogConnection)?.maxAttempts = 3
        var attempts = 0
        let error = #expect(throws: LakeError.self) {
            try catalog.transaction("testing the bound") {
                attempts += 1
                _ = try catalog.db.query("SELECT value FROM counters WHERE name = 'commit_seq'")
                try other.db.run("UPDATE counters SET value = value + 1 WHERE name = 'commit_seq'")
                try catalog.db.run("UPDATE counters SET value = -1 WHERE name = 'commit_seq'")
            }
        }
        #expect(error?.code == .temporary)
        #expect(attempts == 3)
        #expect(try place.independentQuery("SELECT value FROM counters WHERE name = 'commit_seq'") == "3")
    }
}
