import Foundation
import LakeCatalog
import LakeCore
import LakeStorage

/// What `vacuum` removed (or would remove, in a dry run).
public struct VacuumReport: Sendable, Codable {
    public var retiredDeleted: [String] = []
    public var orphansDeleted: [String] = []
    /// Orphans younger than the safety window, left for the next vacuum (they may be in flight).
    public var orphansKept: [String] = []
    public var stagingRemoved: [String] = []
    public var bytesFreed: Int64 = 0
    public var dryRun = false
}

extension Lake {
    /// Deletes retired files whose retention has passed, orphans (files in the zones no catalog row names) older
    /// than ten minutes, and the staging of batches and compactions that no longer run. Never an active file.
    public func vacuum(retainSeconds: Double, dryRun: Bool) throws -> VacuumReport {
        try recover()
        var report = VacuumReport(dryRun: dryRun)
        let cutoff = Catalog.now(offsetSeconds: -retainSeconds)
        let files = try catalog.allFiles()
        var vacuumed: [String] = []
        for file in files where file.status == .retired && (file.retiredAt ?? "") <= cutoff {
            let key = layout.trashKey(file.path)
            report.bytesFreed += try store.object(key)?.size ?? 0
            report.retiredDeleted.append(key)
            vacuumed.append(file.fileID)
            if !dryRun { try store.remove(key) }
        }
        if !dryRun { try catalog.markVacuumed(fileIDs: vacuumed) }

        var named = Set(files.filter { $0.status == .active }.map(\.path))
        for file in files where file.status == .retired && !vacuumed.contains(file.fileID) {
            named.insert(layout.trashKey(file.path))
        }
        let safety = Date().addingTimeInterval(-600)
        for zone in ["raw", "clean", "quarantine", "_trash"] {
            for object in try store.list(prefix: zone) {
                let key = object.key
                guard !named.contains(key) else { continue }
                if report.retiredDeleted.contains(key) { continue }
                if let modified = object.modified, modified > safety {
                    report.orphansKept.append(key)
                    continue
                }
                report.bytesFreed += object.size
                report.orphansDeleted.append(key)
                if !dryRun { try store.remove(key) }
            }
        }

        // Staging of work that no longer runs: not a pending or committed batch, not a running compaction.
        var live = Set(try catalog.batches(status: .pending).map(\.batchID))
        live.formUnion(try catalog.batches(status: .committed).map(\.batchID))
        live.formUnion(try catalog.compactions(status: "running").map(\.runID))
        for run in try store.stagingRuns() where !live.contains(run) {
            report.stagingRemoved.append(LakeLayout.stagingPrefix(runID: run))
            if !dryRun { try store.removeStaging(runID: run) }
        }
        return report
    }
}
