public import LakeCore
import Foundation

/// A compaction run as the catalog records it.
public struct CompactionRecord: Sendable, Codable {
    public var runID: String
    public var status: String
    public var ownerHost: String?
    public var ownerPID: Int?
    public var leaseUntil: String?
    public var partitions = 0
    public var filesIn = 0
    public var filesOut = 0
    public var bytesIn: Int64 = 0
    public var bytesOut: Int64 = 0
    public var rowsIn = 0
    public var rowsOut = 0
    public var startedAt: String
    public var endedAt: String?
    public var seconds: Double?
    public var error: String?

    public init(runID: String, status: String, startedAt: String) {
        self.runID = runID
        self.status = status
        self.startedAt = startedAt
    }
}

/// One partition's compaction, committed in one transaction.
public struct PartitionCompaction: Sendable {
    public var table: String
    public var partition: PartitionKey
    /// The active data files (columnar and CSV) merged; all must still be active at commit.
    public var inputs: [FileRecord]
    public var outputs: [FileRecord]
    public init(table: String, partition: PartitionKey, inputs: [FileRecord], outputs: [FileRecord]) {
        self.table = table
        self.partition = partition
        self.inputs = inputs
        self.outputs = outputs
    }
}

extension Catalog {
    // MARK: Leases

    /// Takes the named lease for `seconds` if it is free, expired, or already ours. Returns false when another
    /// owner holds it. Every lease expires: nothing ever needs a human to unlock it.
    /// `isGone` says whether a holder is known to be dead (a process of this host that no longer exists), so its
    /// lease can be taken over before it expires.
    public func acquireLease(_ name: String, owner: String, seconds: Double,
                             isGone: (String) -> Bool = { _ in false }) throws -> Bool {
        try acquireLeases([name], owner: owner, seconds: seconds, isGone: isGone)
    }

    /// Takes every named lease, or none of them, in one transaction (as `acquireLease` takes one). All or
    /// nothing, so two takers of overlapping sets never each hold part and wait for the rest.
    public func acquireLeases(_ names: [String], owner: String, seconds: Double,
                              isGone: (String) -> Bool = { _ in false }) throws -> Bool {
        struct Held: Error {}
        let now = Catalog.now()
        let until = Catalog.now(offsetSeconds: seconds)
        do {
            // Unflushed: a lease lost to a power loss is one that no live process holds any more.
            return try transaction("taking lease\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))",
                                   flushed: false) {
                for name in names {
                    // Rolls back the leases taken before it in this transaction.
                    guard try takeLease(name, owner: owner, until: until, now: now, isGone: isGone) else { throw Held() }
                }
                return true
            }
        } catch is Held {
            return false
        }
    }

    private func takeLease(_ name: String, owner: String, until: String, now: String,
                           isGone: (String) -> Bool) throws -> Bool {
        // One statement decides for a free, expired or own lease, so the database settles a race between
        // takers (the row's unique name; on PostgreSQL the row lock and SERIALIZABLE retry).
        let taken = try db.run("""
            INSERT INTO leases (name, owner, lease_until) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
            WHERE leases.owner = excluded.owner OR leases.lease_until < ?
            """, name, owner, until, now)
        if taken > 0 { return true }
        guard let row = try db.query("SELECT owner, lease_until FROM leases WHERE name = ?", name).first,
              let holder = row[0].string, isGone(holder) else { return false }
        // Take it from a dead holder only if it is still that holder's: compare and swap.
        return try db.run("UPDATE leases SET owner = ?, lease_until = ? WHERE name = ? AND owner = ? AND lease_until = ?",
                          owner, until, name, holder, row[1]) > 0
    }

    public func releaseLease(_ name: String, owner: String) throws {
        try releaseLeases([name], owner: owner)
    }

    /// Releases the named leases of `owner` in one transaction.
    public func releaseLeases(_ names: [String], owner: String) throws {
        try transaction("releasing lease\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))",
                        flushed: false) {
            for name in names { try db.run("DELETE FROM leases WHERE name = ? AND owner = ?", name, owner) }
        }
    }

    // MARK: Compaction runs

    static func compaction(from row: SQLRow) -> CompactionRecord {
        var r = CompactionRecord(runID: row["run_id"].string ?? "", status: row["status"].string ?? "",
                                 startedAt: row["started_at"].string ?? "")
        r.ownerHost = row["owner_host"].string
        r.ownerPID = row["owner_pid"].int.map(Int.init)
        r.leaseUntil = row["lease_until"].string
        r.partitions = Int(row["partitions"].int ?? 0)
        r.filesIn = Int(row["files_in"].int ?? 0)
        r.filesOut = Int(row["files_out"].int ?? 0)
        r.bytesIn = row["bytes_in"].int ?? 0
        r.bytesOut = row["bytes_out"].int ?? 0
        r.rowsIn = Int(row["rows_in"].int ?? 0)
        r.rowsOut = Int(row["rows_out"].int ?? 0)
        r.endedAt = row["ended_at"].string
        r.seconds = row["seconds"].double
        r.error = row["error"].string
        return r
    }

