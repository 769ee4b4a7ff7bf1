#if canImport(Glibc)
import Glibc
#endif
import CGlibc
import LakeCore

/// One durability barrier for many writes: `sync()` makes every write on the lake's file system durable at once
/// (`syncfs`, one journal commit and one device flush) instead of an fsync per file and folder, each of which is a
/// journal commit and a flush of its own.
///
/// Open the barrier **before** the writes it is to cover. `syncfs` reports a write-back error met by any file of
/// the file system since its descriptor was opened (Linux 5.8 and later), or since the previous `sync()` through
/// it; a barrier opened after a file's pages were written back with an error would not hear of it. One barrier per
/// run, so that one run's `sync()` cannot consume the error another run must see.
///
/// Everything on that file system is flushed, whoever wrote it: the price of one flush instead of forty.
public final class SyncBarrier {
    /// The folder whose file system the barrier flushes.
    public let path: String
    private var fd: Int32

    /// Opens a barrier on the file system holding `path` (a folder that exists).
    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw LakeFileSystem.error("open", path) }
    }

    deinit { close(fd) }

    /// Makes every write on the file system durable, or throws if one of them (since the barrier was opened or
    /// last synced) failed to reach the disk.
    public func sync() throws {
        Failpoint.hit("sync")
        while CGlibc_syncfs(fd) != 0 {
            if errno == EINTR { continue }
            throw LakeFileSystem.error("syncfs", path)
        }
    }
}
