#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LakeCore

/// A lake in a local folder: staging lives inside it, publishing is a rename, durability is `syncfs` (`SyncBarrier`).
public final class LocalLakeStore: LakeStore {
    public let root: String
    public var workRoot: String { root }
    public var kind: String { "folder" }

    /// Opens the lake folder, creating it when missing.
    public init(root: String) throws {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
        try LakeFileSystem.makeDirectories(root)
    }

    public var url: String {
        root.hasPrefix("/") ? "file://" + root : "file://" + LakeFileSystem.currentDirectory() + "/" + root
    }

    func path(_ key: String) -> String { root + "/" + key }

    /// Opens the run's barrier on the lake root: staging lives inside the lake, on its file system.
    public func beginStaging(runID: String) throws -> StagingRun {
        StagingRun(runID: runID, barrier: try SyncBarrier(path: root))
    }

    /// One `syncfs` for the whole staging tree: the files' bytes, their folders, the run's entry in `_staging` and
    /// `_staging`'s in the lake root, all of which recovery needs after a power loss.
    public func persistStaging(_ run: StagingRun) throws {
        // A barrier opened only now would not hear of write-back errors from before: never open one here.
        guard let barrier = run.barrier else { preconditionFailure("run \(run.runID) was not begun by this store") }
        try barrier.sync()
    }

    public func publish(stagedKey: String, to key: String) throws -> PublishOutcome {
        try publish([(stagedKey, key)])[0]
    }

    /// Renames every staged key into place, then makes the renames durable with one `syncfs`: the new entries in
    /// the folders the files moved into, and in the parents of folders created for them (a new `dt=`/`hour=`
    /// partition). The files' bytes were made durable before the commit (`persistStaging`).
    public func publish(_ moves: [(stagedKey: String, key: String)]) throws -> [PublishOutcome] {
        let barrier = try SyncBarrier(path: root)
        var outcomes: [PublishOutcome] = []
        for (stagedKey, key) in moves {
            let staged = path(stagedKey), final = path(key)
            guard LakeFileSystem.exists(staged) else {
                outcomes.append(LakeFileSystem.exists(final) ? .alreadyPublished : .missing)
                continue
            }
            do {
                try LakeFileSystem.rename(staged, to: final)
            } catch {
                // Another process's recovery renamed it meanwhile.
                if !LakeFileSystem.exists(staged) && LakeFileSystem.exists(final) {
                    outcomes.append(.alreadyPublished)
                    continue
                }
                throw error
            }
            outcomes.append(.published)
        }
        // Also when every file was there already: the run that renamed them may have died before its sync.
        if outcomes.contains(where: { $0 != .missing }) { try barrier.sync() }
        return outcomes
    }

    public func removeStaging(runID: String) throws {
        try LakeFileSystem.removeTree(localStaging(runID: runID))
    }

    public func stagingRuns() throws -> [String] {
        (LakeFileSystem.entries(of: root + "/_staging") ?? []).sorted()
    }

    public func move(_ key: String, to destination: String) throws {
        let from = path(key)
        guard LakeFileSystem.exists(from) else { return }
        do {
            try LakeFileSystem.rename(from, to: path(destination))
        } catch {
            if !LakeFileSystem.exists(from) && LakeFileSystem.exists(path(destination)) { return }
            throw error
        }
        try LakeFileSystem.syncDirectory(LakeFileSystem.parent(of: from))
    }

    /// Removes crashed writers' temp files beside the keys, then `LakeFileSystem.writeAtomically`: two flushes for
    /// a batch's manifests instead of two each.
    public func write(_ files: [(key: String, bytes: [UInt8])]) throws {
        for (key, _) in files {
            // Callers hold the key's lease: a temp file beside the target is a crashed writer's leftover.
            let folder = LakeFileSystem.parent(of: path(key))
            let leftover = (path(key) as NSString).lastPathComponent + ".tmp-"
            for name in LakeFileSystem.entries(of: folder) ?? [] where name.hasPrefix(leftover) {
                try LakeFileSystem.removeFile(folder + "/" + name)
            }
        }
        try LakeFileSystem.writeAtomically(files.map { (path($0.key), $0.bytes) })
    }

    public func exists(_ key: String) throws -> Bool { LakeFileSystem.exists(path(key)) }

    public func object(_ key: String) throws -> StoredObject? {
        var st = stat()
        guard stat(path(key), &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let modified = Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
        return StoredObject(key: key, size: Int64(st.st_size), modified: modified)
    }

    public func list(prefix: String) throws -> [StoredObject] {
        try LakeFileSystem.listFiles(path(prefix)).compactMap { try object(prefix + "/" + $0) }
    }

    public func remove(_ key: String) throws { try LakeFileSystem.removeFile(path(key)) }

    public func read(_ key: String, limit: Int) throws -> [UInt8]? {
        guard LakeFileSystem.exists(path(key)) else { return nil }
        return try LakeFileSystem.readFile(path(key), limit: limit)
    }

    public func forEachChunk(of key: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try LakeFileSystem.forEachChunk(of: path(key), body)
    }

    public func localCopy(of key: String) throws -> LocalCopy? {
        LakeFileSystem.exists(path(key)) ? LocalCopy(path: path(key), temporary: false) : nil
    }
}
