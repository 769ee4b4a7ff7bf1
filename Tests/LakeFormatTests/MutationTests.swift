import LakeCore
import TestSupport
import Testing
@testable import LakeFormat

/// Opens and verifies `bytes`, expecting a `LakeError` and nothing else (no crash, no other error, no success).
private func expectRejected(_ bytes: [UInt8], _ what: @autoclosure () -> String) {
    do {
        let reader = try ColumnarReader(bytes: bytes, name: "mutated.bcol")
        try reader.verify()
        Issue.record("\(what()) was not detected")
    } catch let error as LakeError {
        if error.code != .corruptFile { Issue.record("\(what()) gave \(error.code): \(error)") }
    } catch {
        Issue.record("\(what()) threw a non-LakeError: \(error)")
    }
}

/// A file that exercises the heavier paths: FSST, dictionaries, deflate, zstd, NULL bitmaps, several pages and groups.
private func richFile() throws -> [UInt8] {
    var tables = RandomTables(rng: SplitMix64(seed: 77))
    let types: [ColumnType] = [.int64, .text, .float64, .bool, .timestamp, .text]
    let schema = TableSchema(name: "rich", columns: types.enumerated().map { ColumnSchema(name: "c\($0.offset)", type: $0.element) })
    var columns = types.map { tables.vector($0, rows: 300, nullRate: 0.2) }
    var prose = ColumnVector(type: .text)
    for _ in 0..<300 { prose.append(text: tables.randomWords(60)) }
    columns[5] = prose
    return try ColumnarWriter.encode(schema: schema, columns: columns, options: .init(
        rowGroupRows: 200, pageRows: 120, bloomFilterColumns: ["c0"], sortColumn: "c4", metadata: ["k": "v"]))
}

/// A file whose text pages take zstd (format version 2): JSON lists of picture URLs with random ids, like the
/// listings' attachments, which zstd compresses better than deflate.
private func zstdFile() throws -> [UInt8] {
    var rng = SplitMix64(seed: 78)
    var prose = ColumnVector(type: .text)
    var ids = ColumnVector(type: .int64)
    for i in 0..<400 {
        prose.append(text: pictureList(&rng))
        ids.append(integer: Int64(i * 3))
    }
    let schema = TableSchema(name: "z", columns: [ColumnSchema(name: "id", type: .int64), ColumnSchema(name: "text", type: .text)])
    return try ColumnarWriter.encode(schema: schema, columns: [ids, prose], options: .init(rowGroupRows: 250, pageRows: 200))
}

/// `[{"@href": "https://pictures.example/listings/<random>-<k>.jpg/…"}, …]`: text zstd compresses better than deflate.
func pictureList(_ rng: inout SplitMix64) -> String {
    "[" + (0..<Int.random(in: 1...12, using: &rng)).map { k in
        "{\"@href\": \"https://pictures.example/listings/\(UInt32.random(in: 0...UInt32.max, using: &rng))-\(k).jpg/ORIG/resize/60x60%3E/format/jpg\"}"
    }.joined(separator: ", ") + "]"
}

@Suite("Mutations: every damaged file is refused with a LakeError")
struct MutationTests {
    @Test("flipping any byte of the golden file is detected")
    func everyByte() throws {
        let base = try GoldenFile.read()
        for i in base.indices {
            var bytes = base
            bytes[i] ^= 0xff
            expectRejected(bytes, "byte flip at \(i)")
        }
    }

    @Test("flipping any single bit of the golden file is detected")
    func everyBit() throws {
        let base = try GoldenFile.read()
        for i in base.indices {
            for bit in 0..<8 {
                var bytes = base
                bytes[i] ^= 1 << UInt8(bit)
                expectRejected(bytes, "bit \(bit) flip at \(i)")
            }
        }
    }

    @Test("truncating the golden file at any offset, or appending to it, is detected")
    func truncation() throws {
        let base = try GoldenFile.read()
        for n in 0..<base.count { expectRejected(Array(base[0..<n]), "truncation to \(n) bytes") }
        expectRejected(base + [0], "one appended byte")
        expectRejected([0] + base, "one prepended byte")
    }

