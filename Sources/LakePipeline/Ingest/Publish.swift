import LakeCatalog
import LakeCore
import LakeStorage
import Foundation

extension Lake {
    /// Step 4 of the commit protocol: moves a committed batch's staged files to their final keys, moves the files
    /// it retired to `_trash/`, rewrites the touched partitions' manifests, and records the batch published.
    /// Every step is idempotent, so recovery can run it again after a crash at any point.
    func publish(batchID: String, retired: [FileRecord], partitions: [TablePartition]) throws {
        let files = try catalog.files(batchID: batchID).filter { $0.status == .active }
        let outcomes = try store.publish(files.map { (layout.stagedKey(batchID: batchID, key: $0.path), $0.path) })
        if let missing = zip(files, outcomes).first(where: { $0.1 == .missing })?.0 {
            throw LakeError(.io, "committed file \(missing.path) of batch \(batchID) is neither staged nor published",
                            remedy: "run `batchlake verify`; the batch may need to be ingested again")
        }
        try retire(retired)
        try rewriteManifests(partitions)
        try catalog.markPublished(batchID: batchID)
        try store.removeStaging(runID: batchID)
    }

    /// Moves retired files from their keys to `_trash/` (missing is fine: already moved).
    func retire(_ files: [FileRecord]) throws {
        for file in files { try store.move(file.path, to: layout.trashKey(file.path)) }
    }

    /// Rewrites the partitions' COPY manifests atomically from the catalog's active CSV files, under the
    /// partitions' manifest leases so that a concurrent ingest and compaction cannot leave a stale manifest. The
    /// leases are taken together, the manifests written together (a local lake syncs them twice in all) and their
    /// rows recorded together: three catalog transactions for a batch's seven tables instead of three each.
    func rewriteManifests(_ partitions: [TablePartition]) throws {
        guard !partitions.isEmpty else { return }
        let leases = partitions.map { "manifest:\($0.table)/\($0.partition.path)" }
        try withLeases(leases) {
            let manifests = try partitions.map(manifest)
            try store.write(manifests.map { ($0.record.path, $0.bytes) })
            // Unflushed: until the batch (or compaction) is marked done, recovery rewrites them if a power loss
            // drops the rows; the mark comes later, so it cannot survive without them.
            try catalog.upsertFiles(manifests.map(\.record), flushed: false)
        }
    }

    /// Runs `body` holding every named lease (taken all at once), waiting up to about a minute for them.
    func withLeases<T>(_ names: [String], _ body: () throws -> T) throws -> T {
        var waited = 0.0
        while try !catalog.acquireLeases(names, owner: leaseOwner, seconds: 60, isGone: leaseOwnerIsGone) {
            guard waited < 60 else {
                throw LakeError(.temporary, "lease \(names.joined(separator: ", ")) stayed held by another process",
                                remedy: "rerun; every lease expires within a minute")
            }
            usleep(50_000)
            waited += 0.05
        }
        defer { try? catalog.releaseLeases(names, owner: leaseOwner) }
        return try body()
    }

    /// A partition's manifest, rendered from the catalog's active CSV files, and its catalog row.
    private func manifest(_ tp: TablePartition) throws -> (bytes: [UInt8], record: FileRecord) {
        let csvFiles = try catalog.files(table: tp.table, selector: .hour(tp.partition), format: .csvGzip)
        let key = layout.manifestKey(table: tp.table, partition: tp.partition)
        let fileID = "manifest-\(tp.table)-\(tp.partition.dateString)-\(pad(tp.partition.hour, 2))"
        let entries = csvFiles.map { CopyManifest.Entry(url: layout.url + "/" + $0.path, contentLength: $0.bytes) }
        let bytes = CopyManifest.render(entries)
        return (bytes, FileRecord(
            fileID: fileID, batchID: nil, table: tp.table, partition: tp.partition, format: .manifest, path: key,
            rows: entries.count, bytes: Int64(bytes.count), sha256: LakeFileSystem.sha256(of: bytes),
            createdAt: Catalog.now()))
    }

    /// Whether a lease owner is a process of this host that no longer exists: its work can be recovered at once
    /// instead of waiting for the lease to expire. Owners on other hosts are judged by their lease alone.
    func ownerIsGone(host: String?, pid: Int?) -> Bool {
        guard let host, let pid, host == ownerHost, pid != ownerPID, pid > 0 else { return false }
        return kill(pid_t(pid), 0) != 0 && errno == ESRCH
    }

    /// Whether a lease owner string (`host:pid`) names a dead process of this host.
    func leaseOwnerIsGone(_ owner: String) -> Bool {
        guard let colon = owner.lastIndex(of: ":"), let pid = Int(owner[owner.index(after: colon)...]) else {
            return false
        }
        return ownerIsGone(host: String(owner[..<colon]), pid: pid)
    }

    /// Step 5 of the commit protocol, run first by every command that writes: publishes committed batches and
    /// clears the staging of pending batches whose owner died (lease expired). A live batch is never touched.
    public func recover() throws {
        try recoverCompactions()
        for batch in try catalog.batches(status: .committed) {
            let retired = try batch.supersedes.map { old in
                try catalog.files(batchID: old).filter { $0.status == .retired }
            } ?? []
            var touched = Set<TablePartition>()
            for file in try catalog.files(batchID: batch.batchID) + retired
            where file.format == .csvGzip || file.format == .columnar {
                touched.insert(TablePartition(table: file.table, partition: file.partition))
            }
            try publish(batchID: batch.batchID, retired: retired, partitions: touched.sorted())
        }
        let orphaned = try catalog.batches(status: .pending).filter { ownerIsGone(host: $0.ownerHost, pid: $0.ownerPID) }
        let expired = try catalog.expiredPendingBatches(now: Catalog.now())
        var handled = Set<String>()
        for batch in expired + orphaned where handled.insert(batch.batchID).inserted {
            try store.removeStaging(runID: batch.batchID)
            try catalog.markFailed(
                batchID: batch.batchID,
                error: "abandoned: its process (pid \(batch.ownerPID ?? 0) on \(batch.ownerHost ?? "?")) stopped "
                    + "before the commit; the input can be ingested again")
        }
    }
}
