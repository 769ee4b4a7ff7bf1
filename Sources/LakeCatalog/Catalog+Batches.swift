public import LakeCore

/// Raised inside a commit when another process committed an overlapping listing version or dimension key after
/// this batch started; the caller discards its staging and transforms again.
public struct CommitConflict: Error, Sendable, CustomStringConvertible {
    public var detail: String
    public var description: String { "commit conflict: \(detail)" }
}

/// Everything one batch commit records, in one transaction.
public struct BatchCommit: Sendable {
    public var batch: BatchRecord
    public var files: [FileRecord]
    public var versions: [ListingVersionKey]
    public var dimensionRows: [DimensionKey]
    public var schemas: [TableSchema]
    /// The commit sequence number seen when the batch started; later commits are checked for overlap.
    public var snapshot: Int64

    public init(batch: BatchRecord, files: [FileRecord], versions: [ListingVersionKey], dimensionRows: [DimensionKey],
                schemas: [TableSchema], snapshot: Int64) {
        self.batch = batch
        self.files = files
        self.versions = versions
        self.dimensionRows = dimensionRows
        self.schemas = schemas
        self.snapshot = snapshot
    }
}

/// A fact version's identity: (listing id, modification time in µs).
public struct ListingVersionKey: Sendable, Hashable {
    public var listingID: String
    public var modifiedAt: Int64
    public init(listingID: String, modifiedAt: Int64) {
        self.listingID = listingID
        self.modifiedAt = modifiedAt
    }
}

/// A dimension row's identity and content hash.
public struct DimensionKey: Sendable, Hashable {
    public var table: String
    public var naturalKey: String
    public var rowHash: String
    public init(table: String, naturalKey: String, rowHash: String) {
        self.table = table
        self.naturalKey = naturalKey
        self.rowHash = rowHash
    }
}

/// What a commit changed, for the publish step.
public struct CommitResult: Sendable {
    public var commitSeq: Int64
    /// Files of a superseded batch, retired by this commit, to move to `_trash/`.
    public var retiredFiles: [FileRecord]
    /// Partitions whose manifest must be rewritten.
    public var touchedPartitions: [TablePartition]
}

/// A (table, partition) pair.
public struct TablePartition: Sendable, Hashable, Comparable {
    public var table: String
    public var partition: PartitionKey
    public init(table: String, partition: PartitionKey) {
        self.table = table
        self.partition = partition
    }
    public static func < (a: TablePartition, b: TablePartition) -> Bool {
        (a.table, a.partition) < (b.table, b.partition)
    }
}

extension Catalog {
    // MARK: Batches

    static let batchColumns = """
        batch_id, source, file_name, input_uri, sha256, bytes, dt, hour, hour_rule, status, owner_host, owner_pid,
        lease_until, supersedes, superseded_by, records, good, bad, duplicates, known_versions, blank_lines,
        uncompressed_bytes, null_counts, error, started_at, committed_at, published_at, seconds, source_etag
        """

    static func batch(from row: SQLRow) -> BatchRecord {
        let partition = PartitionKey.parse("dt=\(row["dt"].string ?? "")/hour=\(pad(Int(row["hour"].int ?? 0), 2))")
            ?? PartitionKey(year: 1970, month: 1, day: 1, hour: 0)
        var record = BatchRecord(
            batchID: row["batch_id"].string ?? "", source: row["source"].string ?? "",
            fileName: row["file_name"].string ?? "", inputURI: row["input_uri"].string ?? "",
            sha256: row["sha256"].string ?? "", bytes: row["bytes"].int ?? 0, partition: partition,
            hourRule: HourRule(rawValue: row["hour_rule"].string ?? "") ?? .ingestTime,
            status: BatchStatus(rawValue: row["status"].string ?? "") ?? .failed,
            startedAt: row["started_at"].string ?? "")
        record.ownerHost = row["owner_host"].string
        record.ownerPID = row["owner_pid"].int.map(Int.init)
        record.leaseUntil = row["lease_until"].string
        record.supersedes = row["supersedes"].string
        record.supersededBy = row["superseded_by"].string
        record.counts.records = Int(row["records"].int ?? 0)
        record.counts.good = Int(row["good"].int ?? 0)
        record.counts.bad = Int(row["bad"].int ?? 0)
        record.counts.duplicates = Int(row["duplicates"].int ?? 0)
        record.counts.knownVersions = Int(row["known_versions"].int ?? 0)
        record.counts.blankLines = Int(row["blank_lines"].int ?? 0)
        record.counts.uncompressedBytes = row["uncompressed_bytes"].int ?? 0
        record.nullCounts = decodeCounts(row["null_counts"].string)
        record.error = row["error"].string
        record.committedAt = row["committed_at"].string
        record.publishedAt = row["published_at"].string
        record.seconds = row["seconds"].double
        record.sourceETag = row["source_etag"].string
        return record
    }

