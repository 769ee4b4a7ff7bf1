import Foundation
public import LakeAWS
import LakeCore

/// A lake in an S3 bucket under a prefix, with the same keys as on disk.
///
/// Runs write their staged files in a local scratch folder (`workRoot`). `persistStaging` uploads them to
/// `_staging/<run>/<key>` in the bucket (multipart when large) and drops the local copies, so that after the
/// catalog commit any host can publish them: `publish` is a server-side copy to the final key (S3 has no rename;
/// each PUT or COPY makes a whole object visible at once). Retiring is copy and delete. Reads download into the
/// scratch folder, streaming, and the copy goes when its reader is done.
public final class S3LakeStore: LakeStore {
    public let client: S3Client
    /// The lake root: bucket and prefix ("" for the bucket's root).
    public let root: S3Location
    public let workRoot: String
    public var kind: String { "bucket" }
    public var url: String { root.url }

    /// - Parameters:
    ///   - url: `s3://bucket/prefix`.
    ///   - scratch: the local folder for staged files and downloads (created when missing).
    public init(url: String, scratch: String, client: S3Client) throws {
        root = try S3Location(url: url)
        self.client = client
        var scratch = scratch
        while scratch.count > 1 && scratch.hasSuffix("/") { scratch.removeLast() }
        workRoot = scratch
        try LakeFileSystem.makeDirectories(scratch)
    }

    /// The object of a key below the lake root (validated: never outside the prefix).
    func location(_ key: String) throws -> S3Location {
        root.key.isEmpty ? try S3Location(bucket: root.bucket, key: key) : try root.appending(key)
    }

    /// The key relative to the lake root of an object key in the bucket.
    func relative(_ objectKey: String) -> String {
        root.key.isEmpty ? objectKey : String(objectKey.dropFirst(root.key.count + 1))
    }

    func objectPrefix(_ prefix: String) -> String {
        (root.key.isEmpty ? "" : root.key + "/") + prefix + "/"
    }

    /// Nothing to open: the upload in `persistStaging` is what makes the staged files durable.
    public func beginStaging(runID: String) throws -> StagingRun {
        StagingRun(runID: runID, barrier: nil)
    }

    public func persistStaging(_ run: StagingRun) throws {
        let local = localStaging(runID: run.runID)
        let prefix = LakeLayout.stagingPrefix(runID: run.runID)
        for relative in LakeFileSystem.listFiles(local) {
            let key = prefix + "/" + relative
            try client.putObject(fileAt: local + "/" + relative, at: location(key),
                                 contentType: S3LakeStore.contentType(key))
            Failpoint.hit("uploaded")
            try LakeFileSystem.removeFile(local + "/" + relative)
        }
    }

    public func publish(stagedKey: String, to key: String) throws -> PublishOutcome {
        if try client.headObject(location(stagedKey)) != nil {
            Failpoint.hit("rename")
            do {
                try client.copyObject(from: location(stagedKey), to: location(key))
            } catch {
                // Another process's recovery published it and removed the staging meanwhile.
                if try client.headObject(location(key)) != nil { return .alreadyPublished }
                throw error
            }
            Failpoint.hit("renamed")
            return .published
        }
        if try client.headObject(location(key)) != nil { return .alreadyPublished }
        let local = workRoot + "/" + stagedKey
        if LakeFileSystem.exists(local) {
            try client.putObject(fileAt: local, at: location(key), contentType: S3LakeStore.contentType(key))
            return .published
        }
        return .missing
    }

    public func removeStaging(runID: String) throws {
        Failpoint.hit("remove")
        let prefix = objectPrefix(LakeLayout.stagingPrefix(runID: runID))
        let keys = try client.listObjects(bucket: root.bucket, prefix: prefix)
        if !keys.isEmpty { try client.deleteObjects(bucket: root.bucket, keys: keys.map(\.key)) }
        try LakeFileSystem.removeTree(localStaging(runID: runID))
    }

    public func stagingRuns() throws -> [String] {
        var runs = Set(LakeFileSystem.entries(of: workRoot + "/_staging") ?? [])
        for object in try client.listObjects(bucket: root.bucket, prefix: objectPrefix("_staging")) {
            let parts = relative(object.key).split(separator: "/")
            if parts.count >= 2 { runs.insert(String(parts[1])) }
        }
        return runs.sorted()
    }

    public func move(_ key: String, to destination: String) throws {
        guard try client.headObject(location(key)) != nil else { return }
        Failpoint.hit("rename")
        do {
            try client.copyObject(from: location(key), to: location(destination))
        } catch {
            // Another process moved it meanwhile.
            if try client.headObject(location(key)) == nil, try client.headObject(location(destination)) != nil {
                return
            }
            throw error
        }
        try client.deleteObject(location(key))
        Failpoint.hit("renamed")
    }

    public func write(_ files: [(key: String, bytes: [UInt8])]) throws {
        for (key, bytes) in files {
            try client.putObject(bytes, at: location(key), contentType: S3LakeStore.contentType(key))
        }
    }

    public func exists(_ key: String) throws -> Bool { try client.headObject(location(key)) != nil }

    public func object(_ key: String) throws -> StoredObject? {
        try client.headObject(location(key)).map { StoredObject(key: key, size: $0.size, modified: $0.lastModified) }
    }

    public func list(prefix: String) throws -> [StoredObject] {
        try client.listObjects(bucket: root.bucket, prefix: objectPrefix(prefix))
            .map { StoredObject(key: relative($0.key), size: $0.size, modified: $0.lastModified) }
            .sorted { $0.key < $1.key }
    }

    public func remove(_ key: String) throws {
        try client.deleteObject(location(key))
        if key.hasPrefix("_staging/") { try LakeFileSystem.removeFile(workRoot + "/" + key) }
    }

    public func read(_ key: String, limit: Int) throws -> [UInt8]? {
        guard let info = try client.headObject(location(key)) else { return nil }
        guard info.size <= Int64(limit) else {
            throw LakeError(.badInput, "\(url)/\(key) is larger than \(limit) bytes")
        }
        return try client.getObject(location(key))
    }

    public func forEachChunk(of key: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        _ = try client.getObject(location(key), chunk: body)
    }

    public func localCopy(of key: String) throws -> LocalCopy? {
        guard try client.headObject(location(key)) != nil else { return nil }
        let folder = workRoot + "/_tmp/downloads"
        try LakeFileSystem.makeDirectories(folder)
        let path = folder + "/" + UUID().uuidString.prefix(8).lowercased() + "-" + LakeLayout.safeName(key)
        let copy = LocalCopy(path: path, temporary: true)
        try client.getObject(location(key), toFile: path)
        return copy
    }

    static func contentType(_ key: String) -> String {
        if key.hasSuffix(".json") { return "application/json" }
        if key.hasSuffix(".jsonl") { return "application/x-ndjson" }
        if key.hasSuffix(".gz") { return "application/gzip" }
        if key.hasSuffix(".zip") { return "application/zip" }
        return "application/octet-stream"
    }
}
