import LakeCore
import LakeCompression

/// One member of a ZIP archive, as its central directory describes it.
///
/// `name` is a label for messages only and never a path: `../../x.json` or `/etc/passwd` are just strings here,
/// and nothing in this module creates files from them.
public struct ZipMember: Sendable, Equatable {
    /// The stored name, decoded as UTF-8 (invalid bytes replaced); a label only.
    public var name: String
    /// `name` with control characters escaped, safe to print in messages and logs.
    public var label: String
    /// 0 stored, 8 deflate; others are refused when read.
    public var method: UInt16
    /// General-purpose bit flags (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name).
    public var flags: UInt16
    /// CRC-32 of the uncompressed bytes, checked after reading.
    public var crc32: UInt32
    /// Bytes of member data in the file (from the central directory or its Zip64 extra field).
    public var compressedSize: UInt64
    /// Declared uncompressed size; producing more is refused as a bomb, less as corrupt.
    public var uncompressedSize: UInt64
    /// Offset of the member's local header in the file.
    public var localHeaderOffset: UInt64

    /// A folder entry (name ends with `/`), skipped by readers.
    public var isDirectory: Bool { name.hasSuffix("/") }
    /// Traditional PKWARE or strong encryption (flag bit 0), or WinZip AES (method 99).
    public var isEncrypted: Bool { flags & 1 != 0 || method == 99 }
}

/// Reads a ZIP archive with positioned reads: the central directory once, then members one at a time in
/// bounded memory, so archives larger than RAM work.
///
/// Checks made: end-of-central-directory found within the last 64 KiB + 22 bytes (Zip64 records honoured);
/// every member's data lies inside the file, before the central directory and not overlapping another member
/// (which refuses overlapping-member bombs); only stored and deflate members, never encrypted ones; a member
/// never produces more than its declared size (refused as a bomb the moment it tries), nor less; CRC-32 matches.
final class ZipArchive {
    let file: InputFileDescriptor
    /// Members in central-directory order, folders included.
    let members: [ZipMember]
    /// Where the central directory starts (member data must end before it).
    let centralDirectoryOffset: UInt64
    /// Size of the chunks read from the file and produced by inflate.
    let chunkSize: Int
    /// For each member, the offset its data must not pass (next local header or the central directory).
    private let dataLimits: [UInt64: UInt64]
    private var inflater: Inflater?
    /// Compressed bytes read so far.
    private(set) var bytesRead: Int64 = 0

    private static let eocdSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EOCDSignature: UInt32 = 0x0606_4B50
    private static let centralSignature: UInt32 = 0x0201_4B50
    private static let localSignature: UInt32 = 0x0403_4B50

