import Foundation
import LakeCompression
import LakeCore
import Testing

@testable import LakeStorage

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "batchlake-input-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` inside the directory and returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// One line event in a comparable form.
struct SeenLine: Equatable, CustomStringConvertible {
    var member: String?
    var number: Int
    var offset: Int64
    var text: String
    var tooLongLength: Int?

    var description: String {
        "\(member ?? "-"):\(number)@\(offset) \(tooLongLength.map { "TOO LONG \($0) " } ?? "")\(text.debugDescription)"
    }
}

func seen(_ event: InputEvent) -> SeenLine {
    switch event {
    case .line(let line):
        return SeenLine(member: line.member, number: line.number, offset: line.offset,
                        text: String(decoding: line.bytes, as: UTF8.self))
    case .tooLong(let long):
        return SeenLine(member: long.member, number: long.number, offset: long.offset,
                        text: String(decoding: long.prefix, as: UTF8.self), tooLongLength: long.length)
    }
}

/// Reads every line of the file at `path`.
func readLines(_ path: String, options: InputOptions = InputOptions()) throws -> (lines: [SeenLine], summary: InputSummary) {
    let input = try InputFile.open(path: path, options: options)
    var lines: [SeenLine] = []
    let summary = try input.forEachLine { lines.append(seen($0)) }
    return (lines, summary)
}

/// Splits `bytes` with a `LineSplitter` fed in chunks of `chunkSize`.
func split(_ bytes: [UInt8], chunkSize: Int, maxLineLength: Int = InputOptions.defaultMaxLineLength,
           prefixLength: Int = 1024) throws -> (lines: [SeenLine], counts: LineCounts) {
    var splitter = LineSplitter(member: nil, maxLineLength: maxLineLength, tooLongPrefixLength: prefixLength)
    var lines: [SeenLine] = []
    try bytes.withUnsafeBytes { all in
        var start = 0
        while start < all.count {
            let end = min(all.count, start + chunkSize)
            try splitter.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])) { lines.append(seen($0)) }
            start = end
        }
    }
    try splitter.finish { lines.append(seen($0)) }
    return (lines, splitter.counts)
}

/// The splitting rules written the slow, obvious way, to compare against.
func referenceSplit(_ bytes: [UInt8], maxLineLength: Int = InputOptions.defaultMaxLineLength,
                    prefixLength: Int = 1024) -> [SeenLine] {
    var out: [SeenLine] = []
    var start = 0
    var number = 1
    let bomSkip = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while start < bytes.count {
        let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        var content = Array(bytes[(number == 1 ? bomSkip : start)..<end])
        while let first = content.first, first == 0x20 || first == 0x09 || first == 0x0D { content.removeFirst() }
        if content.last == 0x0D { content.removeLast() }
        if !content.isEmpty {
            if content.count > maxLineLength {
                out.append(SeenLine(member: nil, number: number, offset: Int64(start),
                                    text: String(decoding: content.prefix(prefixLength), as: UTF8.self),
                                    tooLongLength: content.count))
            } else {
                out.append(SeenLine(member: nil, number: number, offset: Int64(start),
                                    text: String(decoding: content, as: UTF8.self)))
            }
        }
        number += 1
        start = end + 1
    }
    return out
}