    public func startCompaction(_ run: CompactionRecord) throws {
        try transaction("recording compaction \(run.runID)") {
            try db.run("""
                INSERT INTO compactions (run_id, status, owner_host, owner_pid, lease_until, started_at)
                VALUES (?, 'running', ?, ?, ?, ?)
                """, run.runID, run.ownerHost, run.ownerPID, run.leaseUntil, run.startedAt)
        }
    }

    public func compactions(status: String? = nil) throws -> [CompactionRecord] {
        if let status {
            return try db.query("SELECT * FROM compactions WHERE status = ? ORDER BY started_at", status)
                .map(Catalog.compaction(from:))
        }
        return try db.query("SELECT * FROM compactions ORDER BY started_at").map(Catalog.compaction(from:))
    }

    /// Running compactions whose owner stopped renewing their lease.
    public func expiredCompactions(now: String) throws -> [CompactionRecord] {
        try db.query("SELECT * FROM compactions WHERE status = 'running' AND lease_until < ?", now)
            .map(Catalog.compaction(from:))
    }

    public func finishCompaction(runID: String, status: String, error: String? = nil, seconds: Double? = nil) throws {
        try transaction("finishing compaction \(runID)") {
            try db.run("""
                UPDATE compactions SET status = ?, error = COALESCE(?, error), ended_at = ?,
                    seconds = COALESCE(?, seconds), lease_until = NULL
                WHERE run_id = ?
                """, status, error, Catalog.now(), seconds, runID)
        }
    }

    /// Commits one partition's compaction: retires its inputs, activates its outputs, records lineage
    /// (input file -> output file) and the run's totals. The partition's data version does not change: a
    /// compaction changes no data (loaders need not reload). Returns false, changing nothing, when an input is no
    /// longer active (a superseding batch or another compaction retired it meanwhile).
    public func commitCompaction(runID: String, _ part: PartitionCompaction) throws -> Bool {
        let now = Catalog.now()
        return try transaction("committing compaction \(runID) of \(part.table) \(part.partition)") {
            for input in part.inputs {
                let status = try db.query("SELECT status FROM files WHERE file_id = ?", input.fileID).first?[0].string
                guard status == FileStatus.active.rawValue else { return false }
            }
            for input in part.inputs {
                try db.run("UPDATE files SET status = 'retired', retired_at = ? WHERE file_id = ?", now, input.fileID)
            }
            for var output in part.outputs {
                output.compactionID = runID
                try insert(output)
                for input in part.inputs where input.format == output.format {
                    try db.run("""
                        INSERT INTO lineage (child_file_id, parent_kind, parent_id, relation, created_at)
                        VALUES (?, 'file', ?, 'compaction', ?)
                        """, output.fileID, input.fileID, now)
                }
            }
            try refreshPartition(TablePartition(table: part.table, partition: part.partition), bumpVersion: false,
                                 now: now)
            let columnarIn = part.inputs.filter { $0.format == .columnar }
            let columnarOut = part.outputs.filter { $0.format == .columnar }
            try db.run("""
                UPDATE compactions SET partitions = partitions + 1, files_in = files_in + ?, files_out = files_out + ?,
                    bytes_in = bytes_in + ?, bytes_out = bytes_out + ?, rows_in = rows_in + ?, rows_out = rows_out + ?
                WHERE run_id = ?
                """, part.inputs.count, part.outputs.count, part.inputs.reduce(Int64(0)) { $0 + $1.bytes },
                       part.outputs.reduce(Int64(0)) { $0 + $1.bytes }, columnarIn.reduce(0) { $0 + $1.rows },
                       columnarOut.reduce(0) { $0 + $1.rows }, runID)
            return true
        }
    }

    /// Files written by a compaction run.
    public func files(compactionID: String) throws -> [FileRecord] {
        try db.query("SELECT \(Catalog.fileColumns) FROM files WHERE compaction_id = ? ORDER BY path", compactionID)
            .map(Catalog.file(from:))
    }

    /// Files retired by a compaction run: the parents of its outputs.
    public func inputs(ofCompaction runID: String) throws -> [FileRecord] {
        try db.query("""
            SELECT DISTINCT \(Catalog.fileColumns.split(separator: ",").map { "f." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
            FROM files f JOIN lineage l ON l.parent_kind = 'file' AND l.parent_id = f.file_id
            JOIN files o ON o.file_id = l.child_file_id
            WHERE o.compaction_id = ? ORDER BY f.path
            """, runID).map(Catalog.file(from:))
    }

    /// Every file row, any status (verify and vacuum).
    public func allFiles() throws -> [FileRecord] {
        try db.query("SELECT \(Catalog.fileColumns) FROM files ORDER BY path").map(Catalog.file(from:))
    }

    /// Records that a retired file was deleted by vacuum.
    public func markVacuumed(fileIDs: [String]) throws {
        try transaction("recording vacuumed files") {
            for id in fileIDs { try db.run("UPDATE files SET status = 'deleted' WHERE file_id = ? AND status = 'retired'", id) }
        }
    }
}
