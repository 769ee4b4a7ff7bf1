public import Foundation
import LakeCore

/// One object under the lake root: its key (relative to the root), size and last change.
public struct StoredObject: Sendable, Hashable {
    public var key: String
    public var size: Int64
    public var modified: Date?

    public init(key: String, size: Int64, modified: Date?) {
        self.key = key
        self.size = size
        self.modified = modified
    }
}

/// How a staged file reached its final key.
public enum PublishOutcome: Sendable, Equatable {
    /// Moved (or copied) from staging now.
    case published
    /// Already at its key: an earlier run published it.
    case alreadyPublished
    /// Neither staged nor at its key.
    case missing
}

/// A run that stages files: its id, and for a local lake the barrier that makes its staging durable.
public final class StagingRun {
    public let runID: String
    let barrier: SyncBarrier?

    init(runID: String, barrier: SyncBarrier?) {
        self.runID = runID
        self.barrier = barrier
    }
}

/// A file on local disk holding a key's bytes for reading: the lake's own file, or a download that is removed
/// when the last reference goes.
public final class LocalCopy: @unchecked Sendable {
    public let path: String
    private let temporary: Bool

    public init(path: String, temporary: Bool) {
        self.path = path
        self.temporary = temporary
    }

    deinit { if temporary { try? LakeFileSystem.removeFile(path) } }
}

/// Where the lake's keys live: a local folder or an object store, with the same layout (CONTRACT.md).
///
/// Every run writes its outputs on local disk first, under `workRoot` + `_staging/<run>/<key>` (for a local
/// lake that is inside the lake; for an object store a scratch folder). The commit protocol then asks the store
/// to make the staging durable (`persistStaging`, before the catalog commit) and to publish each staged key
/// (`publish`, after it). Both are idempotent so that recovery, on this host or another, can repeat them.
public protocol LakeStore: AnyObject {
    /// The lake root as a URL: `file:///abs/lake` or `s3://bucket/prefix` (COPY manifests, lineage).
    var url: String { get }
    /// The local folder under which runs stage their files (`workRoot/_staging/<run>/...`).
    var workRoot: String { get }
    /// A short word for messages: "folder" or "bucket".
    var kind: String { get }

    /// Starts a run's staging; call before the run writes its first staged file. A local lake opens here the
    /// barrier that `persistStaging` syncs (it hears of write-back errors only from then on); an object store
    /// needs nothing. Staged files are closed without fsync: the barrier or the upload makes them durable.
    func beginStaging(runID: String) throws -> StagingRun
    /// Makes a run's staged files durable before the catalog commit: one `syncfs` (local) or an upload (object
    /// store). May be called again for files staged since (compaction commits partition by partition).
    func persistStaging(_ run: StagingRun) throws
    /// Moves a staged key to its final key. Idempotent: a key already published reports so.
    func publish(stagedKey: String, to key: String) throws -> PublishOutcome
    /// `publish(stagedKey:to:)` for several keys, in order, one outcome each; a store may make them durable
    /// together (a local lake fsyncs each folder once).
    func publish(_ moves: [(stagedKey: String, key: String)]) throws -> [PublishOutcome]
    /// Removes a run's staging, local and remote. Missing is fine.
    func removeStaging(runID: String) throws
    /// The runs that have staging here (local or remote), by run id.
    func stagingRuns() throws -> [String]
    /// Moves a key (retiring a file to `_trash/`). A missing source is fine (already moved).
    func move(_ key: String, to destination: String) throws
    /// Writes small files to their keys, each atomically (manifests); a store may make them durable together.
    func write(_ files: [(key: String, bytes: [UInt8])]) throws
    /// Whether a key is present.
    func exists(_ key: String) throws -> Bool
    /// Size and modification time of a key, nil when absent.
    func object(_ key: String) throws -> StoredObject?
    /// Every object whose key starts with `prefix` + "/" (recursively), sorted by key.
    func list(prefix: String) throws -> [StoredObject]
    /// Removes a key; missing is fine.
    func remove(_ key: String) throws
    /// The key's bytes, nil when absent; refuses more than `limit` bytes.
    func read(_ key: String, limit: Int) throws -> [UInt8]?
    /// Hands the key's bytes to `body` in chunks (streaming; memory stays flat).
    func forEachChunk(of key: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws
    /// A local file with the key's bytes, nil when the key is absent.
    func localCopy(of key: String) throws -> LocalCopy?
}

extension LakeStore {
    /// SHA-256 (hex) and size of a key, read as a stream.
    public func sha256(of key: String) throws -> (hex: String, bytes: Int64) {
        var hasher = StreamingSHA256()
        try forEachChunk(of: key) { hasher.update($0) }
        return hasher.finish()
    }

    /// The staging folder of a run on local disk.
    public func localStaging(runID: String) -> String {
        workRoot + "/" + LakeLayout.stagingPrefix(runID: runID)
    }
}

extension LakeStore {
    public func publish(_ moves: [(stagedKey: String, key: String)]) throws -> [PublishOutcome] {
        try moves.map { try publish(stagedKey: $0.stagedKey, to: $0.key) }
    }

    /// Writes small bytes to a key atomically.
    public func write(_ bytes: [UInt8], to key: String) throws {
        try write([(key, bytes)])
    }
}
