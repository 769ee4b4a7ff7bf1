#if canImport(Glibc)
import Glibc
#endif
import CGlibc
import LakeCore
import Crypto

/// File-system operations of the lake, each naming the path and the failed call in its error. Every syscall
/// goes through here so a test can observe or fail them, and EINTR is retried in this one place.
public enum LakeFileSystem {
    static func error(_ call: String, _ path: String, _ code: Int32 = errno) -> LakeError {
        let text = String(cString: strerror(code))
        let remedy: String
        switch code {
        case ENOSPC: remedy = "the disk is full: free space and rerun; nothing was committed"
        case EACCES, EPERM, EROFS: remedy = "check the permissions of the lake folder (is it read-only?)"
        case ENOENT: remedy = "check that the path exists"
        default: remedy = "rerun; if it persists, check the disk"
        }
        return LakeError(.io, "\(call) \(path) failed: \(text)", remedy: remedy)
    }

    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Creates a folder and its parents; safe when another thread or process creates them at the same time. Tries
    /// the folder itself first, so one that exists costs one call, not one per component.
    public static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw error("mkdir", path) }
        let up = parent(of: path)
        guard !up.isEmpty, up != path, up != "/", up != "." else { throw error("mkdir", path) }
        try makeDirectories(up)
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw error("mkdir", path) }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func fileSize(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int64(st.st_size)
    }

    /// Renames atomically, creating the destination's folder first.
    public static func rename(_ from: String, to: String) throws {
        try makeDirectories(parent(of: to))
        Failpoint.hit("rename")
        if Glibc.rename(from, to) != 0 { throw error("rename to \(to) from", from) }
        Failpoint.hit("renamed")
    }

    /// Fsyncs a folder so a rename into it survives a crash.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw error("open", path) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw error("fsync", path) }
    }

    public static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw error("unlink", path) }
    }

    /// Removes a folder tree (staging of an abandoned batch). Missing is fine.
    public static func removeTree(_ path: String) throws {
        Failpoint.hit("remove")
        guard let children = entries(of: path) else {
            if errno == ENOENT { return }
            if errno == ENOTDIR { return try removeFile(path) }
            throw error("opendir", path)
        }
        for child in children {
            let full = path + "/" + child
            if isDirectory(full) { try removeTree(full) } else { try removeFile(full) }
        }
        if rmdir(path) != 0 && errno != ENOENT { throw error("rmdir", path) }
    }

    /// Files below `path` (relative paths), recursively; folders are walked, not listed.
    public static func listFiles(_ path: String) -> [String] {
        var result: [String] = []
        func walk(_ relative: String) {
            guard let names = entries(of: relative.isEmpty ? path : path + "/" + relative) else { return }
            for name in names.sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(path + "/" + child) { walk(child) } else { result.append(child) }
            }
        }
        walk("")
        return result
    }

    /// The names in a folder (without `.` and `..`), or nil with `errno` set when it cannot be opened.
    public static func entries(of path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Hands a file's bytes to `body` in chunks of `chunkSize`, retrying EINTR; errors name the path and call.
    public static func forEachChunk(of path: String, chunkSize: Int = 1 << 20,
                                    _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error("open", path) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw error("read", path)
            }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    /// SHA-256 (hex) and size of a file, read in 1 MiB chunks.
    public static func sha256(ofFile path: String) throws -> (hex: String, bytes: Int64) {
        var hasher = StreamingSHA256()
        try forEachChunk(of: path) { hasher.update($0) }
        return hasher.finish()
    }

    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `bytes` to `path` atomically (`writeAtomically(_ files:)` with one file).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try writeAtomically([(path, bytes)])
    }

    /// Writes each file atomically, all made durable together: a temp file beside each, one `SyncBarrier` sync,
    /// the renames, a second sync. The files share one file system (the barrier is opened on the first one's
    /// folder). A throw before the renames replaces nothing and leaves no temp file.
    public static func writeAtomically(_ files: [(path: String, bytes: [UInt8])]) throws {
        guard let first = files.first else { return }
        try makeDirectories(parent(of: first.path))
        let barrier = try SyncBarrier(path: parent(of: first.path))
        let suffix = ".tmp-\(getpid())"
        var temps: [String] = []
        defer { for temp in temps { try? removeFile(temp) } }
        for (path, bytes) in files {
            let file = try OutputFile(path: path + suffix)
            temps.append(path + suffix)
            try file.write(bytes)
            try file.close(sync: false)
        }
        try barrier.sync()
        while let temp = temps.first {
            try rename(temp, to: String(temp.dropLast(suffix.count)))
            temps.removeFirst()
        }
        try barrier.sync()
    }

    public static func readFile(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
        var out: [UInt8] = []
        try forEachChunk(of: path, chunkSize: 1 << 16) { chunk in
            out.append(contentsOf: chunk)
            if out.count > limit { throw LakeError(.badInput, "\(path) is larger than \(limit) bytes") }
        }
        return out
    }
}

/// A file being written: buffered, hashed (SHA-256) and counted as it goes.
///
/// Not Sendable: one owner.
public final class OutputFile {
    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    public private(set) var byteCount: Int64 = 0
    private let bufferLimit = 1 << 20

    /// Creates (truncating) the file, making its folder first.
    public init(path: String) throws {
        self.path = path
        try LakeFileSystem.makeDirectories(LakeFileSystem.parent(of: path))
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LakeFileSystem.error("open", path) }
        buffer.reserveCapacity(bufferLimit)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        byteCount += Int64(bytes.count)
        if buffer.count + bytes.count > bufferLimit {
            try flush()
            if bytes.count >= bufferLimit { return try writeAll(bytes) }
        }
        buffer.append(contentsOf: bytes)
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw LakeFileSystem.error("write", path)
            }
            offset += n
        }
    }

    /// Flushes, fsyncs or else starts the write-back of its pages (a `SyncBarrier` will wait for them; started
    /// now, they are on their way while other work goes on), and closes. Returns the SHA-256 (hex) of everything
    /// written.
    @discardableResult
    public func close(sync: Bool) throws -> String {
        try flush()
        Failpoint.hit("close")
        if sync {
            if fsync(fd) != 0 { throw LakeFileSystem.error("fsync", path) }
        } else {
            _ = CGlibc_start_writeback(fd)  // a hint: an error shows at the barrier
        }
        if Glibc.close(fd) != 0 {
            fd = -1
            throw LakeFileSystem.error("close", path)
        }
        fd = -1
        return LakeFileSystem.hex(hasher.finalize())
    }
}

extension LakeFileSystem {
    /// Copies a file byte for byte into a new file, returning its SHA-256 and size.
    /// - Parameter sync: fsync the copy; a staged file leaves that to its run's `SyncBarrier`.
    public static func copyFile(from source: String, to destination: String, sync: Bool) throws -> WrittenFile {
        let output = try OutputFile(path: destination)
        try forEachChunk(of: source) { try output.write($0) }
        let sha = try output.close(sync: sync)
        return WrittenFile(path: destination, rows: 0, bytes: output.byteCount, sha256: sha)
    }
}

/// SHA-256 over bytes handed in pieces, with their count.
public struct StreamingSHA256 {
    private var hasher = SHA256()
    private var count: Int64 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        count += Int64(bytes.count)
    }

    public func finish() -> (hex: String, bytes: Int64) { (LakeFileSystem.hex(hasher.finalize()), count) }
}

extension LakeFileSystem {
    /// SHA-256 (hex) of bytes in memory.
    public static func sha256(of bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }
}
