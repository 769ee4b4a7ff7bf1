#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
internal import LakeCore

/// Where a reader gets its bytes: a file read with `pread`, or bytes already in memory (tests, fuzzing).
enum ByteSource {
    case file(descriptor: Int32, size: Int)
    case memory([UInt8])

    static func open(path: String) throws -> ByteSource {
        let fd = path.withCString { Glibc.open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            throw LakeError(code == ENOENT ? .badInput : .io, "cannot open columnar file: \(String(cString: strerror(code)))",
                            location: InputLocation(file: path))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw LakeError(.io, "cannot stat columnar file: \(String(cString: strerror(code)))", location: InputLocation(file: path))
        }
        return .file(descriptor: fd, size: Int(info.st_size))
    }

    var size: Int {
        switch self {
        case .file(_, let size): return size
        case .memory(let bytes): return bytes.count
        }
    }

    /// Bytes `range`, which the caller has checked against `size`.
    func read(_ range: Range<Int>, path: String) throws -> [UInt8] {
        precondition(range.lowerBound >= 0 && range.upperBound <= size)
        switch self {
        case .memory(let bytes): return Array(bytes[range])
        case .file(let fd, _):
            var out = [UInt8](repeating: 0, count: range.count)
            var done = 0
            while done < range.count {
                let n = out.withUnsafeMutableBytes { buffer in
                    pread(fd, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    let reason = n == 0 ? "file shrank while reading" : String(cString: strerror(errno))
                    throw LakeError(.io, "cannot read columnar file: \(reason)",
                                    location: InputLocation(file: path, byteOffset: Int64(range.lowerBound + done)))
                }
                done += n
            }
            return out
        }
    }

    func close() {
        if case .file(let fd, _) = self { _ = Glibc.close(fd) }
    }
}

/// Where a writer puts its bytes: a file written with `write`, or memory.
final class ByteSink {
    private var descriptor: Int32?
    private(set) var memory: [UInt8] = []
    private(set) var written = 0
    let path: String

    init(path: String) throws {
        self.path = path
        let fd = path.withCString { Glibc.open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard fd >= 0 else {
            throw LakeError(.io, "cannot create columnar file: \(String(cString: strerror(errno)))",
                            location: InputLocation(file: path))
        }
        descriptor = fd
    }

    init(memoryNamed name: String) {
        path = name
        descriptor = nil
    }

    func write(_ bytes: [UInt8]) throws {
        defer { written += bytes.count }
        guard let fd = descriptor else { return memory.append(contentsOf: bytes) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw LakeError(.io, "cannot write columnar file: \(String(cString: strerror(errno)))",
                                location: InputLocation(file: path, byteOffset: Int64(written + done)))
            }
            done += n
        }
    }

    /// Overwrites one byte already written (the header's version byte, once the pages are known).
    func patch(_ byte: UInt8, at offset: Int) throws {
        precondition(offset >= 0 && offset < written)
        guard let fd = descriptor else {
            memory[offset] = byte
            return
        }
        var value = byte
        while true {
            let n = pwrite(fd, &value, 1, off_t(offset))
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else {
                throw LakeError(.io, "cannot write columnar file: \(String(cString: strerror(errno)))",
                                location: InputLocation(file: path, byteOffset: Int64(offset)))
            }
            return
        }
    }

    func close() throws {
        guard let fd = descriptor else { return }
        descriptor = nil
        guard Glibc.close(fd) == 0 else {
            throw LakeError(.io, "cannot close columnar file: \(String(cString: strerror(errno)))",
                            location: InputLocation(file: path))
        }
    }

    deinit {
        if let fd = descriptor { _ = Glibc.close(fd) }
    }
}