/// Expects `body` to throw a `LakeError` whose message contains `fragment`; returns it.
@discardableResult
func expectLakeError(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) -> LakeError? {
    do {
        try body()
        Issue.record("expected an error containing \"\(fragment)\"", sourceLocation: sourceLocation)
        return nil
    } catch let error as LakeError {
        #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a LakeError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

// MARK: ZIP builders

/// Writes a ZIP with Python's `zipfile` (an independent implementation); `compress` false stores the member.
func pythonZip(_ path: String, _ members: [(name: String, data: String, compress: Bool)],
               comment: String = "") throws {
    let spec = members.map { ["name": $0.name, "data": Data($0.data.utf8).base64EncodedString(),
                              "method": $0.compress ? "8" : "0"] }
    let json = try JSONSerialization.data(withJSONObject: ["members": spec, "comment": comment])
    let script = """
        import base64, json, sys, zipfile
        spec = json.load(sys.stdin)
        with zipfile.ZipFile(sys.argv[1], "w") as z:
            z.comment = spec["comment"].encode()
            for m in spec["members"]:
                info = zipfile.ZipInfo(m["name"])
                info.compress_type = zipfile.ZIP_DEFLATED if m["method"] == "8" else zipfile.ZIP_STORED
                if m["name"].endswith("/"):
                    info.external_attr = 0o40755 << 16 | 0x10
                z.writestr(info, base64.b64decode(m["data"]))
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, path]
    let input = Pipe()
    process.standardInput = input
    try process.run()
    input.fileHandleForWriting.write(json)
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "python3 zipfile failed")
}

/// A member for the hand-written ZIP builder, with knobs to make it lie.
struct RawMember {
    var name: String
    var data: [UInt8]
    var method: UInt16 = 8
    var flags: UInt16 = 0
    var declaredUncompressed: UInt64?
    var declaredCompressed: UInt64?
    var declaredCRC: UInt32?
    /// Points the central record at another member's local header (by index).
    var localHeaderOf: Int?
}

private extension Array where Element == UInt8 {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { le16(UInt16(v & 0xFFFF)); le16(UInt16(v >> 16)) }
    mutating func le64(_ v: UInt64) { le32(UInt32(v & 0xFFFF_FFFF)); le32(UInt32(v >> 32)) }
}

/// Writes ZIP bytes by hand; with `zip64`, sizes and offsets go through Zip64 extra fields and records.
func rawZip(_ members: [RawMember], zip64: Bool = false, comment: [UInt8] = []) throws -> [UInt8] {
    var out: [UInt8] = []
    var central: [UInt8] = []
    var offsets: [UInt64] = []
    for member in members {
        let stored = member.method == 8 ? try Zlib.compress(member.data, format: .raw) : member.data
        let crc = member.declaredCRC ?? CRC32.checksum(member.data)
        let usize = member.declaredUncompressed ?? UInt64(member.data.count)
        let csize = member.declaredCompressed ?? UInt64(stored.count)
        let name = Array(member.name.utf8)
        offsets.append(UInt64(out.count))
        out.le32(0x0403_4B50)
        out.le16(zip64 ? 45 : 20)
        out.le16(member.flags)
        out.le16(member.method)
        out.le32(0)
        out.le32(crc)
        out.le32(zip64 ? 0xFFFF_FFFF : UInt32(csize))
        out.le32(zip64 ? 0xFFFF_FFFF : UInt32(usize))
        out.le16(UInt16(name.count))
        out.le16(zip64 ? 20 : 0)
        out += name
        if zip64 {
            out.le16(1); out.le16(16); out.le64(usize); out.le64(csize)
        }
        out += stored
    }
    for (i, member) in members.enumerated() {
        let stored = member.method == 8 ? try Zlib.compress(member.data, format: .raw) : member.data
        let crc = member.declaredCRC ?? CRC32.checksum(member.data)
        let usize = member.declaredUncompressed ?? UInt64(member.data.count)
        let csize = member.declaredCompressed ?? UInt64(stored.count)
        let offset = offsets[member.localHeaderOf ?? i]
        let name = Array(member.name.utf8)
        central.le32(0x0201_4B50)
        central.le16(zip64 ? 45 : 20)
        central.le16(zip64 ? 45 : 20)
        central.le16(member.flags)
        central.le16(member.method)
        central.le32(0)
        central.le32(crc)
        central.le32(zip64 ? 0xFFFF_FFFF : UInt32(csize))
        central.le32(zip64 ? 0xFFFF_FFFF : UInt32(usize))
        central.le16(UInt16(name.count))
        central.le16(zip64 ? 28 : 0)
        central.le16(0)
        central.le16(0)
        central.le16(0)
        central.le32(0)
        central.le32(zip64 ? 0xFFFF_FFFF : UInt32(offset))
        central += name
        if zip64 {
            central.le16(1); central.le16(24); central.le64(usize); central.le64(csize); central.le64(offset)
        }
    }
    let cdOffset = UInt64(out.count)
    out += central
    if zip64 {
        let recordOffset = UInt64(out.count)
        out.le32(0x0606_4B50); out.le64(44); out.le16(45); out.le16(45); out.le32(0); out.le32(0)
        out.le64(UInt64(members.count)); out.le64(UInt64(members.count))
        out.le64(UInt64(central.count)); out.le64(cdOffset)
        out.le32(0x0706_4B50); out.le32(0); out.le64(recordOffset); out.le32(1)
    }
    out.le32(0x0605_4B50)
    out.le16(0); out.le16(0)
    out.le16(zip64 ? 0xFFFF : UInt16(members.count)); out.le16(zip64 ? 0xFFFF : UInt16(members.count))
    out.le32(zip64 ? 0xFFFF_FFFF : UInt32(central.count))
    out.le32(zip64 ? 0xFFFF_FFFF : UInt32(cdOffset))
    out.le16(UInt16(comment.count))
    out += comment
    return out
}

func jsonLines(_ count: Int, tag: String = "r") -> String {
    (1...count).map { "{\"\(tag)\":\($0),\"text\":\"line \($0) of \(tag)\"}\n" }.joined()
}
