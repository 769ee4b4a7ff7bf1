#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LakeCore
import LakeStorage

/// The local queue: a folder that files are dropped into.
///
/// A file is taken once it is complete: when nothing has written to it for `settle` seconds (its modification
/// time is that old, so its size has stayed put). A file moved in by rename keeps the modification time it had
/// when its writer finished, so it is taken as soon as that is `settle` seconds ago.
/// Hidden files and names ending in `.tmp`, `.part`, `.partial` or `.crdownload` are never taken. Taking is a
/// rename into `.claimed/<host>-<pid>/`, so several workers on one machine share an inbox and each file goes to
/// exactly one. A finished file moves to `done/`, a refused one to `failed/` beside a `<name>.error.txt` that
/// says why. Files claimed by a worker that died are put back when a worker starts.
public final class InboxQueue: WorkQueue, @unchecked Sendable {
    public let folder: String
    public let settle: Double
    /// How often a file that failed for a temporary reason is tried before it goes to `failed/`.
    public let maxAttempts: Int
    private let claimFolder: String
    private let lock = NSLock()
    private var attempts: [String: Int] = [:]

    public var name: String { "inbox:" + folder }

    /// Opens (creating) the inbox and its `done/` and `failed/` folders, and returns to the inbox the files of
    /// workers of this host that no longer run.
    public init(folder: String, settle: Double = 2, maxAttempts: Int = 5) throws {
        var folder = folder
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        if !folder.hasPrefix("/") { folder = LakeFileSystem.currentDirectory() + "/" + folder }
        self.folder = folder
        self.settle = settle
        self.maxAttempts = maxAttempts
        let host = ProcessInfo.processInfo.hostName
        claimFolder = folder + "/.claimed/" + LakeLayout.safeName("\(host)-\(getpid())")
        for sub in ["done", "failed", ".claimed"] { try LakeFileSystem.makeDirectories(folder + "/" + sub) }
        try LakeFileSystem.makeDirectories(claimFolder)
        try returnAbandonedClaims(host: host)
    }

    /// Claims of this host's dead workers go back to the inbox (ingest is idempotent: a file whose batch
    /// committed before the crash is a no-op the second time).
    private func returnAbandonedClaims(host: String) throws {
        let prefix = LakeLayout.safeName(host) + "-"
        for entry in LakeFileSystem.entries(of: folder + "/.claimed") ?? [] where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid(),
                  kill(pid, 0) != 0 && errno == ESRCH else { continue }
            let claimed = folder + "/.claimed/" + entry
            for name in LakeFileSystem.entries(of: claimed) ?? [] {
                try LakeFileSystem.rename(claimed + "/" + name, to: folder + "/" + name)
            }
            try? LakeFileSystem.removeTree(claimed)
        }
    }

    static func isCandidate(_ name: String) -> Bool {
        let lower = name.lowercased()
        return !name.hasPrefix(".") && ![".tmp", ".part", ".partial", ".crdownload"].contains { lower.hasSuffix($0) }
    }

    public func receive(limit: Int, wait: Double) throws -> [WorkItem] {
        let deadline = Date().addingTimeInterval(wait)
        while true {
            let items = try claimReady(limit: limit)
            if !items.isEmpty || Date() >= deadline { return items }
            usleep(200_000)
        }
    }

    private func claimReady(limit: Int) throws -> [WorkItem] {
        lock.lock()
        defer { lock.unlock() }
        let now = Date().timeIntervalSince1970
        var ready: [String] = []
        for name in (LakeFileSystem.entries(of: folder) ?? []).sorted() where InboxQueue.isCandidate(name) {
            var st = stat()
            guard stat(folder + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            let modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            if now - modified >= settle { ready.append(name) }
        }
        var items: [WorkItem] = []
        for name in ready where items.count < limit {
            let claimed = claimFolder + "/" + name
            // The rename is the claim: of several workers, exactly one succeeds; the others see ENOENT.
            if Glibc.rename(folder + "/" + name, claimed) != 0 {
                if errno == ENOENT { continue }
                throw LakeError(.io, "cannot claim \(folder)/\(name): \(String(cString: strerror(errno)))",
                                remedy: "check the permissions of the inbox folder")
            }
            attempts[name, default: 0] += 1
            items.append(WorkItem(id: name, receiveCount: attempts[name]!, inputs: [.file(path: claimed)],
                                  handle: claimed))
        }
        return items
    }

    public func keepAlive(_ item: WorkItem) throws {}

    @discardableResult
    public func finish(_ item: WorkItem, outcome: WorkOutcome) throws -> Disposition {
        lock.lock()
        defer { lock.unlock() }
        switch outcome {
        case .done, .ignored:
            attempts[item.id] = nil
            return Disposition("moved to " + (try moveAside(item, to: "done")))
        case .rejected(let reason):
            attempts[item.id] = nil
            let target = try moveAside(item, to: "failed")
            try LakeFileSystem.writeAtomically(Array((reason + "\n").utf8), to: target + ".error.txt")
            return Disposition("moved to " + target)
        case .retry(let reason):
            if item.receiveCount >= maxAttempts {
                attempts[item.id] = nil
                let target = try moveAside(item, to: "failed")
                try LakeFileSystem.writeAtomically(
                    Array("tried \(item.receiveCount) times; last: \(reason)\n".utf8), to: target + ".error.txt")
                return Disposition("tried \(item.receiveCount) times, moved to " + target, dead: true)
            }
            try LakeFileSystem.rename(item.handle, to: folder + "/" + item.id)
            return Disposition("back in the inbox for another try", retryAfter: settle)
        }
    }

    /// Moves a claimed file to `done/` or `failed/`, keeping an earlier file of the same name.
    private func moveAside(_ item: WorkItem, to sub: String) throws -> String {
        var target = folder + "/" + sub + "/" + item.id
        if LakeFileSystem.exists(target) {
            let stamp = Int64(Date().timeIntervalSince1970 * 1000)
            target = folder + "/" + sub + "/" + "\(item.id).\(stamp)"
        }
        try LakeFileSystem.rename(item.handle, to: target)
        return target
    }
}