    init(file: InputFileDescriptor, chunkSize: Int = 256 * 1024) throws {
        precondition(chunkSize > 0)
        self.file = file
        self.chunkSize = chunkSize
        let size = UInt64(file.size)
        let eocd = try Self.findEndOfCentralDirectory(file)
        var fields = ByteReader(eocd.record)
        _ = fields.u32()
        let diskNumber = UInt32(fields.u16())
        let cdDisk = UInt32(fields.u16())
        var entriesOnDisk = UInt64(fields.u16())
        var totalEntries = UInt64(fields.u16())
        var cdSize = UInt64(fields.u32())
        var cdOffset = UInt64(fields.u32())
        var directoryEnd = eocd.offset

        // Zip64: a locator right before the EOCD points at the Zip64 EOCD record with 64-bit fields.
        if eocd.offset >= 20, let locator = try file.read(count: 20, at: Int64(eocd.offset - 20)),
           ByteReader(locator).peekU32() == Self.zip64LocatorSignature {
            var loc = ByteReader(locator)
            _ = loc.u32()
            _ = loc.u32()
            let recordOffset = loc.u64()
            guard size >= 56, recordOffset <= size - 56,
                  let record = try file.read(count: 56, at: Int64(recordOffset)),
                  ByteReader(record).peekU32() == Self.zip64EOCDSignature
            else {
                throw Self.error(file, "its Zip64 end-of-central-directory record is missing or damaged",
                                 offset: eocd.offset - 20, remedy: "the archive is corrupt; recreate it")
            }
            var z = ByteReader(record)
            _ = z.u32(); _ = z.u64(); _ = z.u16(); _ = z.u16()
            let zDisk = z.u32(), zCDDisk = z.u32()
            guard zDisk == 0 && zCDDisk == 0 else { throw Self.multiVolume(file) }
            entriesOnDisk = z.u64()
            totalEntries = z.u64()
            cdSize = z.u64()
            cdOffset = z.u64()
            directoryEnd = recordOffset
        }
        guard diskNumber == 0 || diskNumber == 0xFFFF, cdDisk == 0 || cdDisk == 0xFFFF,
              entriesOnDisk == totalEntries
        else { throw Self.multiVolume(file) }
        guard cdOffset <= directoryEnd, cdSize <= directoryEnd - cdOffset else {
            throw Self.error(file, "its central directory (offset \(cdOffset), \(cdSize) bytes) lies outside the file",
                             offset: eocd.offset, remedy: "the archive is truncated or corrupt; recreate it")
        }
        // Each central record takes at least 46 bytes: a count beyond that is a lie.
        guard totalEntries <= cdSize / 46 else {
            throw Self.error(file, "its end record claims \(totalEntries) members but the central directory "
                             + "holds at most \(cdSize / 46)", offset: eocd.offset,
                             remedy: "the archive is corrupt; recreate it")
        }
        centralDirectoryOffset = cdOffset
        members = try Self.readCentralDirectory(file, offset: cdOffset, size: cdSize, count: Int(totalEntries),
                                                 chunkSize: max(chunkSize, 64 * 1024))
        // Data of a member ends before the next local header (or the central directory).
        let starts = Set(members.map(\.localHeaderOffset)).sorted()
        var limits: [UInt64: UInt64] = [:]
        for (i, start) in starts.enumerated() {
            limits[start] = i + 1 < starts.count ? starts[i + 1] : cdOffset
        }
        dataLimits = limits
        var seen = Set<UInt64>()
        for member in members where !member.isDirectory {
            guard seen.insert(member.localHeaderOffset).inserted else {
                throw Self.error(file, "member \(member.label) shares its data with another member: refused as a "
                                 + "ZIP bomb", member: member, offset: member.localHeaderOffset,
                                 remedy: "recreate the archive with an ordinary ZIP tool")
            }
        }
    }

    // MARK: Reading members

