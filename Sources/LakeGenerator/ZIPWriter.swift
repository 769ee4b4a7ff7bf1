internal import LakeCompression
internal import LakeCore

/// Writes a ZIP archive member by member, streaming each member's bytes through deflate.
///
/// Layout (PKWARE APPNOTE.TXT 6.3.10, sections 4.3.7 to 4.3.16), all integers little-endian:
///
///     [local file header 1][data 1][data descriptor 1, if asked] … [central directory][end of central directory]
///
/// By default the local header is written with zero CRC and sizes and patched in place once the member ends, so
/// readers that only walk local headers also work. A member may instead set general-purpose flag bit 3 and
/// end with a data descriptor, as streaming zippers do. No Zip64: members and the archive stay below 4 GiB.
///
/// Tests may also craft hostile archives: member names are written verbatim (`../../x.jsonl`, `dir/`), and
/// `MemberOptions` can declare a size or CRC-32 that does not match the data.
///
/// Not `Sendable`: one owner at a time.
public final class ZIPWriter {
    /// How a member's bytes are stored.
    public enum CompressionMethod: Sendable, Hashable {
        /// Method 0: the bytes as they are.
        case store
        /// Method 8: raw deflate.
        case deflate

        var code: UInt16 { self == .store ? 0 : 8 }
    }

    /// Per-member choices; the defaults make an ordinary deflated member.
    public struct MemberOptions: Sendable {
        /// Store or deflate.
        public var method: CompressionMethod
        /// zlib level for `.deflate`, 0 to 9.
        public var compressionLevel: Int32
        /// Sets flag bit 3 and writes a data descriptor after the data instead of patching the local header.
        public var usesDataDescriptor: Bool
        /// The member's modification time in seconds since the Unix epoch (UTC), stored as MS-DOS date and time.
        public var modificationTime: Int64
        /// Declares this uncompressed size instead of the true one (for tests of lying archives).
        public var declaredUncompressedSize: UInt32?
        /// Declares this CRC-32 instead of the true one (for tests of corrupt archives).
        public var declaredCRC32: UInt32?

        /// Creates options; every parameter has the ordinary default.
        public init(
            method: CompressionMethod = .deflate,
            compressionLevel: Int32 = 6,
            usesDataDescriptor: Bool = false,
            modificationTime: Int64 = 315_532_800,
            declaredUncompressedSize: UInt32? = nil,
            declaredCRC32: UInt32? = nil
        ) {
            self.method = method
            self.compressionLevel = compressionLevel
            self.usesDataDescriptor = usesDataDescriptor
            self.modificationTime = modificationTime
            self.declaredUncompressedSize = declaredUncompressedSize
            self.declaredCRC32 = declaredCRC32
        }
    }

    private struct Entry {
        var name: [UInt8]
        var flags: UInt16
        var method: UInt16
        var dosTime: UInt16
        var dosDate: UInt16
        var crc: UInt32
        var compressedSize: UInt32
        var uncompressedSize: UInt32
        var localHeaderOffset: UInt32
        var externalAttributes: UInt32
    }

    private struct OpenMember {
        var entry: Entry
        var options: MemberOptions
        var deflater: Deflater?
        var crc: UInt32 = 0
        var uncompressed: Int64 = 0
        var dataStart: Int64
    }

    private let file: OutputFile
    private var entries: [Entry] = []
    private var current: OpenMember?
    private var isFinished = false

    /// The archive's path.
    public var path: String { file.path }

    /// Bytes written so far; after `finish()`, the archive's size.
    public var byteCount: Int64 { file.offset }

    /// Creates or truncates the archive at `path`.
    /// - Throws: `LakeError` with code `.io` when the file cannot be created.
    public init(path: String) throws {
        file = try OutputFile(path: path)
    }

    /// Starts a member; its bytes follow through `write` until `endMember()`.
    /// - Throws: `LakeError` on I/O failure; a member still open is a programmer error.
    public func beginMember(_ name: String, options: MemberOptions = MemberOptions()) throws {
        precondition(current == nil && !isFinished, "beginMember while a member is open or after finish")
        let nameBytes = Array(name.utf8)
        precondition(nameBytes.count <= 0xFFFF, "ZIP member names are at most 65535 bytes")
        var flags: UInt16 = nameBytes.contains { $0 >= 0x80 } ? 1 << 11 : 0  // bit 11: name is UTF-8
        if options.usesDataDescriptor { flags |= 1 << 3 }
        let (time, date) = ZIPWriter.dosDateTime(options.modificationTime)
        let isDirectory = name.hasSuffix("/")
        let mode: UInt32 = isDirectory ? 0o040755 : 0o100644
        let entry = Entry(
            name: nameBytes,
            flags: flags,
            method: options.method.code,
            dosTime: time,
            dosDate: date,
            crc: 0,
            compressedSize: 0,
            uncompressedSize: 0,
            localHeaderOffset: try offset32(file.offset),
            externalAttributes: mode << 16 | (isDirectory ? 0x10 : 0)
        )
        var header: [UInt8] = []
        header.reserveCapacity(30 + nameBytes.count)
        header.le32(0x0403_4B50)
        header.le16(options.method == .deflate ? 20 : 10)
        header.le16(flags)
        header.le16(entry.method)
        header.le16(time)
        header.le16(date)
        header.le32(0)  // CRC-32, patched or in the data descriptor
        header.le32(0)  // compressed size
        header.le32(0)  // uncompressed size
        header.le16(UInt16(nameBytes.count))
        header.le16(0)  // extra field length
        header.append(contentsOf: nameBytes)
        try file.write(header)
        let deflater =
            options.method == .deflate ? try Deflater(format: .raw, level: options.compressionLevel) : nil
        current = OpenMember(entry: entry, options: options, deflater: deflater, dataStart: file.offset)
    }

