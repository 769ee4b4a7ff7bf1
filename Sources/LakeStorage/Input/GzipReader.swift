import LakeCore
import LakeCompression

/// Streams the decompressed bytes of a gzip file, including files of several concatenated gzip members.
///
/// igzip checks each member's CRC-32 and length trailer. A file that ends inside a member is refused as
/// truncated; bytes after a member that do not start another gzip member are refused as corrupt.
struct GzipReader {
    let file: InputFileDescriptor
    let chunkSize: Int

    /// Calls `body` with decompressed chunks of at most `chunkSize` bytes.
    /// - Returns: compressed bytes read and gzip members seen.
    @discardableResult
    func read(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> (bytesRead: Int64, members: Int) {
        let inflater: Inflater
        do {
            inflater = try Inflater(format: .gzip, chunkSize: chunkSize)
        } catch let error as DeflateError {
            throw LakeError(.internalError, "cannot set up inflate", location: InputLocation(file: file.path),
                            cause: error)
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        var members = 0
        var inMember = false
        while true {
            let n = try file.read(into: buffer, at: offset)
            if n == 0 { break }
            var chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            while !chunk.isEmpty {
                if inflater.isFinished {
                    try reset(inflater, at: offset)
                }
                if !inMember {
                    inMember = true
                    members += 1
                }
                let used: Int
                do {
                    used = try inflater.inflate(chunk, sink: body)
                } catch let error as DeflateError {
                    throw LakeError(
                        .badInput, members > 1 && error.message.contains("header")
                            ? "gzip file has bytes after member \(members - 1) that are not another gzip member"
                            : "gzip data is corrupt in member \(members)",
                        remedy: "the file is damaged; re-upload or recreate it",
                        location: InputLocation(file: file.path, byteOffset: offset), cause: error)
                }
                guard used == chunk.count || inflater.isFinished else {
                    throw LakeError(.badInput, "gzip data is corrupt in member \(members)",
                                    remedy: "the file is damaged; re-upload or recreate it",
                                    location: InputLocation(file: file.path, byteOffset: offset + Int64(used)))
                }
                offset += Int64(used)
                chunk = UnsafeRawBufferPointer(rebasing: chunk[used...])
                if inflater.isFinished { inMember = false }
            }
        }
        guard members > 0 else {
            throw LakeError(.badInput, "gzip file is empty", remedy: "re-upload the file; was the upload cut short?",
                            location: InputLocation(file: file.path, byteOffset: 0))
        }
        guard !inMember else {
            throw LakeError(
                .badInput, "truncated gzip: the file ends inside compressed member \(members)",
                remedy: "was the upload cut short? re-upload the file",
                location: InputLocation(file: file.path, byteOffset: offset))
        }
        return (offset, members)
    }

    private func reset(_ inflater: Inflater, at offset: Int64) throws {
        do {
            try inflater.reset()
        } catch let error as DeflateError {
            throw LakeError(.internalError, "cannot reset inflate",
                            location: InputLocation(file: file.path, byteOffset: offset), cause: error)
        }
    }
}