    /// The committed or published batch with this content, if any.
    public func committedBatch(source: String, sha256: String) throws -> BatchRecord? {
        try db.query("""
            SELECT \(Catalog.batchColumns) FROM batches
            WHERE source = ? AND sha256 = ? AND status IN ('committed', 'published', 'superseded')
            ORDER BY started_at DESC LIMIT 1
            """, source, sha256).first.map(Catalog.batch(from:))
    }

    /// The batch that landed an S3 object with this ETag, if any: a redelivered notification needs no download.
    public func committedBatch(inputURI: String, etag: String) throws -> BatchRecord? {
        try db.query("""
            SELECT \(Catalog.batchColumns) FROM batches
            WHERE input_uri = ? AND source_etag = ? AND status IN ('committed', 'published', 'superseded')
            ORDER BY started_at DESC LIMIT 1
            """, inputURI, etag).first.map(Catalog.batch(from:))
    }

    /// A pending batch with this content, if any (another process may be ingesting it).
    public func pendingBatch(source: String, sha256: String) throws -> BatchRecord? {
        try db.query("SELECT \(Catalog.batchColumns) FROM batches WHERE source = ? AND sha256 = ? AND status = 'pending'",
                     source, sha256).first.map(Catalog.batch(from:))
    }

    /// The live (committed or published) batch for this source and file name: the one a new content supersedes.
    public func liveBatch(source: String, fileName: String) throws -> BatchRecord? {
        try db.query("""
            SELECT \(Catalog.batchColumns) FROM batches
            WHERE source = ? AND file_name = ? AND status IN ('committed', 'published')
            ORDER BY commit_seq DESC LIMIT 1
            """, source, fileName).first.map(Catalog.batch(from:))
    }

    public func batch(id: String) throws -> BatchRecord? {
        try db.query("SELECT \(Catalog.batchColumns) FROM batches WHERE batch_id = ?", id).first
            .map(Catalog.batch(from:))
    }

    public func batches(status: BatchStatus? = nil, limit: Int = 1_000_000) throws -> [BatchRecord] {
        if let status {
            return try db.query("SELECT \(Catalog.batchColumns) FROM batches WHERE status = ? ORDER BY started_at, batch_id LIMIT ?",
                                status.rawValue, limit).map(Catalog.batch(from:))
        }
        return try db.query("SELECT \(Catalog.batchColumns) FROM batches ORDER BY started_at, batch_id LIMIT ?", limit)
            .map(Catalog.batch(from:))
    }

    /// Registers a batch as `pending`, owned by this process until `leaseUntil`.
    public func registerPending(_ batch: BatchRecord) throws {
        try transaction("registering batch \(batch.batchID)") { try insertPending(batch) }
    }

    private func insertPending(_ batch: BatchRecord) throws {
        try db.run("""
            INSERT INTO batches (batch_id, source, file_name, input_uri, sha256, bytes, dt, hour, hour_rule,
                status, owner_host, owner_pid, lease_until, started_at, source_etag)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
            """, batch.batchID, batch.source, batch.fileName, batch.inputURI, batch.sha256, batch.bytes,
                   batch.partition.dateString, batch.partition.hour, batch.hourRule.rawValue, batch.ownerHost,
                   batch.ownerPID, batch.leaseUntil, batch.startedAt, batch.sourceETag)
    }

    /// What `claim` found.
    public enum BatchClaim: Sendable {
        /// The batch is registered as pending and belongs to the caller.
        case claimed
        /// This content is committed already (as this batch): nothing to do.
        case alreadyCommitted(BatchRecord)
        /// Another live owner holds a pending batch of this content.
        case inProgress(BatchRecord)
    }

