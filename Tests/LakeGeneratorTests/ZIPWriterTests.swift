import Foundation
import LakeCompression
import Testing

@testable import LakeGenerator

@Suite("ZIP writer")
struct ZIPWriterTests {
    /// Lists `name → (size, crc, compress_type)` and checks every member's CRC with Python's zipfile.
    private func pythonListing(_ path: String) throws -> [String: [Int]] {
        let script = """
            import json, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            bad = z.testzip()
            assert bad is None, bad
            print(json.dumps({i.filename: [i.file_size, i.CRC, i.compress_type, len(z.read(i))] for i in z.infolist()}))
            """
        let result = try run(["python3", "-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([String: [Int]].self, from: Data(result.stdout.utf8))
    }

    @Test("hostile members (path traversal, folder, store, data descriptor, UTF-8 name) pass zipfile and unzip -t")
    func hostileMembersAreValidZIP() throws {
        let dir = try TemporaryDirectory("zip")
        defer { dir.remove() }
        let path = dir.path + "/hostile.zip"
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }
        let zip = try ZIPWriter(path: path)
        try zip.addMember("../../x.jsonl", contents: Array("{\"ok\": true}\n".utf8))
        try zip.addDirectory("dir/")
        try zip.addMember("dir/stored.jsonl", contents: Array("stored\n".utf8), options: .init(method: .store))
        try zip.beginMember("streamed.jsonl", options: .init(usesDataDescriptor: true))
        for chunk in stride(from: 0, to: big.count, by: 7_000) {
            try zip.write(Array(big[chunk..<min(chunk + 7_000, big.count)]))
        }
        try zip.endMember()
        try zip.addMember(
            "stored-descriptor.bin",
            contents: big,
            options: .init(method: .store, usesDataDescriptor: true)
        )
        try zip.addMember("Grüße.jsonl", contents: [])
        try zip.finish(sync: true)

        let listing = try pythonListing(path)
        #expect(
            Set(listing.keys) == [
                "../../x.jsonl", "dir/", "dir/stored.jsonl", "streamed.jsonl",
                "stored-descriptor.bin", "Grüße.jsonl",
            ]
        )
        #expect(listing["streamed.jsonl"] == [big.count, Int(CRC32.checksum(big)), 8, big.count])
        #expect(listing["dir/stored.jsonl"]?[2] == 0)
        #expect(listing["../../x.jsonl"]?[0] == 13)

        let unzip = try run(["unzip", "-t", path])
        #expect(unzip.status == 0, "\(unzip.stdout)\(unzip.stderr)")
        #expect(zip.byteCount == Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int))
    }

    @Test("declared size and CRC can lie, and readers notice")
    func lyingHeadersAreWritten() throws {
        let dir = try TemporaryDirectory("zip-lie")
        defer { dir.remove() }
        let path = dir.path + "/lie.zip"
        let zip = try ZIPWriter(path: path)
        try zip.addMember(
            "bomb.jsonl",
            contents: Array(repeating: 0x20, count: 10_000),
            options: .init(declaredUncompressedSize: 100)
        )
        try zip.addMember("crc.jsonl", contents: Array("x\n".utf8), options: .init(declaredCRC32: 0xDEAD_BEEF))
        try zip.finish()
        let result = try run([
            "python3", "-c",
            """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            print(z.getinfo("bomb.jsonl").file_size, hex(z.getinfo("crc.jsonl").CRC), z.testzip())
            """, path,
        ])
        #expect(result.stdout.hasPrefix("100 0xdeadbeef"), "\(result.stdout)\(result.stderr)")
    }

    @Test("MS-DOS timestamps encode the UTC time with 2-second resolution")
    func dosDateTime() {
        // 2019-01-13T05:30:11Z
        let (time, date) = ZIPWriter.dosDateTime(1_547_357_411)
        #expect(date == UInt16(2019 - 1980) << 9 | 1 << 5 | 13)
        #expect(time == 5 << 11 | 30 << 5 | 5)
        #expect(ZIPWriter.dosDateTime(0) == (0, 1 << 5 | 1))
    }
}
