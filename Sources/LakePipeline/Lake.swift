public import LakeCatalog
import LakeCore
public import LakeStorage
import LakeAWS
import Foundation

/// An open lake: its layout on disk, its catalog and the pipeline spec. Commands open one, run, and drop it.
///
/// Not Sendable: it owns the catalog connection.
public final class Lake {
    public let layout: LakeLayout
    /// Where the lake's keys live (a folder or a bucket); staged files are written under `layout.root`.
    public let store: any LakeStore
    public let catalog: Catalog
    public let spec: PipelineSpec
    let compiled: CompiledSpec
    /// Who owns pending batches started here: host name and process id.
    let ownerHost: String
    let ownerPID: Int
    /// How long a pending batch stays ours without renewal; recovery by others waits this long.
    public var leaseSeconds: Double = 300
    private var s3Client: S3Client?

    /// Opens (creating if needed) the lake and the catalog, and loads the pipeline spec.
    /// - Parameters:
    ///   - root: a folder, or `s3://bucket/prefix`.
    ///   - scratch: for an S3 lake, the local folder where runs stage their files and reads download theirs
    ///     (default: `$BATCHLAKE_SCRATCH`, else a folder per lake under the system's temporary folder).
    /// - Throws: `LakeError` naming the folder or bucket, the catalog or the spec.
    public init(root: String, catalogPath: String, specPath: String? = nil, scratch: String? = nil) throws {
        if root.hasPrefix("s3://") {
            let client = try S3Client(configuration: AWSConfiguration.resolve())
            s3Client = client
            store = try S3LakeStore(url: root, scratch: scratch ?? Lake.defaultScratch(for: root), client: client)
        } else {
            store = try LocalLakeStore(root: root)
        }
        layout = LakeLayout(root: store.workRoot, url: store.url)
        spec = try PipelineSpec.load(path: specPath)
        compiled = CompiledSpec(spec)
        catalog = try Catalog(location: catalogPath)
        ownerHost = ProcessInfo.processInfo.hostName
        ownerPID = Int(ProcessInfo.processInfo.processIdentifier)
    }

    /// `$BATCHLAKE_SCRATCH`, else `<tmp>/batchlake-scratch/<bucket_prefix>`.
    static func defaultScratch(for url: String) -> String {
        let env = ProcessInfo.processInfo.environment
        if let scratch = env["BATCHLAKE_SCRATCH"], !scratch.isEmpty { return scratch }
        let tmp = env["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return tmp + "/batchlake-scratch/" + LakeLayout.safeName(String(url.dropFirst(5)).replacingOccurrences(of: "/", with: "_"))
    }

    /// The S3 client (configured as the AWS CLI finds credentials, region and endpoint), made on first use.
    func s3() throws -> S3Client {
        if let s3Client { return s3Client }
        let client = try S3Client(configuration: AWSConfiguration.resolve())
        s3Client = client
        return client
    }

    func leaseDeadline() -> String {
        Catalog.now(offsetSeconds: leaseSeconds)
    }
}
