public import LakeCore

/// A batch's life: `pending` (owned by a live process, work in `_staging`), `committed` (catalog holds its files;
/// publish may still be under way), `published` (files at their final keys), `superseded` (a newer content of the
/// same file name replaced it), `failed` (refused as a whole; kept for the record).
public enum BatchStatus: String, Sendable, Codable {
    case pending, committed, published, superseded, failed
}

/// How the batch hour was decided.
public enum HourRule: String, Sendable, Codable {
    case option = "option"
    case fileName = "file_name"
    case ingestTime = "ingest_time"
}

/// One input file as the catalog knows it.
public struct BatchRecord: Sendable, Codable {
    public var batchID: String
    public var source: String
    public var fileName: String
    public var inputURI: String
    public var sha256: String
    /// The S3 ETag of the input object, when it came from S3.
    public var sourceETag: String?
    public var bytes: Int64
    public var partition: PartitionKey
    public var hourRule: HourRule
    public var status: BatchStatus
    public var ownerHost: String?
    public var ownerPID: Int?
    public var leaseUntil: String?
    public var supersedes: String?
    public var supersededBy: String?
    public var counts: BatchCounts
    public var nullCounts: [String: Int]
    public var error: String?
    public var startedAt: String
    public var committedAt: String?
    public var publishedAt: String?
    public var seconds: Double?

    public init(batchID: String, source: String, fileName: String, inputURI: String, sha256: String, bytes: Int64,
                partition: PartitionKey, hourRule: HourRule, status: BatchStatus, startedAt: String) {
        self.batchID = batchID
        self.source = source
        self.fileName = fileName
        self.inputURI = inputURI
        self.sha256 = sha256
        self.bytes = bytes
        self.partition = partition
        self.hourRule = hourRule
        self.status = status
        self.counts = BatchCounts()
        self.nullCounts = [:]
        self.startedAt = startedAt
    }
}

/// What a batch's lines came to.
public struct BatchCounts: Sendable, Codable, Equatable {
    /// Non-blank lines read.
    public var records = 0
    /// Lines that parsed and typed (includes duplicates and versions already in the lake).
    public var good = 0
    /// Lines quarantined.
    public var bad = 0
    /// Exact duplicate lines, and repeats of a listing version within the batch.
    public var duplicates = 0
    /// Listing versions already in the lake from an earlier batch.
    public var knownVersions = 0
    /// Empty or whitespace-only lines skipped.
    public var blankLines = 0
    /// Bytes of JSON lines after decompression.
    public var uncompressedBytes: Int64 = 0

    public init() {}
}

/// Kinds of file the catalog tracks.
public enum FileFormat: String, Sendable, Codable, CaseIterable {
    case raw
    case csvGzip = "csv.gz"
    case columnar = "bcol"
    case manifest
    case quarantine
}

/// A file's life: `active` files are what readers see; `retired` ones were replaced (by a superseding batch or a
/// compaction) and wait in `_trash/` for vacuum; `deleted` ones are gone.
public enum FileStatus: String, Sendable, Codable {
    case active, retired, deleted
}

/// A file in the lake. `path` is relative to the lake root and always a catalog-built key, never an input name.
public struct FileRecord: Sendable, Codable {
    public var fileID: String
    public var batchID: String?
    public var table: String
    public var partition: PartitionKey
    public var format: FileFormat
    public var path: String
    public var rows: Int
    public var bytes: Int64
    public var sha256: String
    public var status: FileStatus
    public var schemaFingerprint: String?
    public var stats: String?
    public var createdAt: String
    public var retiredAt: String?
    /// The compaction run that wrote this file (nil for files written by ingest).
    public var compactionID: String?

    public init(fileID: String, batchID: String?, table: String, partition: PartitionKey, format: FileFormat,
                path: String, rows: Int, bytes: Int64, sha256: String, status: FileStatus = .active,
                schemaFingerprint: String? = nil, stats: String? = nil, createdAt: String) {
        self.fileID = fileID
        self.batchID = batchID
        self.table = table
        self.partition = partition
        self.format = format
        self.path = path
        self.rows = rows
        self.bytes = bytes
        self.sha256 = sha256
        self.status = status
        self.schemaFingerprint = schemaFingerprint
        self.stats = stats
        self.createdAt = createdAt
    }
}

/// A table's hour partition: its data version (bumped by ingest and supersede, not by compaction) and totals of
/// its active data files.
public struct PartitionRecord: Sendable, Codable {
    public var table: String
    public var partition: PartitionKey
    public var dataVersion: Int
    public var rows: Int
    public var files: Int
    public var bytes: Int64
    public var updatedAt: String
}

/// A table schema as first seen by a batch.
public struct SchemaVersionRecord: Sendable, Codable {
    public var table: String
    public var version: Int
    public var fingerprint: String
    public var columns: String
    public var firstBatch: String?
    public var createdAt: String
}

/// One edge of lineage: a file made from a batch or from other files.
public struct LineageRecord: Sendable, Codable {
    public var childFileID: String
    public var parentKind: String
    public var parentID: String
    public var relation: String
    public var createdAt: String
}
