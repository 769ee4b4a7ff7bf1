import LakeCatalog
import LakeCore
import LakeStorage
import Foundation

/// What transforming one batch produced, ready for the commit.
struct TransformResult {
    var counts = BatchCounts()
    var invalidValues: [String: Int] = [:]
    var files: [FileRecord] = []
    var versions: [ListingVersionKey] = []
    var dimensionKeys: [DimensionKey] = []
    var rowsByTable: [String: Int] = [:]
}

extension Lake {
    /// Streams the input's lines through the spec into staged outputs: raw copy, part files per table, quarantine.
    func transform(batch: BatchRecord, path: String, fileName: String, supersedes: String?,
                   options: IngestOptions) throws -> TransformResult {
        let now = Catalog.now()
        var result = TransformResult()
        let partition = batch.partition
        let batchID = batch.batchID

        // Raw zone: the input byte for byte. A different content already under this name gets its hash appended.
        var rawKey = layout.rawKey(source: spec.source, partition: partition, fileName: fileName)
        if let existing = try catalog.activeFile(path: rawKey), existing.sha256 != batch.sha256 {
            rawKey = layout.rawKey(source: spec.source, partition: partition,
                                   fileName: Lake.name(fileName, taggedWith: String(batch.sha256.prefix(12))))
        }
        let rawCopy = try LakeFileSystem.copyFile(from: path, to: layout.absolute(layout.stagedKey(batchID: batchID, key: rawKey)))
        guard rawCopy.sha256 == batch.sha256 else {
            throw LakeError(.temporary, "\(path) changed while it was being read",
                            remedy: "rerun once the file is complete")
        }
        result.files.append(FileRecord(fileID: batchID + ".raw", batchID: batchID, table: "_raw", partition: partition,
                                       format: .raw, path: rawKey, rows: 0, bytes: rawCopy.bytes,
                                       sha256: rawCopy.sha256, createdAt: now))

        let fact = compiled.tables[compiled.factIndex]
        let factOutput = TableOutput(table: fact, partition: partition, fileID: batchID + "-" + fact.name,
                                     layout: layout, batchID: batchID)
        let quarantineKey = layout.quarantineKey(source: spec.source, partition: partition, batchID: batchID)
        let quarantine = QuarantineOutput(key: quarantineKey,
                                          path: layout.absolute(layout.stagedKey(batchID: batchID, key: quarantineKey)))
        let catalog = self.catalog
        var transformer = RecordTransformer(compiled: compiled) { version in
            guard let owner = try catalog.versionOwner(version) else { return false }
            return owner != supersedes
        }
        var lastLeaseRenewal = Date()
        let input = try InputFile.open(path: path)
        let summary = try input.forEachLine { event in
            switch event {
            case .line(let line):
                result.counts.records += 1
                switch try transformer.process(line.bytes) {
                case .bad(let reason, let field):
                    result.counts.bad += 1
                    try quarantine.add(batchID: batchID, file: fileName, member: line.member, line: line.number,
                                       offset: line.offset, reason: reason, field: field, text: line.bytes,
                                       length: line.bytes.count)
                case .added(let version):
                    result.counts.good += 1
                    result.versions.append(version)
                    if transformer.factRowCount >= options.rowGroupRows {
                        try factOutput.append(transformer.takeFactRows())
                    }
                case .duplicate:
                    result.counts.good += 1
                    result.counts.duplicates += 1
                case .known:
                    result.counts.good += 1
                    result.counts.knownVersions += 1
                }
            case .tooLong(let line):
                result.counts.records += 1
                result.counts.bad += 1
                try line.prefix.withUnsafeBytes { text in
                    try quarantine.add(batchID: batchID, file: fileName, member: line.member, line: line.number,
                                       offset: line.offset,
                                       reason: "line of \(line.length) bytes is longer than the "
                                           + "\(input.options.maxLineLength)-byte limit",
                                       field: nil, text: text, length: line.length)
                }
            }
            if Date().timeIntervalSince(lastLeaseRenewal) > leaseSeconds / 4 {
                try catalog.renewLease(batchID: batchID, until: leaseDeadline())
                lastLeaseRenewal = Date()
            }
        }
        result.counts.blankLines = summary.blankLines
        result.counts.uncompressedBytes = summary.bytesOut
        try factOutput.append(transformer.takeFactRows())
        result.files += try factOutput.finish(now: now)
        result.rowsByTable[fact.name] = result.versions.count

        // Dimensions: rows first seen or changed, compared with what the lake holds.
        for (t, table) in compiled.tables.enumerated() where table.kind == .dimension {
            let rows = transformer.dimensions[t] ?? [:]
            var vectors = table.columns.map { ColumnVector(type: $0.type, capacity: rows.count) }
            var emitted = 0
            for key in rows.keys.sorted() {
                let row = rows[key]!
                if let state = try catalog.dimensionState(table: table.name, naturalKey: key),
                   state.rowHash == row.hash, state.batchID != supersedes {
                    continue
                }
                for (c, value) in row.values.enumerated() { vectors[c].append(value) }
                result.dimensionKeys.append(DimensionKey(table: table.name, naturalKey: key, rowHash: row.hash))
                emitted += 1
            }
            let output = TableOutput(table: table, partition: partition, fileID: batchID + "-" + table.name,
                                     layout: layout, batchID: batchID)
            try output.append(vectors)
            result.files += try output.finish(now: now)
            result.rowsByTable[table.name] = emitted
        }
        result.invalidValues = transformer.invalidCounts
        result.files += try quarantine.finish(batchID: batchID, source: spec.source, partition: partition, now: now)
        try LakeFileSystem.syncTree(layout.absolute(layout.stagingDirectory(batchID: batchID)))
        return result
    }

    /// `name.zip` tagged `abc` becomes `name.abc.zip`.
    static func name(_ fileName: String, taggedWith tag: String) -> String {
        if let dot = fileName.firstIndex(of: "."), dot != fileName.startIndex {
            return "\(fileName[..<dot]).\(tag)\(fileName[dot...])"
        }
        return "\(fileName).\(tag)"
    }

}
