public import LakeCore

/// The lake's keys, the same on disk and in S3 (CONTRACT.md, "Lake layout"). Every key is built here from
/// catalog values and sanitised names; no input name is ever used as a path.
public struct LakeLayout: Sendable {
    /// The local folder where keys are written before they are published: the lake folder itself for a local
    /// lake, a scratch folder for an object store.
    public let root: String
    /// The lake root as a URL for manifests and lineage: `file:///abs/lake` or `s3://bucket/prefix`.
    public let url: String

    /// - Parameters:
    ///   - root: the local work root (see `root`).
    ///   - url: the lake's URL; by default the `file://` URL of `root`.
    public init(root: String, url: String? = nil) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.url = url
            ?? (root.hasPrefix("/") ? "file://" + root : "file://" + LakeFileSystem.currentDirectory() + "/" + root)
    }

    /// The local path of a key below the work root (staged outputs; the whole lake when it is local).
    public func absolute(_ key: String) -> String { root + "/" + key }

    public func rawKey(source: String, partition: PartitionKey, fileName: String) -> String {
        "raw/\(LakeLayout.safeName(source))/\(partition.path)/\(LakeLayout.safeName(fileName))"
    }

    public func cleanDirectory(table: String, partition: PartitionKey) -> String {
        "clean/\(LakeLayout.safeName(table))/\(partition.path)"
    }

    public func cleanKey(table: String, partition: PartitionKey, fileID: String, format: String) -> String {
        "\(cleanDirectory(table: table, partition: partition))/part-\(LakeLayout.safeName(fileID)).\(format)"
    }

    public func manifestKey(table: String, partition: PartitionKey) -> String {
        "\(cleanDirectory(table: table, partition: partition))/manifest.json"
    }

    public func quarantineKey(source: String, partition: PartitionKey, batchID: String) -> String {
        "quarantine/\(LakeLayout.safeName(source))/\(partition.path)/\(LakeLayout.safeName(batchID)).jsonl"
    }

    /// Where a batch stages its outputs before the commit.
    public func stagingDirectory(batchID: String) -> String { LakeLayout.stagingPrefix(runID: batchID) }

    /// The staging folder key of a run (a batch or a compaction).
    public static func stagingPrefix(runID: String) -> String { "_staging/\(safeName(runID))" }

    /// The staged location of a final key.
    public func stagedKey(batchID: String, key: String) -> String { "\(stagingDirectory(batchID: batchID))/\(key)" }

    /// Where a retired file waits for vacuum.
    public func trashKey(_ key: String) -> String { "_trash/\(key)" }

    /// A name safe as one path component: the last component of `name` with every byte outside
    /// `[A-Za-z0-9._=-]` replaced by `_`, and never `.`, `..` or empty.
    public static func safeName(_ name: String) -> String {
        let last = name.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        var bytes: [UInt8] = []
        for b in last.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"),
                 UInt8(ascii: "="):
                bytes.append(b)
            default:
                bytes.append(UInt8(ascii: "_"))
            }
        }
        let safe = String(decoding: bytes.prefix(200), as: UTF8.self)
        if safe.isEmpty || safe == "." || safe == ".." { return "_" + safe.replacingDots() }
        return safe
    }
}

extension String {
    fileprivate func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}
