import Foundation
import LakeCompression
import LakeCore
import Testing

@testable import LakeStorage

/// xorshift64*: seedable, so a failing case is replayed from the seed and case number in its message.
struct MutationRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

/// Applies one to four random edits: bit flips, bytes set to boundary values, 16/32-bit fields overwritten with
/// 0, 1, 0xFFFF or 0xFFFFFFFF (sizes, counts and offsets are such fields in a ZIP), ranges deleted, duplicated or
/// inserted, truncation.
func mutate(_ base: [UInt8], _ rng: inout MutationRandom) -> [UInt8] {
    var bytes = base
    for _ in 0..<Int.random(in: 1...4, using: &rng) {
        guard !bytes.isEmpty else { return bytes }
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<8, using: &rng) {
        case 0:
            bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        case 1:
            bytes[i] = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, 0x0A, 0x22][Int.random(in: 0..<8, using: &rng)]
        case 2, 3:
            let width = Bool.random(using: &rng) ? 2 : 4
            let value: UInt32 = [0, 1, 0xFFFF, 0xFFFF_FFFF, 0x7FFF_FFFF, UInt32(bytes.count)][Int.random(in: 0..<6, using: &rng)]
            for k in 0..<width where i + k < bytes.count { bytes[i + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
        case 4:
            let n = Int.random(in: 1...min(64, bytes.count - i), using: &rng)
            bytes.removeSubrange(i..<i + n)
        case 5:
            let n = Int.random(in: 1...min(64, bytes.count - i), using: &rng)
            bytes.insert(contentsOf: Array(bytes[i..<i + n]), at: Int.random(in: 0...bytes.count, using: &rng))
        case 6:
            bytes.insert(contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) },
                         at: i)
        default:
            bytes.removeSubrange(i...)
        }
    }
    return bytes
}

/// Reads a mutated input: it must give lines or a `LakeError` (badInput or io), nothing else; what it delivers
/// is bounded by what the archive declares (no member hands out more than its declared size).
func expectReadOrRefused(_ path: String, declaredLimit: Int, _ what: @autoclosure () -> String) {
    do {
        let input = try InputFile.open(path: path, options: InputOptions(maxLineLength: 1 << 16, chunkSize: 512))
        let declared = try input.zipMembers().reduce(0) { $0 + Int(clamping: $1.uncompressedSize) }
        var delivered = 0
        let summary = try input.forEachLine { event in
            if case .line(let line) = event { delivered += line.bytes.count }
        }
        if input.kind == .zip {
            #expect(summary.bytesOut <= Int64(declared), "\(what()): \(summary.bytesOut) bytes from \(declared) declared")
        } else {
            #expect(summary.bytesOut <= Int64(declaredLimit), "\(what()): \(summary.bytesOut) bytes inflated")
        }
        #expect(Int64(delivered) <= summary.bytesOut, "\(what())")
    } catch let error as LakeError {
        #expect(error.code == .badInput || error.code == .io, "\(what()): \(error.code) \(error)")
        #expect(!error.description.isEmpty)
    } catch {
        Issue.record("\(what()) threw a non-LakeError: \(error)")
    }
}

@Suite("Mutations: damaged ZIP and gzip inputs read or are refused with a LakeError")
struct InputMutationTests {
    static let seed: UInt64 = 0x5EED_2019_0113

    /// Archives that reach the interesting paths: deflate and stored members, a folder, a comment, Zip64 records.
    static func archives() throws -> [(String, [UInt8])] {
        let a = Array(jsonLines(40, tag: "a").utf8)
        let b = Array(jsonLines(6, tag: "b").utf8)
        return [
            ("plain", try rawZip([RawMember(name: "a.jsonl", data: a), RawMember(name: "b.jsonl", data: b, method: 0)],
                                 comment: Array("made by a test".utf8))),
            ("zip64", try rawZip([RawMember(name: "a.jsonl", data: a), RawMember(name: "dir/", data: [], method: 0),
                                  RawMember(name: "../b.jsonl", data: b)], zip64: true)),
        ]
    }

    @Test("thousands of seeded random mutations of ZIP archives never crash, hang or over-deliver")
    func zipMutations() throws {
        let dir = try ScratchDirectory()
        var rng = MutationRandom(seed: Self.seed)
        var refused = 0
        var read = 0
        for (label, base) in try Self.archives() {
            #expect(try readLines(try dir.write("base.zip", base)).summary.lines == 46, "\(label)")
            for round in 0..<2500 {
                let mutated = mutate(base, &rng)
                let path = try dir.write("mutated.zip", mutated)
                expectReadOrRefused(path, declaredLimit: 0, "\(label) round \(round) (seed \(Self.seed))")
                if (try? readLines(path, options: InputOptions(chunkSize: 512))) == nil { refused += 1 } else { read += 1 }
            }
        }
        // Both outcomes happen: the mutations reach the readers' checks and some still pass them.
        #expect(refused > 1000 && read > 0, "refused \(refused), read \(read)")
        print("ZIP mutations: \(refused) refused, \(read) read")
    }

    @Test("thousands of seeded random mutations of gzip files never crash or hang")
    func gzipMutations() throws {
        let dir = try ScratchDirectory()
        var rng = MutationRandom(seed: Self.seed ^ 0x67)
        let text = Array(jsonLines(60).utf8)
        let base = try Zlib.compress(Array(text.prefix(900)), format: .gzip)
            + Zlib.compress(Array(text.dropFirst(900)), format: .gzip)
        var refused = 0
        for round in 0..<3000 {
            let path = try dir.write("mutated.gz", [0x1F, 0x8B] + mutate(Array(base.dropFirst(2)), &rng))
            // Deflate inflates at most ~1032:1; anything beyond that bound would be a reader inventing bytes.
            expectReadOrRefused(path, declaredLimit: 1032 * (base.count + 64) + text.count,
                                "gzip round \(round) (seed \(Self.seed))")
            if (try? readLines(path)) == nil { refused += 1 }
        }
        #expect(refused > 1000, "only \(refused) of 3000 refused")
    }
}
