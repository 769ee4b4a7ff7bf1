public import LakeCatalog
import LakeCore
public import LakeStorage
import Foundation

/// An open lake: its layout on disk, its catalog and the pipeline spec. Commands open one, run, and drop it.
///
/// Not Sendable: it owns the catalog connection.
public final class Lake {
    public let layout: LakeLayout
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
        layout = LakeLayout(root: root)
        try LakeFileSystem.makeDirectories(root)
        spec = try PipelineSpec.load(path: specPath)
        compiled = CompiledSpec(spec)
        catalog = try Catalog(location: catalogPath)
        ownerHost = ProcessInfo.processInfo.hostName
        ownerPID = Int(ProcessInfo.processInfo.processIdentifier)
    }

    func leaseDeadline() -> String {
        Catalog.now(offsetSeconds: leaseSeconds)
    }
}
