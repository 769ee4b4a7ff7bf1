#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LakeCore

/// A lake in a local folder: staging lives inside it, publishing is a rename, durability is fsync.
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

    /// Fsyncs every folder of the run's staging tree, and the folders above it up to the lake root, whose new
    /// entries (the run's folder in `_staging`, `_staging` in the lake) recovery needs after a power loss.
    public func persistStaging(runID: String) throws {
        let run = localStaging(runID: runID)
        try LakeFileSystem.syncTree(run)
        var folder = LakeFileSystem.parent(of: run)
        while folder.count >= root.count {
            try LakeFileSystem.syncDirectory(folder)
            let up = LakeFileSystem.parent(of: folder)
            if up == folder { break }
            folder = up
        }
    }

    public func publish(stagedKey: String, to key: String) throws -> PublishOutcome {
        try publish([(stagedKey, key)])[0]
    }

    /// Renames every staged key into place, then fsyncs each folder that gained an entry once: the folders the
    /// files moved into, and the parents of folders created for them (a new `dt=`/`hour=` partition). A batch's
    /// files share a folder per table and hour, so this is one fsync per folder, not one per file.
    public func publish(_ moves: [(stagedKey: String, key: String)]) throws -> [PublishOutcome] {
        var outcomes: [PublishOutcome] = []
        var folders = Set<String>()
        for (stagedKey, key) in moves {
            let staged = path(stagedKey), final = path(key)
            guard LakeFileSystem.exists(staged) else {
                outcomes.append(LakeFileSystem.exists(final) ? .alreadyPublished : .missing)
                continue
            }
            do {
                for created in try LakeFileSystem.rename(staged, to: final) {
                    folders.insert(LakeFileSystem.parent(of: created))
                }
            } catch {
                // Another process's recovery renamed it meanwhile.
                if !LakeFileSystem.exists(staged) && LakeFileSystem.exists(final) {
                    outcomes.append(.alreadyPublished)
                    continue
                }
                throw error
            }
            folders.insert(LakeFileSystem.parent(of: final))
            outcomes.append(.published)
        }
        for folder in folders.sorted() { try LakeFileSystem.syncDirectory(folder) }
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

    public func write(_ bytes: [UInt8], to key: String) throws {
        let target = path(key)
        // Callers hold the key's lease: a temp file beside the target is a crashed writer's leftover.
        let folder = LakeFileSystem.parent(of: target)
        let leftover = (target as NSString).lastPathComponent + ".tmp-"
        for name in LakeFileSystem.entries(of: folder) ?? [] where name.hasPrefix(leftover) {
            try LakeFileSystem.removeFile(folder + "/" + name)
        }
        try LakeFileSystem.writeAtomically(bytes, to: target)
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
