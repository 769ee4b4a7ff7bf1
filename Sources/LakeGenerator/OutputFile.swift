internal import Glibc
internal import LakeCore

/// A write-only file with a user-space buffer, so that many small writes become few system calls.
///
/// Not `Sendable`: one owner at a time.
final class OutputFile {
    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferSize: Int
    /// Bytes written so far, buffered ones included: the offset of the next byte.
    private(set) var offset: Int64 = 0

    /// Creates or truncates `path`. The corresponding C function is `open`.
    init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        self.bufferSize = bufferSize
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputFile.error("cannot create", path: path, call: "open") }
        buffer.reserveCapacity(bufferSize)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        offset += Int64(bytes.count)
        if buffer.count + bytes.count > bufferSize {
            try flush()
            if bytes.count >= bufferSize { return try writeAll(bytes) }
        }
        buffer.append(contentsOf: bytes)
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Overwrites bytes already written, at `position`. The corresponding C function is `pwrite`.
    func patch(_ bytes: [UInt8], at position: Int64) throws {
        try flush()
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(position) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputFile.error("cannot write", path: path, call: "pwrite")
                }
                done += n
            }
        }
    }

    /// Flushes, makes the bytes durable and closes. The corresponding C functions are `fsync` and `close`.
    func close(sync: Bool) throws {
        try flush()
        if sync && Glibc.fsync(fd) != 0 { throw OutputFile.error("cannot sync", path: path, call: "fsync") }
        let code = Glibc.close(fd)
        fd = -1
        if code != 0 { throw OutputFile.error("cannot close", path: path, call: "close") }
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputFile.error("cannot write", path: path, call: "write")
            }
            done += n
        }
    }

    static func error(_ what: String, path: String, call: String) -> LakeError {
        let code = errno
        return LakeError(
            .io,
            "\(what) \(path)",
            remedy: "check that the directory exists, is writable and has free space",
            cause: SystemCallError(call: call, errno: code)
        )
    }
}

/// A failed system call: its name and `errno`.
public struct SystemCallError: Error, Sendable, CustomStringConvertible {
    /// The C function that failed, such as `open`.
    public var call: String
    /// The `errno` it left.
    public var errno: Int32

    public var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Renames `from` to `to` and syncs the directory, so a reader never sees a half-written file under its final name.
func publish(_ from: String, as to: String, directory: String) throws {
    guard Glibc.rename(from, to) == 0 else { throw OutputFile.error("cannot rename to", path: to, call: "rename") }
    let dfd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dfd >= 0 {
        _ = Glibc.fsync(dfd)
        Glibc.close(dfd)
    }
}

/// Creates `path` and its parents if missing. The corresponding C function is `mkdir`.
func makeDirectories(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        prefix += part
        if Glibc.mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw OutputFile.error("cannot create directory", path: prefix, call: "mkdir")
        }
        prefix += "/"
    }
}
