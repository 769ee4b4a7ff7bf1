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

/// A batch whose lines have all been read: the fact table's files may still be written in the background, the
/// dimension rows wait for `finishTransform`, which decides them against the catalog.
final class StreamedBatch {
    var result: TransformResult
    let now: String
    let factOutput: TableOutput
    let quarantine: QuarantineOutput
    let transformer: RecordTransformer
    let staging: StagingRun

    init(result: TransformResult, now: String, factOutput: TableOutput, quarantine: QuarantineOutput,
         transformer: RecordTransformer, staging: StagingRun) {
        self.result = result
        self.staging = staging
        self.now = now
        self.factOutput = factOutput
        self.quarantine = quarantine
        self.transformer = transformer
    }
}

extension Lake {
    /// Streams the input's lines through the spec into staged outputs: raw copy, part files per table, quarantine.
    func transform(batch: BatchRecord, path: String, fileName: String, supersedes: String?,
                   options: IngestOptions) throws -> TransformResult {
        let streamed = try streamTransform(batch: batch, path: path, fileName: fileName, supersedes: supersedes,
                                           options: options, inFlight: [], background: false)
        return try finishTransform(streamed, batch: batch, supersedes: supersedes)
    }

    /// The first part of `transform`: the raw copy and every line, up to the fact table's last rows.
    ///
    /// - Parameters:
    ///   - inFlight: listing versions of a batch streamed before this one whose commit comes first: counted as
    ///     known, as they will be once it commits.
    ///   - background: write the fact table's files on a queue of their own and start closing them at the end.
    func streamTransform(batch: BatchRecord, path: String, fileName: String, supersedes: String?,
                         options: IngestOptions, inFlight: Set<ListingVersionKey>,
                         background: Bool) throws -> StreamedBatch {
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
        // Opened before the first staged byte, so that the commit's one sync hears of any write-back error since.
        let staging = try store.beginStaging(runID: batchID)
        let rawCopy = try IngestProfile.measure(.hashAndRawCopy) {
            try LakeFileSystem.copyFile(from: path, to: layout.absolute(layout.stagedKey(batchID: batchID, key: rawKey)),
                                        sync: false)
        }
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
        if background { factOutput.startsWritingInBackground() }
        // On a throw, the background writer must be done with the staging folder before the caller removes it.
        var streamed = false
        defer { if !streamed { factOutput.abandon() } }
        let quarantineKey = layout.quarantineKey(source: spec.source, partition: partition, batchID: batchID)
        let quarantine = QuarantineOutput(key: quarantineKey,
                                          path: layout.absolute(layout.stagedKey(batchID: batchID, key: quarantineKey)))
        let catalog = self.catalog
        let transformer = RecordTransformer(compiled: compiled) { version in
            if inFlight.contains(version) { return true }
            guard let owner = try IngestProfile.measure(.catalog, { try catalog.versionOwner(version) }) else {
                return false
            }
            return owner != supersedes
        }
        var lastLeaseRenewal = Date()
        let input = try InputFile.open(path: path)
        // Stage times: the reader's own time (inflate, CRC, split) is the pass minus the callback; the callback's
        // time minus the stages timed inside it is transform.
        let profiling = IngestProfile.isEnabled
        let passStarted = profiling ? IngestProfile.now() : 0
        let stagesBefore = profiling ? IngestProfile.seconds() : [:]
        var callbackNanoseconds: Int64 = 0
        let summary = try input.forEachLine { event in
            let callbackStarted = profiling ? IngestProfile.now() : 0
            defer { if profiling { callbackNanoseconds += IngestProfile.now() - callbackStarted } }
            switch event {
            case .line(let line):
                result.counts.records += 1
                switch try transformer.process(line.bytes) {
                case .bad(let reason, let field):
                    result.counts.bad += 1
                    try IngestProfile.measure(.quarantine) {
                        try quarantine.add(batchID: batchID, file: fileName, member: line.member, line: line.number,
                                           offset: line.offset, reason: reason, field: field, text: line.bytes,
                                           length: line.bytes.count)
                    }
                case .added(let version):
                    result.counts.good += 1
                    result.versions.append(version)
                    // Hand rows on by count, and by size every 64 rows (fact rows of the bundled spec are ~20 KB).
                    let rows = transformer.factRowCount
                    if rows >= options.rowGroupRows
                        || (rows % 64 == 0 && transformer.factByteSize >= Lake.factChunkBytes) {
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
        if profiling {
            let stagesAfter = IngestProfile.seconds()
            var inner: Int64 = 0
            // In background mode CSV and columnar time is spent on the writer's thread, not in the callback.
            let inCallback: [IngestStage] = background
                ? [.parse, .catalog, .quarantine, .writerWait] : [.parse, .catalog, .csvGzip, .columnarEncode, .quarantine]
            for stage in inCallback {
                inner += Int64(((stagesAfter[stage] ?? 0) - (stagesBefore[stage] ?? 0)) * 1e9)
            }
            IngestProfile.add(.unzip, nanoseconds: IngestProfile.now() - passStarted - callbackNanoseconds)
            IngestProfile.add(.transform, nanoseconds: callbackNanoseconds - inner)
        }
        result.counts.blankLines = summary.blankLines
        result.counts.uncompressedBytes = summary.bytesOut
        try factOutput.append(transformer.takeFactRows())
        factOutput.finishInBackground(now: now)
        streamed = true
        result.rowsByTable[fact.name] = result.versions.count
        return StreamedBatch(result: result, now: now, factOutput: factOutput, quarantine: quarantine,
                             transformer: transformer, staging: staging)
    }

    /// The second part of `transform`: the fact table's files closed, the dimension rows decided against the
    /// catalog and written, the quarantine closed, and the staging made durable (one barrier for all of it).
    func finishTransform(_ streamed: StreamedBatch, batch: BatchRecord, supersedes: String?) throws
        -> TransformResult {
        var result = streamed.result
        let now = streamed.now
        let transformer = streamed.transformer
        let quarantine = streamed.quarantine
        let partition = batch.partition
        let batchID = batch.batchID
        result.files += try streamed.factOutput.collect(now: now)

        // Dimensions: rows first seen or changed, compared with what the lake holds.
        for (t, table) in compiled.tables.enumerated() where table.kind == .dimension {
            let pending = transformer.dimensions[t]!  // one per dimension table, from the transformer's start
            let keys = pending.winners.keys.sorted()
            let states = try IngestProfile.measure(.catalog) {
                try catalog.dimensionStates(table: table.name, naturalKeys: keys)
            }
            var rows: [Int] = []
            for key in keys {
                let winner = pending.winners[key]!
                let hash = RecordTransformer.hashText(winner.hash)
                if let state = states[key], state.rowHash == hash, state.batchID != supersedes {
                    continue
                }
                rows.append(winner.row)
                result.dimensionKeys.append(DimensionKey(table: table.name, naturalKey: key, rowHash: hash))
            }
            let output = TableOutput(table: table, partition: partition, fileID: batchID + "-" + table.name,
                                     layout: layout, batchID: batchID)
            try output.append(pending.columns.map { ColumnVector(type: $0.type, gathering: rows, from: [$0]) })
            result.files += try output.finish(now: now)
            result.rowsByTable[table.name] = rows.count
        }
        result.invalidValues = transformer.invalidCounts
        result.files += try IngestProfile.measure(.quarantine) {
            try quarantine.finish(batchID: batchID, source: spec.source, partition: partition, now: now)
        }
        try IngestProfile.measure(.sync) {
            try store.persistStaging(streamed.staging)
        }
        return result
    }

    /// Fact rows are handed to the table's writers once they hold this many bytes, so the rows in hand stay small
    /// whatever the batch size.
    static let factChunkBytes = 2 << 20

    /// `name.zip` tagged `abc` becomes `name.abc.zip`.
    static func name(_ fileName: String, taggedWith tag: String) -> String {
        if let dot = fileName.firstIndex(of: "."), dot != fileName.startIndex {
            return "\(fileName[..<dot]).\(tag)\(fileName[dot...])"
        }
        return "\(fileName).\(tag)"
    }

}