    /// Streams a member's uncompressed bytes to `body` in chunks of at most `chunkSize`, checking size and CRC-32.
    func read(_ member: ZipMember, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !member.isEncrypted else {
            throw Self.error(file, "member \(member.label) is encrypted; encrypted archives are not supported",
                             member: member, offset: member.localHeaderOffset,
                             remedy: "recreate the archive without a password")
        }
        guard member.method == 0 || member.method == 8 else {
            throw Self.error(file, "member \(member.label) uses compression method \(member.method) "
                             + "(\(Self.methodName(member.method))); only stored (0) and deflate (8) are supported",
                             member: member, offset: member.localHeaderOffset,
                             remedy: "recreate the archive with deflate compression (the default of most tools)")
        }
        let size = UInt64(file.size)
        let headerOffset = member.localHeaderOffset
        guard headerOffset <= size, size - headerOffset >= 30,
              let header = try file.read(count: 30, at: Int64(headerOffset))
        else { throw truncated(member, at: headerOffset, what: "local header") }
        var h = ByteReader(header)
        guard h.u32() == Self.localSignature else {
            throw Self.error(file, "member \(member.label) has no local header where the central directory says",
                             member: member, offset: headerOffset, remedy: "the archive is corrupt; recreate it")
        }
        h.skip(22)
        let nameLength = UInt64(h.u16()), extraLength = UInt64(h.u16())
        let dataStart = headerOffset + 30 + nameLength + extraLength
        guard dataStart <= size, member.compressedSize <= size - dataStart else {
            throw truncated(member, at: headerOffset, what: "data")
        }
        let dataEnd = dataStart + member.compressedSize
        guard dataEnd <= dataLimits[headerOffset] ?? centralDirectoryOffset else {
            throw Self.error(file, "member \(member.label)'s data overlaps the next member or the central "
                             + "directory: refused as a ZIP bomb or a corrupt archive",
                             member: member, offset: headerOffset,
                             remedy: "recreate the archive with an ordinary ZIP tool")
        }

        var crc: UInt32 = 0
        var produced: UInt64 = 0
        let declared = member.uncompressedSize
        // Refuses output past the declared size before handing it on.
        func sink(_ chunk: UnsafeRawBufferPointer) throws {
            guard UInt64(chunk.count) <= declared - produced else {
                throw Self.error(file, "member \(member.label) inflates past its declared \(declared) bytes: "
                                 + "refused as a ZIP bomb", member: member, offset: headerOffset,
                                 remedy: "the archive was crafted or corrupted; do not trust it")
            }
            produced += UInt64(chunk.count)
            crc = CRC32.update(crc, chunk)
            try body(chunk)
        }

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var offset = dataStart
        if member.method == 0 {
            guard member.compressedSize == member.uncompressedSize else {
                throw Self.error(file, "stored member \(member.label) declares \(member.compressedSize) bytes "
                                 + "stored but \(member.uncompressedSize) uncompressed", member: member,
                                 offset: headerOffset, remedy: "the archive is corrupt; recreate it")
            }
            while offset < dataEnd {
                let want = Int(min(UInt64(chunkSize), dataEnd - offset))
                let chunk = try readChunk(buffer, want, at: offset, member: member)
                offset += UInt64(want)
                try sink(chunk)
            }
        } else {
            let inflater = try currentInflater(member)
            inflateLoop: while offset < dataEnd {
                let want = Int(min(UInt64(chunkSize), dataEnd - offset))
                let chunk = try readChunk(buffer, want, at: offset, member: member)
                offset += UInt64(want)
                do {
                    try inflater.inflate(chunk, sink: sink)
                } catch let error as DeflateError {
                    throw Self.error(file, "member \(member.label) has corrupt deflate data", member: member,
                                     offset: headerOffset, remedy: "the archive is corrupt; recreate it",
                                     cause: error)
                }
                if inflater.isFinished { break inflateLoop }
            }
            guard inflater.isFinished else {
                throw Self.error(file, "truncated: member \(member.label)'s deflate stream ends early "
                                 + "(after \(produced) of \(declared) bytes)", member: member, offset: headerOffset,
                                 remedy: "the archive is truncated or corrupt; was the upload cut short?")
            }
        }
        guard produced == declared else {
            throw Self.error(file, "member \(member.label) holds \(produced) bytes, not its declared \(declared)",
                             member: member, offset: headerOffset, remedy: "the archive is corrupt; recreate it")
        }
        guard crc == member.crc32 else {
            throw Self.error(file, "CRC-32 mismatch in member \(member.label) (computed \(Self.hex(crc)), "
                             + "declared \(Self.hex(member.crc32)))", member: member, offset: headerOffset,
                             remedy: "the archive is corrupt; recreate or re-upload it")
        }
    }

    private func readChunk(_ buffer: UnsafeMutableRawBufferPointer, _ count: Int, at offset: UInt64,
                           member: ZipMember) throws -> UnsafeRawBufferPointer {
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
        let n = try file.read(into: target, at: Int64(offset))
        guard n == count else { throw truncated(member, at: member.localHeaderOffset, what: "data") }
        bytesRead += Int64(n)
        return UnsafeRawBufferPointer(target)
    }

    private func currentInflater(_ member: ZipMember) throws -> Inflater {
        do {
            if let inflater {
                try inflater.reset()
                return inflater
            }
            let made = try Inflater(format: .raw, chunkSize: chunkSize)
            inflater = made
            return made
        } catch let error as DeflateError {
            throw LakeError(.internalError, "cannot set up inflate", location: Self.location(file, member, nil),
                            cause: error)
        }
    }

