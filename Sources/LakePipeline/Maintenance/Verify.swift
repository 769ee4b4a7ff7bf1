import Foundation
import LakeCatalog
import LakeCore
import LakeFormat
import LakeStorage

/// What `verify` found.
public struct VerifyReport: Sendable, Codable {
    public struct Problem: Sendable, Codable {
        /// `missing`, `size_mismatch`, `checksum_mismatch`, `corrupt`, `orphan`, `manifest_mismatch`,
        /// `count_mismatch`, `unpublished`.
        public var kind: String
        public var path: String
        public var detail: String
    }

    public var filesChecked = 0
    public var bytesChecked: Int64 = 0
    public var deep = false
    public var problems: [Problem] = []

    public var isConsistent: Bool { problems.isEmpty }
}

extension Lake {
    /// Checks every file the catalog names (exists, size, SHA-256; with `deep`, columnar files decode fully),
    /// every partition's manifest and row totals, and reports files under the lake's zones that no catalog row
    /// names (orphans). Reads only: run any writing command first to finish an interrupted publish.
    public func verify(deep: Bool) throws -> VerifyReport {
        var report = VerifyReport(deep: deep)
        func problem(_ kind: String, _ path: String, _ detail: String) {
            report.problems.append(.init(kind: kind, path: path, detail: detail))
        }
        let files = try catalog.allFiles()
        var named = Set<String>()
        for file in files where file.status == .active {
            named.insert(file.path)
            guard try store.exists(file.path) else {
                let producer = file.batchID ?? file.compactionID
                let staged = producer.map { layout.stagedKey(batchID: $0, key: file.path) }
                if let staged, try store.exists(staged) {
                    problem("unpublished", file.path, "committed but still staged; any writing command publishes it")
                } else {
                    problem("missing", file.path, "the catalog names it, the lake does not have it")
                }
                continue
            }
            let (sha, size) = try store.sha256(of: file.path)
            report.filesChecked += 1
            report.bytesChecked += size
            if size != file.bytes {
                problem("size_mismatch", file.path, "\(size) bytes, the catalog says \(file.bytes)")
            } else if sha != file.sha256 {
                problem("checksum_mismatch", file.path, "SHA-256 \(sha.prefix(16))…, the catalog says \(file.sha256.prefix(16))…")
            } else if deep && file.format == .columnar {
                do {
                    let reader = try columnarReader(file)
                    try reader.verify()
                    if reader.rowCount != file.rows {
                        problem("count_mismatch", file.path, "\(reader.rowCount) rows, the catalog says \(file.rows)")
                    }
                } catch {
                    problem("corrupt", file.path, "\(error)")
                }
            }
        }
        for file in files where file.status == .retired { named.insert(layout.trashKey(file.path)) }

        // Manifests list exactly the active CSV files; columnar and CSV hold the same rows.
        var data: [TablePartition: (csv: [FileRecord], columnar: [FileRecord])] = [:]
        for file in files where file.status == .active && (file.format == .csvGzip || file.format == .columnar) {
            let tp = TablePartition(table: file.table, partition: file.partition)
            if file.format == .csvGzip { data[tp, default: ([], [])].csv.append(file) } else {
                data[tp, default: ([], [])].columnar.append(file)
            }
        }
        for (tp, set) in data.sorted(by: { $0.key < $1.key }) {
            let csvRows = set.csv.reduce(0) { $0 + $1.rows }
            let columnarRows = set.columnar.reduce(0) { $0 + $1.rows }
            if csvRows != columnarRows {
                problem("count_mismatch", layout.cleanDirectory(table: tp.table, partition: tp.partition),
                        "CSV files hold \(csvRows) rows, columnar files \(columnarRows)")
            }
            let key = layout.manifestKey(table: tp.table, partition: tp.partition)
            // Entries are compared by key and length: a lake moved to another folder keeps valid manifests
            // until they are next rewritten, and only their URL prefix is stale.
            let expected = Set(set.csv.map { $0.path + "#" + String($0.bytes) })
            guard let bytes = try? store.read(key, limit: 64 << 20),
                  let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                  let entries = object["entries"] as? [[String: Any]] else {
                problem("manifest_mismatch", key, "missing or not a COPY manifest")
                continue
            }
            let actual = Set(entries.map { entry -> String in
                let length = (entry["meta"] as? [String: Any])?["content_length"] as? Int ?? -1
                let url = entry["url"] as? String ?? ""
                let key = url.range(of: "/clean/").map { "clean/" + url[$0.upperBound...] } ?? url
                return "\(key)#\(length)"
            })
            if actual != expected {
                problem("manifest_mismatch", key, "lists \(actual.count) files; the catalog has \(expected.count) active CSV files")
            }
        }

        // Orphans: files in the zones that no catalog row names.
        for zone in ["raw", "clean", "quarantine", "_trash"] {
            for object in try store.list(prefix: zone) {
                let key = object.key
                if !named.contains(key) { problem("orphan", key, "no catalog row names this file") }
            }
        }
        return report
    }
}