    /// Registers `batch` as pending unless its content is committed already or another owner holds a live
    /// (unexpired, not gone) pending batch of it: check and insert in one transaction, so of several processes
    /// claiming the same content at once exactly one gets `.claimed`.
    /// - Parameter isGone: whether a pending batch's owner is known dead (its lease then counts as expired).
    public func claim(_ batch: BatchRecord, now: String = Catalog.now(),
                      isGone: (BatchRecord) -> Bool = { _ in false }) throws -> BatchClaim {
        try transaction("registering batch \(batch.batchID)") {
            if let done = try committedBatch(source: batch.source, sha256: batch.sha256) {
                return .alreadyCommitted(done)
            }
            let running = try db.query("""
                SELECT \(Catalog.batchColumns) FROM batches
                WHERE source = ? AND sha256 = ? AND status = 'pending' AND lease_until >= ?
                ORDER BY started_at, batch_id
                """, batch.source, batch.sha256, now).map(Catalog.batch(from:))
            if let other = running.first(where: { !isGone($0) }) { return .inProgress(other) }
            try insertPending(batch)
            return .claimed
        }
    }

    /// Extends the lease of a pending batch this process owns. Unflushed, as every lease.
    public func renewLease(batchID: String, until: String) throws {
        try transaction("renewing the lease of batch \(batchID)", flushed: false) {
            try db.run("UPDATE batches SET lease_until = ? WHERE batch_id = ? AND status = 'pending'", until, batchID)
        }
    }

    /// Marks a batch failed (refused as a whole or abandoned) with its reason.
    public func markFailed(batchID: String, error: String) throws {
        try transaction("recording the failure of batch \(batchID)") {
            try db.run("UPDATE batches SET status = 'failed', error = ?, lease_until = NULL WHERE batch_id = ? AND status = 'pending'",
                       error, batchID)
        }
    }

    /// Pending batches whose lease expired before `now`: their owner died.
    public func expiredPendingBatches(now: String) throws -> [BatchRecord] {
        try db.query("SELECT \(Catalog.batchColumns) FROM batches WHERE status = 'pending' AND lease_until < ?", now)
            .map(Catalog.batch(from:))
    }

    public func currentCommitSeq() throws -> Int64 {
        try db.query("SELECT value FROM counters WHERE name = 'commit_seq'").first?[0].int ?? 0
    }

    // MARK: Idempotency keys

    /// The batch that stored this listing version, if any.
    public func versionOwner(_ key: ListingVersionKey) throws -> String? {
        try db.query("SELECT batch_id FROM listing_versions WHERE listing_id = ? AND modified_at = ?",
                     key.listingID, key.modifiedAt).first?[0].string
    }

    /// The stored hash and owning batch of a dimension key, if any.
    public func dimensionState(table: String, naturalKey: String) throws -> (rowHash: String, batchID: String)? {
        guard let row = try db.query("SELECT row_hash, batch_id FROM dimension_keys WHERE table_name = ? AND natural_key = ?",
                                     table, naturalKey).first else { return nil }
        return (row[0].string ?? "", row[1].string ?? "")
    }

    /// The stored hash and owning batch of many dimension keys of one table, in a few statements (one per 500
    /// keys): on a PostgreSQL catalog each statement is a network round trip. Keys the catalog lacks are absent.
    public func dimensionStates(table: String, naturalKeys: [String]) throws -> [String: (rowHash: String, batchID: String)] {
        var states: [String: (rowHash: String, batchID: String)] = [:]
        let keys = Array(Set(naturalKeys)).sorted()
        for start in stride(from: 0, to: keys.count, by: 500) {
            let part = keys[start..<min(keys.count, start + 500)]
            let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
            for row in try db.query(
                "SELECT natural_key, row_hash, batch_id FROM dimension_keys WHERE table_name = ? AND natural_key IN (\(marks))",
                arguments: [table] + part.map { $0 as any SQLBindable }) {
                states[row[0].string ?? ""] = (row[1].string ?? "", row[2].string ?? "")
            }
        }
        return states
    }

    // MARK: Commit