    private func truncated(_ member: ZipMember, at offset: UInt64, what: String) -> LakeError {
        Self.error(file, what == "data" ? "truncated: member \(member.label)'s data runs past the end of the file"
                   : "truncated: member \(member.label)'s \(what) runs past the end of the file",
                   member: member, offset: offset, remedy: "the archive is cut short; was the upload interrupted?")
    }

    // MARK: Central directory

    private static func findEndOfCentralDirectory(_ file: InputFileDescriptor) throws
        -> (offset: UInt64, record: [UInt8]) {
        let size = file.size
        let tailLength = Int(min(size, 65_535 + 22))
        guard tailLength >= 22, let tail = try file.read(count: tailLength, at: size - Int64(tailLength)) else {
            throw notZip(file)
        }
        // Prefer a record whose comment ends exactly at the end of the file; else the last plausible one.
        var fallback: Int?
        var i = tailLength - 22
        while i >= 0 {
            if tail[i] == 0x50 && tail[i + 1] == 0x4B && tail[i + 2] == 0x05 && tail[i + 3] == 0x06 {
                let commentLength = Int(tail[i + 20]) | Int(tail[i + 21]) << 8
                if i + 22 + commentLength == tailLength {
                    return (UInt64(size - Int64(tailLength - i)), Array(tail[i..<i + 22]))
                }
                if fallback == nil && i + 22 + commentLength <= tailLength { fallback = i }
            }
            i -= 1
        }
        if let i = fallback { return (UInt64(size - Int64(tailLength - i)), Array(tail[i..<i + 22])) }
        throw notZip(file)
    }

    private static func readCentralDirectory(_ file: InputFileDescriptor, offset: UInt64, size: UInt64, count: Int,
                                             chunkSize: Int) throws -> [ZipMember] {
        var reader = SequentialReader(file: file, start: offset, end: offset + size, bufferSize: chunkSize)
        var members: [ZipMember] = []
        members.reserveCapacity(min(count, 1 << 16))  // the count is not trusted until the records are read
        for index in 0..<count {
            let recordOffset = reader.position
            guard let fixed = try reader.read(46) else { throw shortDirectory(file, index, count, recordOffset) }
            var r = ByteReader(fixed)
            guard r.u32() == centralSignature else {
                throw error(file, "central directory record \(index + 1) of \(count) has a bad signature",
                            offset: recordOffset, remedy: "the archive is corrupt; recreate it")
            }
            r.skip(4)
            let flags = r.u16(), method = r.u16()
            r.skip(4)
            let crc = r.u32()
            var compressed = UInt64(r.u32()), uncompressed = UInt64(r.u32())
            let nameLength = Int(r.u16()), extraLength = Int(r.u16()), commentLength = Int(r.u16())
            let disk = r.u16()
            r.skip(6)
            var localOffset = UInt64(r.u32())
            guard let nameBytes = try reader.read(nameLength), let extra = try reader.read(extraLength),
                  try reader.skip(commentLength)
            else { throw shortDirectory(file, index, count, recordOffset) }
            // Zip64 extended information: the 64-bit values of the fields set to all ones, in this order.
            var x = ByteReader(extra)
            while x.remaining >= 4 {
                let id = x.u16(), length = Int(x.u16())
                guard length <= x.remaining else { break }
                guard id == 0x0001 else {
                    x.skip(length)
                    continue
                }
                var z = ByteReader(Array(x.bytes[x.index..<x.index + length]))
                if uncompressed == 0xFFFF_FFFF && z.remaining >= 8 { uncompressed = z.u64() }
                if compressed == 0xFFFF_FFFF && z.remaining >= 8 { compressed = z.u64() }
                if localOffset == 0xFFFF_FFFF && z.remaining >= 8 { localOffset = z.u64() }
                x.skip(length)
            }
            guard disk == 0 || disk == 0xFFFF else { throw multiVolume(file) }
            let name = String(decoding: nameBytes, as: UTF8.self)
            members.append(ZipMember(
                name: name, label: label(name), method: method, flags: flags, crc32: crc,
                compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: localOffset))
        }
        return members
    }

