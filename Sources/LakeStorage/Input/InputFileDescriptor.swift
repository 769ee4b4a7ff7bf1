import Glibc
import LakeCore

/// A failed system call: which call, on which path, and the `errno` it set.
public struct InputSystemCallError: Error, Sendable, CustomStringConvertible {
    /// The C function that failed (`open`, `fstat`, `pread`).
    public var call: String
    /// The path it was called on.
    public var path: String
    /// The `errno` value.
    public var errno: Int32

    public var description: String {
        "\(call)(\(path)) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// A regular file opened read-only for positioned reads; closes itself when released.
///
/// Every read goes through `pread`, so a file larger than memory can be read piecewise from any offset and one
/// instance may serve several sequential readers. `EINTR` is retried, short reads are continued.
final class InputFileDescriptor {
    let path: String
    let fd: Int32
    /// The file's size in bytes when it was opened.
    let size: Int64

    init(path: String) throws {
        self.path = path
        var descriptor: Int32
        repeat {
            descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && Glibc.errno == EINTR
        guard descriptor >= 0 else {
            let code = Glibc.errno
            let missing = code == ENOENT || code == ENOTDIR
            throw LakeError(
                .badInput, missing ? "input file not found" : "cannot open input file",
                remedy: missing ? "check the path" : "check the file's permissions",
                location: InputLocation(file: path),
                cause: InputSystemCallError(call: "open", path: path, errno: code))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = Glibc.errno
            Glibc.close(descriptor)
            throw LakeError(.io, "cannot inspect input file", location: InputLocation(file: path),
                            cause: InputSystemCallError(call: "fstat", path: path, errno: code))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(descriptor)
            throw LakeError(.badInput, "input is not a regular file (a directory, pipe or device)",
                            remedy: "pass the path of a .zip, .gz or .jsonl file",
                            location: InputLocation(file: path))
        }
        fd = descriptor
        size = Int64(info.st_size)
        // A hint only; failure changes nothing.
        _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
    }

    deinit { Glibc.close(fd) }

    /// Reads up to `buffer.count` bytes at `offset`, fewer only at the end of the file.
    /// - Returns: the number of bytes read (0 at or past the end).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + Int64(done)))
            if n > 0 {
                done += n
            } else if n == 0 {
                break
            } else {
                let code = Glibc.errno
                if code == EINTR { continue }
                throw LakeError(.io, "cannot read input file", location: InputLocation(file: path, byteOffset: offset),
                                cause: InputSystemCallError(call: "pread", path: path, errno: code))
            }
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset`, or returns nil if the file ends first.
    func read(count: Int, at offset: Int64) throws -> [UInt8]? {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { try read(into: $0, at: offset) }
        return n == count ? bytes : nil
    }
}