    @Test("a sample of bit flips and truncations of a larger file with FSST, deflate and several pages is detected",
          arguments: ["rich", "zstd"])
    func richSample(_ kind: String) throws {
        let base = kind == "rich" ? try richFile() : try zstdFile()
        let reader = try ColumnarReader(bytes: base)
        try reader.verify()
        #expect(reader.rowGroups.count == 2)
        if kind == "zstd" { #expect(base[4] == 2) }
        let seed = testSeed(30)
        var rng = SplitMix64(seed: seed)
        for _ in 0..<1500 {
            var bytes = base
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            expectRejected(bytes, "bit flip at \(i) (seed \(seed))")
        }
        for _ in 0..<200 {
            let n = Int.random(in: 0..<base.count, using: &rng)
            expectRejected(Array(base[0..<n]), "truncation to \(n) (seed \(seed))")
        }
    }

    @Test("thousands of seeded random mutations never crash and are refused")
    func randomMutations() throws {
        let seed = testSeed(31)
        var rng = SplitMix64(seed: seed)
        let bases = [try GoldenFile.read(), try richFile(), try zstdFile()]
        for trial in 0..<4000 {
            var bytes = bases[trial % 3]
            let original = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1:
                    bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
                case 2:
                    if bytes.count > 1 { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng)) }
                default:
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    let n = Int.random(in: 1...8, using: &rng)
                    for k in i..<min(bytes.count, i + n) { bytes[k] = UInt8.random(in: 0...255, using: &rng) }
                }
            }
            if bytes == original { continue }
            expectRejected(bytes, "mutation trial \(trial) (seed \(seed))")
        }
    }

    @Test("a newer major version is refused with a clear message")
    func newerMajor() throws {
        var bytes = try GoldenFile.read()
        bytes[4] = 3
        #expect {
            _ = try ColumnarReader(bytes: bytes)
        } throws: { error in
            (error as? LakeError)?.message.contains("version 3") == true
        }
    }

    @Test("the version byte must match the codecs: a version-1 file called 2, a zstd file called 1")
    func versionMatchesCodecs() throws {
        var v1 = try GoldenFile.read()
        v1[4] = 2
        expectRejected(v1, "version-1 file relabelled 2")
        let zstdFile = try zstdFile()
        #expect(zstdFile[4] == 2, "the prose file is expected to hold zstd pages")
        var relabelled = zstdFile
        relabelled[4] = 1
        expectRejected(relabelled, "zstd file relabelled 1")
    }
}

@Suite("Mutations behind repaired checksums")
struct RepairedMutationTests {
    /// With CRCs recomputed, a mutation reaches the footer parser and the decoders, which must throw or decode;
    /// never crash, hang or allocate without bound.
    @Test("seeded random mutations with repaired checksums never crash the parser or the decoders")
    func repaired() throws {
        let seed = testSeed(32)
        var rng = SplitMix64(seed: seed)
        let bases = [try GoldenFile.read(), try richFile()]
        var decoded = 0
        for trial in 0..<3000 {
            var bytes = bases[trial % 2]
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = Int.random(in: 0..<(bytes.count - 12), using: &rng)
                if Bool.random(using: &rng) {
                    bytes[i] = UInt8.random(in: 0...255, using: &rng)
                } else {
                    bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                }
            }
            ColumnarReader._repairChecksums(&bytes)
            do {
                let reader = try ColumnarReader(bytes: bytes)
                for g in reader.rowGroups.indices {
                    _ = try reader.read(rowGroup: g, columns: Array(reader.schema.columns.indices))
                }
                decoded += 1
            } catch is LakeError {
            } catch {
                Issue.record("trial \(trial) (seed \(seed)) threw a non-LakeError: \(error)")
            }
        }
        print("repaired mutations that still decoded: \(decoded) of 3000")
    }
}