    /// A name made safe to print: control characters and quotes escaped, quoted.
    static func label(_ name: String) -> String {
        var out = "\""
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: Errors

    private static func location(_ file: InputFileDescriptor, _ member: ZipMember?, _ offset: UInt64?)
        -> InputLocation {
        InputLocation(file: file.path, member: member?.label,
                      byteOffset: offset.map { Int64(clamping: $0) })
    }

    static func error(_ file: InputFileDescriptor, _ message: String, member: ZipMember? = nil,
                      offset: UInt64? = nil, remedy: String? = nil,
                      cause: (any Error & Sendable)? = nil) -> LakeError {
        LakeError(.badInput, message, remedy: remedy, location: location(file, member, offset), cause: cause)
    }

    private static func notZip(_ file: InputFileDescriptor) -> LakeError {
        error(file, "not a ZIP archive (no end-of-central-directory record); was the upload cut short?",
              remedy: "re-upload the file, or check that it really is a ZIP archive")
    }

    private static func multiVolume(_ file: InputFileDescriptor) -> LakeError {
        error(file, "multi-volume (split) ZIP archives are not supported",
              remedy: "join the parts into one archive, or recreate it as a single file")
    }

    private static func shortDirectory(_ file: InputFileDescriptor, _ index: Int, _ count: Int,
                                       _ offset: UInt64) -> LakeError {
        error(file, "truncated: the central directory ends inside record \(index + 1) of \(count)",
              offset: offset, remedy: "the archive is truncated or corrupt; recreate it")
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    private static func methodName(_ method: UInt16) -> String {
        switch method {
        case 1: return "shrink"
        case 6: return "implode"
        case 9: return "deflate64"
        case 12: return "bzip2"
        case 14: return "LZMA"
        case 93: return "zstd"
        case 95: return "xz"
        case 98: return "PPMd"
        default: return "unknown"
        }
    }
}

/// Little-endian field reader over a small byte array; reads past the end yield zeros (callers check lengths).
struct ByteReader {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - index }

    mutating func skip(_ n: Int) { index = min(bytes.count, index + n) }

    mutating func u8() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func u16() -> UInt16 { UInt16(u8()) | UInt16(u8()) << 8 }
    mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }
    mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }

    func peekU32() -> UInt32 {
        var copy = self
        return copy.u32()
    }
}

/// Buffered sequential reads over a byte range of a file (for the central directory).
struct SequentialReader {
    let file: InputFileDescriptor
    let end: UInt64
    let bufferSize: Int
    private(set) var position: UInt64
    private var buffer: [UInt8] = []
    private var bufferStart: UInt64
    private var bufferIndex = 0

    init(file: InputFileDescriptor, start: UInt64, end: UInt64, bufferSize: Int) {
        self.file = file
        self.end = end
        self.bufferSize = bufferSize
        position = start
        bufferStart = start
    }

    /// The next `count` bytes, or nil if the range ends first.
    mutating func read(_ count: Int) throws -> [UInt8]? {
        guard UInt64(count) <= end - position else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            if bufferIndex == buffer.count {
                let want = Int(min(UInt64(bufferSize), end - position))
                guard want > 0, let next = try file.read(count: want, at: Int64(position)) else { return nil }
                buffer = next
                bufferStart = position
                bufferIndex = 0
            }
            let take = min(count - out.count, buffer.count - bufferIndex)
            out.append(contentsOf: buffer[bufferIndex..<bufferIndex + take])
            bufferIndex += take
            position += UInt64(take)
        }
        return out
    }

    /// Skips `count` bytes; false if the range ends first.
    mutating func skip(_ count: Int) throws -> Bool {
        try read(count) != nil
    }
}
