public import LakeCatalog
import LakeCore
public import LakeStorage
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

    /// Opens (creating if needed) the lake folder and the catalog, and loads the pipeline spec.
    /// - Throws: `LakeError` naming the folder, the catalog or the spec.
    public init(root: String, catalogPath: String, specPath: String? = nil) throws {
        store = try Lake.openStore(root)
        layout = LakeLayout(root: store.workRoot, url: store.url)
        spec = try PipelineSpec.load(path: specPath)
        compiled = CompiledSpec(spec)
        catalog = try Catalog(path: catalogPath)
        ownerHost = ProcessInfo.processInfo.hostName
        ownerPID = Int(ProcessInfo.processInfo.processIdentifier)
    }

    /// The store for a lake location: a folder path (created when missing).
    static func openStore(_ root: String) throws -> any LakeStore {
        try LocalLakeStore(root: root)
    }

    func leaseDeadline() -> String {
        Catalog.now(offsetSeconds: leaseSeconds)
    }
}
