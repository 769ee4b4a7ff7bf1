import Foundation
import LakeAWS
import LakeCore
import LakeStorage

extension Lake {
    /// Ingests inputs named as local paths or `s3://` URLs, in the order given. An S3 URL names one object, or, when
    /// it ends in `/` or names no object, every `.zip`, `.gz`, `.json` and `.jsonl` object under that prefix. Each
    /// object is downloaded into the scratch folder (streaming) just before its batch and removed after it.
    public func ingest(inputs: [String], options: IngestOptions = IngestOptions(),
                       progress: ((BatchReport) -> Void)? = nil) throws -> [BatchReport] {
        var reports: [BatchReport] = []
        var local: [String] = []
        func flush() throws {
            guard !local.isEmpty else { return }
            reports += try ingest(paths: local, options: options, progress: progress)
            local = []
        }
        for input in inputs {
            guard input.hasPrefix("s3://") else {
                local.append(input)
                continue
            }
            try flush()
            for url in try objects(at: input) {
                var options = options
                let fetched: (path: String, origin: InputOrigin?, copy: LocalCopy?)
                do {
                    fetched = try fetchObject(url)
                } catch {
                    var report = BatchReport(input: url, outcome: .refused, rowsByTable: [:], invalidValues: [:],
                                             seconds: 0, bytes: 0)
                    Lake.describe(error, path: url, in: &report)
                    progress?(report)
                    reports.append(report)
                    continue
                }
                if let origin = fetched.origin { options.origins[fetched.path] = origin }
                reports += try withExtendedLifetime(fetched.copy) {
                    try ingest(paths: [fetched.path], options: options, progress: progress)
                }
            }
        }
        try flush()
        return reports
    }

    /// Downloads an S3 object into the scratch folder, keeping its file name (it decides the batch hour).
    func fetchObject(_ url: String, etag: String? = nil)
        throws -> (path: String, origin: InputOrigin?, copy: LocalCopy?) {
        let location = try S3Location(url: url)
        let fileName = location.key.split(separator: "/").last.map(String.init) ?? location.bucket
        let folder = layout.absolute("_tmp/inputs")
        try LakeFileSystem.makeDirectories(folder)
        let path = folder + "/" + UUID().uuidString.prefix(8).lowercased() + "-" + LakeLayout.safeName(fileName)
        let copy = LocalCopy(path: path, temporary: true)
        let info = try s3().getObject(location, toFile: path)
        return (path, InputOrigin(uri: url, fileName: fileName, etag: info.etag.isEmpty ? etag : info.etag), copy)
    }

    /// The object URLs an `s3://` input names (see `ingest(inputs:)`).
    /// - Throws: `LakeError(.usage)` when nothing is there.
    func objects(at url: String) throws -> [String] {
        let location = try S3Location(url: url)
        if !url.hasSuffix("/"), !location.key.isEmpty, try s3().headObject(location) != nil { return [url] }
        let prefix = location.key.isEmpty ? "" : location.key + "/"
        let found = try s3().listObjects(bucket: location.bucket, prefix: prefix).map(\.key).filter { key in
            let name = key.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
            return !name.hasPrefix(".") && [".zip", ".gz", ".json", ".jsonl"].contains { name.hasSuffix($0) }
        }.sorted()
        guard !found.isEmpty else {
            throw LakeError(.usage, "\(url) names no object and no .zip, .gz, .json or .jsonl objects under it",
                            remedy: "check the bucket and key (aws s3 ls \(url))")
        }
        return found.map { "s3://\(location.bucket)/\($0)" }
    }
}