    /// Commits a batch in one transaction: its files, keys, schema versions, lineage and partition versions;
    /// retires the batch it supersedes. Throws `CommitConflict` when a batch committed after `snapshot` stored
    /// one of this batch's listing versions or dimension keys.
    public func commit(_ plan: BatchCommit) throws -> CommitResult {
        let now = Catalog.now()
        return try transaction("committing batch \(plan.batch.batchID)") {
            let status = try db.query("SELECT status FROM batches WHERE batch_id = ?", plan.batch.batchID).first?[0].string
            guard status == BatchStatus.pending.rawValue else {
                throw LakeError(.temporary, "batch \(plan.batch.batchID) is no longer pending (\(status ?? "gone"))",
                                remedy: "its lease expired and recovery reclaimed it; rerun the ingest")
            }
            // Taking the next sequence number first locks the counter row for the rest of the transaction: commits
            // run one at a time in sequence order on PostgreSQL as on SQLite, so `commit_seq > snapshot` finds
            // every commit this batch did not see, and an overlapping commit fails here, before doing any work.
            try db.run("UPDATE counters SET value = value + 1 WHERE name = 'commit_seq'")
            let seq = try currentCommitSeq()
            if let other = try committedBatch(source: plan.batch.source, sha256: plan.batch.sha256) {
                throw CommitConflict(detail: "the same content was committed meanwhile as batch \(other.batchID)")
            }
            try checkConflicts(plan, newest: seq - 1)

            var retired: [FileRecord] = []
            var touched = Set<TablePartition>()
            if let old = plan.batch.supersedes {
                retired = try files(batchID: old).filter { $0.status == .active && $0.format != .raw }
                try db.run("UPDATE files SET status = 'retired', retired_at = ? WHERE batch_id = ? AND status = 'active' AND format != 'raw'",
                           now, old)
                try db.run("UPDATE batches SET status = 'superseded', superseded_by = ? WHERE batch_id = ?",
                           plan.batch.batchID, old)
                try db.run("DELETE FROM listing_versions WHERE batch_id = ?", old)
                try db.run("DELETE FROM dimension_keys WHERE batch_id = ?", old)
                for file in retired where file.format == .csvGzip || file.format == .columnar {
                    touched.insert(TablePartition(table: file.table, partition: file.partition))
                }
            }
            for file in plan.files {
                try insert(file)
                try db.run("""
                    INSERT INTO lineage (child_file_id, parent_kind, parent_id, relation, created_at)
                    VALUES (?, 'batch', ?, 'ingest', ?)
                    """, file.fileID, plan.batch.batchID, now)
                if file.format == .csvGzip || file.format == .columnar {
                    touched.insert(TablePartition(table: file.table, partition: file.partition))
                }
            }
            // Many rows per statement: on a PostgreSQL catalog each statement is a round trip.
            try insertRows("INSERT INTO listing_versions (listing_id, modified_at, batch_id, commit_seq) VALUES ",
                           width: 4, plan.versions.map { [$0.listingID, $0.modifiedAt, plan.batch.batchID, seq] })
            // One statement may not upsert a key twice (PostgreSQL refuses it): the batch's last row of a key wins,
            // as it did row by row.
            var lastOfKey: [String: [String: DimensionKey]] = [:]
            for key in plan.dimensionRows { lastOfKey[key.table, default: [:]][key.naturalKey] = key }
            let dimensionRows = lastOfKey.keys.sorted().flatMap { table in
                lastOfKey[table]!.keys.sorted().map { lastOfKey[table]![$0]! }
            }
            try insertRows("INSERT INTO dimension_keys (table_name, natural_key, row_hash, batch_id, commit_seq) VALUES ",
                           width: 5, dimensionRows.map { [$0.table, $0.naturalKey, $0.rowHash, plan.batch.batchID, seq] },
                           suffix: """
                            ON CONFLICT (table_name, natural_key) DO UPDATE
                           SET row_hash = excluded.row_hash, batch_id = excluded.batch_id, commit_seq = excluded.commit_seq
                           """)
            for schema in plan.schemas { try recordSchema(schema, batchID: plan.batch.batchID, now: now) }
            for tp in touched { try refreshPartition(tp, bumpVersion: true, now: now) }

            let b = plan.batch
            try db.run("""
                UPDATE batches SET status = 'committed', records = ?, good = ?, bad = ?, duplicates = ?,
                    known_versions = ?, blank_lines = ?, uncompressed_bytes = ?, null_counts = ?, committed_at = ?,
                    seconds = ?, commit_seq = ?, supersedes = ?, lease_until = NULL
                WHERE batch_id = ?
                """, b.counts.records, b.counts.good, b.counts.bad, b.counts.duplicates, b.counts.knownVersions,
                       b.counts.blankLines, b.counts.uncompressedBytes, Catalog.encodeCounts(b.nullCounts), now,
                       b.seconds, seq, b.supersedes, b.batchID)
            return CommitResult(commitSeq: seq, retiredFiles: retired, touchedPartitions: touched.sorted())
        }
    }