    /// Appends bytes to the open member.
    /// - Throws: `LakeError` on I/O failure, `DeflateError` if deflate fails.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(current != nil, "write without an open member")
        current!.crc = CRC32.update(current!.crc, bytes)
        current!.uncompressed += Int64(bytes.count)
        if let deflater = current!.deflater {
            let file = self.file
            try deflater.deflate(bytes) { try file.write($0) }
        } else {
            try file.write(bytes)
        }
    }

    /// Appends bytes to the open member.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Ends the open member: flushes deflate, then patches its local header or writes its data descriptor.
    /// - Throws: `LakeError` on I/O failure or when the member reaches 4 GiB (Zip64 is not supported).
    public func endMember() throws {
        guard var member = current else { preconditionFailure("endMember without an open member") }
        current = nil
        if let deflater = member.deflater {
            let file = self.file
            try deflater.deflate(UnsafeRawBufferPointer(start: nil, count: 0), finish: true) { try file.write($0) }
        }
        member.entry.crc = member.options.declaredCRC32 ?? member.crc
        member.entry.compressedSize = try offset32(file.offset - member.dataStart)
        member.entry.uncompressedSize = try member.options.declaredUncompressedSize ?? offset32(member.uncompressed)
        var sizes: [UInt8] = []
        sizes.le32(member.entry.crc)
        sizes.le32(member.entry.compressedSize)
        sizes.le32(member.entry.uncompressedSize)
        if member.options.usesDataDescriptor {
            var descriptor: [UInt8] = []
            descriptor.le32(0x0807_4B50)
            descriptor.append(contentsOf: sizes)
            try file.write(descriptor)
        } else {
            try file.patch(sizes, at: Int64(member.entry.localHeaderOffset) + 14)
        }
        entries.append(member.entry)
    }

    /// Adds a whole member at once.
    public func addMember(_ name: String, contents: [UInt8], options: MemberOptions = MemberOptions()) throws {
        try beginMember(name, options: options)
        try write(contents)
        try endMember()
    }

    /// Adds a folder entry; `name` should end with `/`.
    public func addDirectory(_ name: String, modificationTime: Int64 = 315_532_800) throws {
        try addMember(name, contents: [], options: MemberOptions(method: .store, modificationTime: modificationTime))
    }

    /// Writes the central directory and the end record, then closes the file.
    /// - Parameter sync: also `fsync` the file before closing.
    /// - Throws: `LakeError` on I/O failure or past ZIP's limits (65535 members, 4 GiB).
    public func finish(sync: Bool = false) throws {
        precondition(current == nil && !isFinished, "finish while a member is open or twice")
        isFinished = true
        guard entries.count <= 0xFFFF else {
            throw LakeError(.usage, "a ZIP without Zip64 holds at most 65535 members", location: .init(file: path))
        }
        let directoryStart = try offset32(file.offset)
        var directory: [UInt8] = []
        for e in entries {
            directory.le32(0x0201_4B50)
            directory.le16(0x031E)  // made by: Unix, spec 3.0, so external attributes are Unix modes
            directory.le16(e.method == 8 ? 20 : 10)
            directory.le16(e.flags)
            directory.le16(e.method)
            directory.le16(e.dosTime)
            directory.le16(e.dosDate)
            directory.le32(e.crc)
            directory.le32(e.compressedSize)
            directory.le32(e.uncompressedSize)
            directory.le16(UInt16(e.name.count))
            directory.le16(0)  // extra field length
            directory.le16(0)  // comment length
            directory.le16(0)  // disk number start
            directory.le16(0)  // internal attributes
            directory.le32(e.externalAttributes)
            directory.le32(e.localHeaderOffset)
            directory.append(contentsOf: e.name)
        }
        try file.write(directory)
        var end: [UInt8] = []
        end.le32(0x0605_4B50)
        end.le16(0)  // this disk
        end.le16(0)  // disk with the central directory
        end.le16(UInt16(entries.count))
        end.le16(UInt16(entries.count))
        end.le32(UInt32(directory.count))
        end.le32(directoryStart)
        end.le16(0)  // comment length
        try file.write(end)
        try file.close(sync: sync)
    }

    private func offset32(_ value: Int64) throws -> UInt32 {
        guard value < 0xFFFF_FFFF else {
            throw LakeError(
                .usage,
                "ZIP archive or member reaches 4 GiB, which needs Zip64",
                remedy: "generate smaller batches",
                location: .init(file: path)
            )
        }
        return UInt32(value)
    }

    /// MS-DOS time (2-second resolution) and date (years from 1980), APPNOTE 4.4.6.
    static func dosDateTime(_ epochSeconds: Int64) -> (time: UInt16, date: UInt16) {
        let clamped = max(epochSeconds, 315_532_800)  // 1980-01-01T00:00:00Z, the earliest MS-DOS date
        let days = clamped / 86_400
        let seconds = Int(clamped - days * 86_400)
        let (y, m, d) = CivilDate.fromDays(days)
        let time = UInt16(seconds / 3600) << 11 | UInt16(seconds / 60 % 60) << 5 | UInt16(seconds % 60 / 2)
        let date = UInt16(min(y - 1980, 127)) << 9 | UInt16(m) << 5 | UInt16(d)
        return (time, date)
    }
}

extension [UInt8] {
    @inline(__always) mutating func le16(_ v: UInt16) {
        append(UInt8(truncatingIfNeeded: v))
        append(UInt8(truncatingIfNeeded: v >> 8))
    }

    @inline(__always) mutating func le32(_ v: UInt32) {
        le16(UInt16(truncatingIfNeeded: v))
        le16(UInt16(truncatingIfNeeded: v >> 16))
    }
}
