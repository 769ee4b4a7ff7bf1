import Foundation
import LakeCatalog
import LakeCore
import LakeGenerator
import TestSupport
import Testing
@testable import LakePipeline

/// A real full disk and a read-only lake: a small tmpfs mounted for the test (root can mount one on these machines;
/// a machine that cannot fails this suite rather than skipping it).
@Suite("full disk and read-only lake", .serialized)
struct DiskFaultTests {
    func mount(_ options: String, at path: String) throws {
        let result = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", path])
        guard result.status == 0 else {
            throw TestSupportError("cannot mount a tmpfs at \(path) (\(result.stderr)); these tests need root")
        }
    }

    @Test("a full disk refuses the batch with an error naming the path, commits nothing, and a rerun after space returns completes")
    func fullDisk() throws {
        let dir = TemporaryDirectory("diskfull")
        let report = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("inbox"), hours: 2, perHour: 40, seed: 4))
        let lakePath = dir.file("lake")
        try FileManager.default.createDirectory(atPath: lakePath, withIntermediateDirectories: true)
        try mount("size=600k", at: lakePath)
        defer { _ = try? runProcess("/bin/umount", ["-l", lakePath]) }
        let lake = try Lake(root: lakePath, catalogPath: dir.file("catalog/c.sqlite"))
        let first = try lake.ingest(paths: [dir.file("inbox")])
        let refused = first.filter { $0.outcome == .refused }
        #expect(!refused.isEmpty, "600 KB should not hold two batches")
        for r in refused {
            #expect(r.message?.contains("No space left on device") == true, "\(r.message ?? "")")
            #expect(r.message?.contains(lakePath) == true)
            #expect(r.error == LakeError.Code.io.description)
        }
        // Nothing of a refused batch is visible; a batch committed before its publish ran out of space is still
        // staged ("unpublished") with a stale manifest, and the next writing command publishes it.
        let allowed: Set<String> = ["orphan", "unpublished", "manifest_mismatch"]
        #expect(try lake.verify(deep: false).problems.filter { !allowed.contains($0.kind) }.isEmpty)

        // Space returns: the rerun lands everything, exactly once.
        _ = try runProcess("/bin/mount", ["-o", "remount,size=64m", lakePath])
        let again = try lake.ingest(paths: [dir.file("inbox")])
        #expect(again.allSatisfy { $0.outcome == .ingested || $0.outcome == .alreadyIngested })
        #expect(try lake.catalog.partitions(table: "flats").reduce(0) { $0 + $1.rows } == report.goodVersions.count)
        #expect(try lake.verify(deep: true).isConsistent)
    }

    @Test("a read-only lake refuses with an error naming the path and a rerun after it is writable completes")
    func readOnly() throws {
        let dir = TemporaryDirectory("readonly")
        let report = try Generator.generate(GeneratorOptions(outputDirectory: dir.file("inbox"), hours: 1, perHour: 10, seed: 5))
        let lakePath = dir.file("lake")
        try FileManager.default.createDirectory(atPath: lakePath, withIntermediateDirectories: true)
        try mount("size=16m", at: lakePath)
        defer { _ = try? runProcess("/bin/umount", ["-l", lakePath]) }
        let lake = try Lake(root: lakePath, catalogPath: dir.file("catalog/c.sqlite"))
        _ = try runProcess("/bin/mount", ["-o", "remount,ro", lakePath])
        let refused = try #require(try lake.ingest(paths: [dir.file("inbox")]).first)
        #expect(refused.outcome == .refused)
        #expect(refused.message?.contains("Read-only file system") == true, "\(refused.message ?? "")")
        #expect(try lake.catalog.files().isEmpty)
        _ = try runProcess("/bin/mount", ["-o", "remount,rw", lakePath])
        #expect(try lake.ingest(paths: [dir.file("inbox")]).first?.outcome == .ingested)
        #expect(try lake.catalog.partitions(table: "flats").first?.rows == report.goodVersions.count)
    }
}
