import Foundation
import Testing

@testable import LakeStorage

@Suite("local lake store: publishing staged files")
struct LocalLakeStoreTests {
    @Test("folders made for a path are reported outermost first, and none when it exists")
    func createdFolders() throws {
        let dir = try ScratchDirectory()
        let deep = dir.path + "/clean/flats/dt=2019-01-13/hour=05"
        #expect(try LakeFileSystem.makeDirectories(deep)
            == [dir.path + "/clean", dir.path + "/clean/flats", dir.path + "/clean/flats/dt=2019-01-13", deep])
        #expect(try LakeFileSystem.makeDirectories(deep) == [])
        #expect(try LakeFileSystem.makeDirectories(dir.path + "/clean/flats/dt=2019-01-13/hour=06")
            == [dir.path + "/clean/flats/dt=2019-01-13/hour=06"])
    }

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
}
