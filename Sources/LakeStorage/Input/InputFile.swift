import LakeCore
import Crypto

/// How an input file is packed.
public enum InputKind: String, Sendable, Equatable, CustomStringConvertible {
    /// A ZIP archive of JSON-lines members.
    case zip
    /// A gzip file (one or several concatenated members) of JSON lines.
    case gzip
    /// Uncompressed JSON lines.
    case plain

    public var description: String { rawValue }

    /// Decides the kind by magic bytes first (`PK\3\4`, `PK\5\6`, `1f 8b`), then by extension (`.zip`, `.gz`,
    /// `.json`, `.jsonl`), else plain JSON lines.
    public static func detect(magic: some Collection<UInt8>, path: String) -> InputKind {
        let head = Array(magic.prefix(4))
        if head.count >= 4 && head[0] == 0x50 && head[1] == 0x4B
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)) {
            return .zip
        }
        if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B { return .gzip }
        let name = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        if name.hasSuffix(".zip") { return .zip }
        if name.hasSuffix(".gz") { return .gzip }
        return .plain  // .json, .jsonl and anything else
    }
}

/// Settings of the input readers.
public struct InputOptions: Sendable, Equatable {
    /// 256 MiB.
    public static let defaultMaxLineLength = 256 << 20

    /// Longest line content delivered as `.line`; longer non-blank lines become `.tooLong`.
    public var maxLineLength: Int
    /// Bytes of a too-long line kept for its quarantine record.
    public var tooLongPrefixLength: Int
    /// Size of the chunks read from the file and produced by inflate (small values are for tests).
    public var chunkSize: Int

    /// Settings with the production defaults: 256 MiB lines, 1 KiB prefixes, 256 KiB chunks.
    public init(maxLineLength: Int = InputOptions.defaultMaxLineLength, tooLongPrefixLength: Int = 1024,
                chunkSize: Int = 256 << 10) {
        precondition(maxLineLength >= 0 && tooLongPrefixLength >= 0 && chunkSize > 0)
        self.maxLineLength = maxLineLength
        self.tooLongPrefixLength = tooLongPrefixLength
        self.chunkSize = chunkSize
    }
}

/// What one pass of `InputFile.forEachLine` saw.
public struct InputSummary: Sendable, Equatable {
    /// The kind of input read.
    public var kind: InputKind
    /// Streams read: ZIP members other than folders, gzip members, or 1 for a plain file.
    public var members = 0
    /// Lines delivered as `.line`.
    public var lines = 0
    /// Empty and whitespace-only lines skipped.
    public var blankLines = 0
    /// Lines delivered as `.tooLong`.
    public var tooLongLines = 0
    /// Bytes read from the file as member or stream data (compressed for ZIP and gzip).
    public var bytesIn: Int64 = 0
    /// Decompressed bytes split into lines.
    public var bytesOut: Int64 = 0

    /// An empty summary for an input of `kind`.
    public init(kind: InputKind) { self.kind = kind }
}

/// An input file opened for reading: a ZIP archive, a gzip file, or plain JSON lines.
///
/// ```swift
/// let input = try InputFile.open(path: path)
/// let digest = try input.sha256Hex()
/// let summary = try input.forEachLine { event in
///     switch event {
///     case .line(let line): parse(line.bytes)       // valid only inside the callback
///     case .tooLong(let long): quarantine(long)
///     }
/// }
/// ```
/// Not `Sendable`: one owner at a time. The descriptor closes when the value is released.
public final class InputFile {
    /// The path as given (used in messages).
    public let path: String
    /// How the file is packed.
    public let kind: InputKind
    /// The file's size when opened.
    public let byteCount: Int64
    /// Reader settings.
    public let options: InputOptions
    let file: InputFileDescriptor

    private init(file: InputFileDescriptor, kind: InputKind, options: InputOptions) {
        self.file = file
        path = file.path
        byteCount = file.size
        self.kind = kind
        self.options = options
    }