    /// - Parameter newest: the sequence number of the newest commit before this one.
    private func checkConflicts(_ plan: BatchCommit, newest: Int64) throws {
        guard newest > plan.snapshot else { return }
        let chunk = 500
        let ids = Array(Set(plan.versions.map(\.listingID))).sorted()
        var stored: [ListingVersionKey: String] = [:]
        for start in stride(from: 0, to: ids.count, by: chunk) {
            let part = ids[start..<min(ids.count, start + chunk)]
            let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
            for row in try db.query(
                "SELECT listing_id, modified_at, batch_id FROM listing_versions WHERE commit_seq > ? AND listing_id IN (\(marks))",
                arguments: [plan.snapshot] + part.map { $0 as any SQLBindable }) {
                stored[ListingVersionKey(listingID: row[0].string ?? "", modifiedAt: row[1].int ?? 0)] = row[2].string
            }
        }
        for version in plan.versions {
            if let other = stored[version] {
                throw CommitConflict(detail: "listing \(version.listingID) version was stored by batch \(other) meanwhile")
            }
        }
        let byTable = Dictionary(grouping: plan.dimensionRows, by: \.table)
        var owners: [String: [String: String]] = [:]
        for (table, keys) in byTable {
            let names = Array(Set(keys.map(\.naturalKey))).sorted()
            for start in stride(from: 0, to: names.count, by: chunk) {
                let part = names[start..<min(names.count, start + chunk)]
                let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
                for row in try db.query(
                    "SELECT natural_key, batch_id FROM dimension_keys WHERE table_name = ? AND commit_seq > ? AND natural_key IN (\(marks))",
                    arguments: [table, plan.snapshot] + part.map { $0 as any SQLBindable }) {
                    owners[table, default: [:]][row[0].string ?? ""] = row[1].string
                }
            }
        }
        for key in plan.dimensionRows {
            if let other = owners[key.table]?[key.naturalKey] {
                throw CommitConflict(detail: "\(key.table) key \(key.naturalKey) was stored by batch \(other) meanwhile")
            }
        }
    }

    /// Runs `head` followed by up to 500 `(?, ...)` tuples of `width` values per statement, then `suffix`.
    func insertRows(_ head: String, width: Int, _ rows: [[any SQLBindable]], suffix: String = "") throws {
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let part = rows[start..<min(rows.count, start + 500)]
            try db.run(head + Array(repeating: tuple, count: part.count).joined(separator: ", ") + suffix,
                       arguments: part.flatMap { $0 })
            start += part.count
        }
    }

    /// Marks a committed batch published once its files sit at their final keys. Unflushed: if a power loss drops
    /// the mark, the batch is committed again and recovery publishes it again (every step is idempotent).
    public func markPublished(batchID: String) throws {
        try transaction("publishing batch \(batchID)", flushed: false) {
            try db.run("UPDATE batches SET status = 'published', published_at = ? WHERE batch_id = ? AND status = 'committed'",
                       Catalog.now(), batchID)
        }
    }

    static func encodeCounts(_ counts: [String: Int]) -> String {
        "{" + counts.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    static func decodeCounts(_ text: String?) -> [String: Int] {
        guard let text, text.count > 2 else { return [:] }
        var result: [String: Int] = [:]
        for pair in text.dropFirst().dropLast().split(separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else { continue }
            result[String(parts[0].dropFirst().dropLast())] = value
        }
        return result
    }
}
