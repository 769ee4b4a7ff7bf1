public import LakeCore

/// The container a batch file comes in.
public enum BatchFileFormat: String, Sendable, Hashable, CaseIterable {
    /// `…_HH.zip`: a ZIP archive with one deflated JSON-lines member `…_HH.jsonl`, like the real source.
    case zip
    /// `…_HH.jsonl.gz`: one gzip member.
    case gzip = "gz"
    /// `…_HH.jsonl`: plain JSON lines.
    case jsonl

    /// The file name's ending, without the leading dot.
    public var fileExtension: String {
        switch self {
        case .zip: "zip"
        case .gzip: "jsonl.gz"
        case .jsonl: "jsonl"
        }
    }
}

/// Why a generated line must be quarantined (CONTRACT.md, "Good and bad lines").
public enum BadLineKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A record cut off mid-way: not valid JSON.
    case truncatedJSON = "truncated_json"
    /// `realEstate_baseRent` is a non-numeric string such as "ca. 900".
    case nonNumericBaseRent = "non_numeric_base_rent"
    /// `data.id` is absent or null.
    case missingID = "missing_id"
    /// Neither `realEstate_lastModificationDate` nor `modification` is present.
    case missingModificationTime = "missing_modification_time"
    /// Valid JSON that is not an object: `[1,2]`, `42`, `null`, ….
    case notAnObject = "not_an_object"
    /// Bytes that are not UTF-8 inside a string.
    case invalidUTF8 = "invalid_utf8"

    public static func < (a: BadLineKind, b: BadLineKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One version of one listing: the key under which the lake stores a `flats` row.
public struct ListingVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `data.id`, 8 or 9 digits.
    public var listingID: String
    /// The modification time as the record spells it (`realEstate_lastModificationDate`, else `modification`;
    /// both agree when both are present).
    public var modifiedAt: String
    /// The same instant in microseconds since 1970-01-01T00:00:00Z.
    public var modifiedAtMicroseconds: Int64

    /// Creates a version key.
    public init(listingID: String, modifiedAt: String, modifiedAtMicroseconds: Int64) {
        self.listingID = listingID
        self.modifiedAt = modifiedAt
        self.modifiedAtMicroseconds = modifiedAtMicroseconds
    }

    public static func < (a: ListingVersion, b: ListingVersion) -> Bool {
        (a.listingID, a.modifiedAtMicroseconds) < (b.listingID, b.modifiedAtMicroseconds)
    }

    public var description: String { "\(listingID)@\(modifiedAt)" }
}

/// What one generated batch file holds, line by line category.
///
/// `lineCount == goodLines + duplicateLines + blankLines + badLineCount`.
public struct GeneratedFile: Sendable {
    /// Where the file was written.
    public var path: String
    /// The file's name, e.g. `immobilienscout24_berlin_20190113_05.zip`.
    public var fileName: String
    /// The JSON-lines member inside a ZIP; nil for the other formats.
    public var memberName: String?
    /// The batch's hour, as its file name says.
    public var hour: PartitionKey
    /// Lines in the JSON text, counting a last line without a newline.
    public var lineCount: Int
    /// Good records, each exact duplicate counted once (so `versions.count == goodLines`).
    public var goodLines: Int
    /// Good records of listings first seen in this batch.
    public var newListingLines: Int
    /// Good records that are a newer version (newer modification time, changed price) of a listing from an
    /// earlier batch.
    public var updateLines: Int
    /// Good records that repeat, byte for byte, a version already delivered in an earlier batch (messy mode).
    public var redeliveredLines: Int
    /// Extra copies of a good line earlier in the same file: they collapse into that line.
    public var duplicateLines: Int
    /// Empty or whitespace-only lines: skipped.
    public var blankLines: Int
    /// Bad lines by reason.
    public var badLines: [BadLineKind: Int]
    /// Good versions in the order their first line appears.
    public var versions: [ListingVersion]
    /// Uncompressed bytes of JSON text.
    public var jsonBytes: Int64
    /// Bytes of the file on disk.
    public var fileBytes: Int64
    /// False when the last line has no terminating newline (messy mode, odd hours).
    public var endsWithNewline: Bool

    /// All bad lines of the file.
    public var badLineCount: Int { badLines.values.reduce(0, +) }
}

/// What a `Generator.generate` run wrote, so tests can predict an ingest's outcome without reading the files.
public struct GenerationReport: Sendable {
    /// One entry per hour, in hour order.
    public var files: [GeneratedFile]
    /// Every distinct good listing version across all files.
    public var goodVersions: Set<ListingVersion>
    /// Bad lines by reason, over all files.
    public var badLines: [BadLineKind: Int]
    /// Good records over all files (exact duplicates counted once, redeliveries counted again).
    public var goodLines: Int
    /// Newer versions of listings from earlier batches.
    public var updateLines: Int
    /// Versions delivered again in a later batch.
    public var redeliveredLines: Int
    /// Extra copies of lines within a file.
    public var duplicateLines: Int
    /// Empty or whitespace-only lines.
    public var blankLines: Int
    /// Uncompressed JSON bytes over all files.
    public var jsonBytes: Int64
    /// Distinct listing ids among good records.
    public var distinctListings: Int
    /// Distinct `companyWideCustomerId` values among good records (private landlords have none).
    public var distinctAgencies: Int
    /// Distinct addresses among good records: (quarter, postcode, street, house number), street and house number
    /// possibly absent.
    public var distinctAddresses: Int
    /// Distinct quarters (`realEstate_address_geoHierarchy_quarter_fullGeoCodeId`) among good records.
    public var distinctQuarters: Int

    /// All bad lines.
    public var badLineCount: Int { badLines.values.reduce(0, +) }
}