    /// Opens `path` and detects its kind (see `InputKind.detect`).
    /// - Throws: `LakeError` `.badInput` if the file is missing, unreadable or not a regular file.
    public static func open(path: String, options: InputOptions = InputOptions()) throws -> InputFile {
        let file = try InputFileDescriptor(path: path)
        let magic = try file.read(count: Int(min(4, file.size)), at: 0) ?? []
        return InputFile(file: file, kind: InputKind.detect(magic: magic, path: path), options: options)
    }

    /// SHA-256 of the file's bytes, in one streaming pass of 1 MiB positioned reads.
    public func sha256() throws -> [UInt8] {
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while true {
            let n = try file.read(into: buffer, at: offset)
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            offset += Int64(n)
        }
        guard offset == byteCount else {
            throw LakeError(.io, "input file changed size while being hashed (\(byteCount) then \(offset) bytes)",
                            remedy: "wait until the upload is complete, then retry",
                            location: InputLocation(file: path))
        }
        return Array(hasher.finalize())
    }

    /// SHA-256 of the file's bytes as 64 lowercase hex digits.
    public func sha256Hex() throws -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in try sha256() {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The members of a ZIP archive in central-directory order (folders included); empty for other kinds.
    /// - Throws: `LakeError` `.badInput` if the archive's structure is broken.
    public func zipMembers() throws -> [ZipMember] {
        guard kind == .zip else { return [] }
        return try ZipArchive(file: file, chunkSize: options.chunkSize).members
    }

    /// Reads every line of the file in order (ZIP members in central-directory order, folders skipped) and
    /// hands each non-blank one to `body`.
    ///
    /// Line numbers and offsets restart with each ZIP member; a gzip file's concatenated members form one
    /// stream. Memory stays bounded by the chunk size plus the longest line (at most `maxLineLength`).
    /// - Throws: `LakeError` `.badInput` for a broken, truncated, encrypted or hostile input (naming the file,
    ///   member and offset), `.io` for a failed read, or whatever `body` throws. Lines already delivered stay
    ///   delivered: callers treat a thrown error as "this input failed".
    @discardableResult
    public func forEachLine(_ body: (InputEvent) throws -> Void) throws -> InputSummary {
        var summary = InputSummary(kind: kind)
        func collect(_ splitter: LineSplitter) {
            summary.lines += splitter.counts.lines
            summary.blankLines += splitter.counts.blankLines
            summary.tooLongLines += splitter.counts.tooLongLines
            summary.bytesOut += splitter.counts.bytes
        }
        switch kind {
        case .plain:
            var splitter = makeSplitter(member: nil)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: options.chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            var offset: Int64 = 0
            while true {
                let n = try file.read(into: buffer, at: offset)
                if n == 0 { break }
                offset += Int64(n)
                try splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), body)
            }
            try splitter.finish(body)
            collect(splitter)
            summary.members = 1
            summary.bytesIn = offset
        case .gzip:
            var splitter = makeSplitter(member: nil)
            let (read, members) = try GzipReader(file: file, chunkSize: options.chunkSize).read { chunk in
                try splitter.feed(chunk, body)
            }
            try splitter.finish(body)
            collect(splitter)
            summary.members = members
            summary.bytesIn = read
        case .zip:
            let archive = try ZipArchive(file: file, chunkSize: options.chunkSize)
            for member in archive.members where !member.isDirectory {
                var splitter = makeSplitter(member: member.name)
                try archive.read(member) { chunk in try splitter.feed(chunk, body) }
                try splitter.finish(body)
                collect(splitter)
                summary.members += 1
            }
            summary.bytesIn = archive.bytesRead
        }
        return summary
    }

    private func makeSplitter(member: String?) -> LineSplitter {
        LineSplitter(member: member, maxLineLength: options.maxLineLength,
                     tooLongPrefixLength: options.tooLongPrefixLength)
    }
}
