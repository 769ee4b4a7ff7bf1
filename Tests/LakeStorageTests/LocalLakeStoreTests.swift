import Foundation
import LakeCore
import Testing

@testable import LakeStorage

@Suite("local lake store: staging, publishing and small files")
struct LocalLakeStoreTests {
    @Test("several staged files move into new and existing folders in one call; again, they are already there")
    func publishMany() throws {
        let dir = try ScratchDirectory()
        let store = try LocalLakeStore(root: dir.path + "/lake")
        let keys = ["clean/flats/dt=2019-01-13/hour=05/part-b1-flats.csv.gz",
                    "clean/flats/dt=2019-01-13/hour=05/part-b1-flats.bcol",
                    "raw/src/dt=2019-01-13/hour=05/input.zip"]
        try LakeFileSystem.makeDirectories(dir.path + "/lake/raw/src/dt=2019-01-13/hour=05")
        for (i, key) in keys.enumerated() {
            let staged = dir.path + "/lake/_staging/b1/" + key
            try LakeFileSystem.makeDirectories(LakeFileSystem.parent(of: staged))
            try Data([UInt8](repeating: UInt8(i), count: 100 + i)).write(to: URL(fileURLWithPath: staged))
        }
        let moves = keys.map { (stagedKey: "_staging/b1/" + $0, key: $0) }
        #expect(try store.publish(moves) == [.published, .published, .published])
        for (i, key) in keys.enumerated() {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/lake/" + key))
                == Data([UInt8](repeating: UInt8(i), count: 100 + i)))
            #expect(!LakeFileSystem.exists(dir.path + "/lake/_staging/b1/" + key))
        }
        #expect(try store.publish(moves) == [.alreadyPublished, .alreadyPublished, .alreadyPublished])
        #expect(try store.publish([(stagedKey: "_staging/b2/x", key: "clean/flats/x")]) == [.missing])
        #expect(try store.publish(stagedKey: "_staging/b1/" + keys[0], to: keys[0]) == .alreadyPublished)
    }

    @Test("a run's staging is made durable through the barrier opened when it began; a missing lake root is named")
    func stagingBarrier() throws {
        let dir = try ScratchDirectory()
        let store = try LocalLakeStore(root: dir.path + "/lake")
        let run = try store.beginStaging(runID: "b1")
        let staged = store.localStaging(runID: "b1") + "/clean/flats/dt=2019-01-13/hour=05/part-b1-flats.csv.gz"
        let file = try OutputFile(path: staged)
        try file.write([1, 2, 3])
        try file.close(sync: false)
        try store.persistStaging(run)
        try store.persistStaging(run)  // again, as compaction does partition by partition
        #expect(try Data(contentsOf: URL(fileURLWithPath: staged)) == Data([1, 2, 3]))

        try LakeFileSystem.removeTree(dir.path + "/lake")
        let error = try #require(throws: LakeError.self) { _ = try store.beginStaging(runID: "b2") }
        #expect(error.message.contains(dir.path + "/lake"))
        #expect(error.message.contains("open"))
    }

    @Test("several small files are written atomically together; a crashed writer's temp file goes, none is left")
    func writeMany() throws {
        let dir = try ScratchDirectory()
        let store = try LocalLakeStore(root: dir.path + "/lake")
        let keys = ["clean/flats/dt=2019-01-13/hour=05/manifest.json", "clean/address/dt=2019-01-13/hour=05/manifest.json"]
        try LakeFileSystem.makeDirectories(dir.path + "/lake/clean/flats/dt=2019-01-13/hour=05")
        let leftover = dir.path + "/lake/" + keys[0] + ".tmp-99999"
        try Data("half".utf8).write(to: URL(fileURLWithPath: leftover))
        try store.write(keys.enumerated().map { ($1, Array("manifest \($0)".utf8)) })
        for (i, key) in keys.enumerated() {
            #expect(try store.read(key, limit: 100) == Array("manifest \(i)".utf8))
        }
        #expect(!LakeFileSystem.exists(leftover))
        try store.write([(keys[1], Array("again".utf8))])
        #expect(try store.read(keys[1], limit: 100) == Array("again".utf8))
        #expect(LakeFileSystem.listFiles(dir.path + "/lake").filter { $0.contains(".tmp-") }.isEmpty)
    }

    @Test("when one file of several cannot be written, none replaces its key and no temp file stays")
    func writeManyFails() throws {
        let dir = try ScratchDirectory()
        let store = try LocalLakeStore(root: dir.path + "/lake")
        try store.write(Array("old".utf8), to: "clean/flats/dt=2019-01-13/hour=05/manifest.json")
        // A file where the second key's folder should be: its temp file cannot be created.
        try Data().write(to: URL(fileURLWithPath: dir.path + "/lake/clean/address"))
        let error = try #require(throws: LakeError.self) {
            try store.write([("clean/flats/dt=2019-01-13/hour=05/manifest.json", Array("new".utf8)),
                             ("clean/address/dt=2019-01-13/hour=05/manifest.json", Array("new".utf8))])
        }
        #expect(error.message.contains("clean/address"))
        #expect(try store.read("clean/flats/dt=2019-01-13/hour=05/manifest.json", limit: 100) == Array("old".utf8))
        #expect(LakeFileSystem.listFiles(dir.path + "/lake").filter { $0.contains(".tmp-") }.isEmpty)
    }
}
