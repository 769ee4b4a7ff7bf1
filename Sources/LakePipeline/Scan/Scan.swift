import LakeCatalog
public import LakeCore
import LakeFormat
import LakeJSON
import LakeStorage

/// A comparison operator of `--where`.
public enum ComparisonOperator: String, Sendable, CaseIterable, Codable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    func holds(_ ordering: Int) -> Bool {
        switch self {
        case .equal: return ordering == 0
        case .notEqual: return ordering != 0
        case .less: return ordering < 0
        case .lessOrEqual: return ordering <= 0
        case .greater: return ordering > 0
        case .greaterOrEqual: return ordering >= 0
        }
    }
}

/// `col OP value` as the CLI takes it (CONTRACT.md), before it is typed against a table.
public struct ScanPredicate: Sendable, CustomStringConvertible {
    public var column: String
    public var op: ComparisonOperator
    public var literal: String

    /// Parses `listing_id = 110990173`, `base_rent>=1000`, `title = 'Altbau, hell'`.
    public static func parse(_ text: String) -> ScanPredicate? {
        // The operator is the first of `! < > =` in the text, with a following `=` where that makes one.
        let chars = Array(text)
        guard let at = chars.firstIndex(where: { "!<>=".contains($0) }) else { return nil }
        let two = at + 1 < chars.count ? String(chars[at...at + 1]) : ""
        let op: ComparisonOperator
        let width: Int
        if let o = ComparisonOperator(rawValue: two), two.count == 2 {
            (op, width) = (o, 2)
        } else if let o = ComparisonOperator(rawValue: String(chars[at])) {
            (op, width) = (o, 1)
        } else {
            return nil
        }
        let column = String(chars[..<at])[...].trimmingSpaces()
        var literal = String(chars[(at + width)...])[...].trimmingSpaces()
        guard !column.isEmpty, !literal.isEmpty else { return nil }
        if literal.count >= 2, let first = literal.first, first == "'" || first == "\"", literal.last == first {
            literal = String(literal.dropFirst().dropLast())
        }
        return ScanPredicate(column: column, op: op, literal: literal)
    }

    public var description: String { "\(column) \(op.rawValue) \(literal)" }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// What `scan` reads.
public struct ScanRequest: Sendable {
    public var table: String
    public var selector: PartitionSelector?
    /// Partitions from this hour on.
    public var since: PartitionKey?
    /// Partitions before this hour.
    public var until: PartitionKey?
    /// Columns to return, in order; nil for all.
    public var columns: [String]?
    public var predicates: [ScanPredicate]
    public var limit: Int?

    public init(table: String) {
        self.table = table
        self.predicates = []
    }
}

/// How a scan found its rows: what partition pruning, Bloom filters and statistics saved.
public struct ScanExplain: Sendable, Codable {
    public var table: String
    public var partitionsInTable = 0
    public var partitionsPruned = 0
    public var filesConsidered = 0
    public var filesSkippedByBloomFilter = 0
    public var filesSkippedByStatistics = 0
    public var rowGroupsRead = 0
    public var rowGroupsSkippedByStatistics = 0
    public var rowsRead = 0
    public var rowsReturned = 0
    public var predicates: [String] = []

    enum CodingKeys: String, CodingKey {
        case table, predicates
        case partitionsInTable = "partitions_in_table", partitionsPruned = "partitions_pruned"
        case filesConsidered = "files_considered", filesSkippedByBloomFilter = "files_skipped_by_bloom_filter"
        case filesSkippedByStatistics = "files_skipped_by_statistics", rowGroupsRead = "row_groups_read"
        case rowGroupsSkippedByStatistics = "row_groups_skipped_by_statistics", rowsRead = "rows_read"
        case rowsReturned = "rows_returned"
    }
}

extension Lake {
    /// The schema of a table in the spec.
    public func schema(of table: String) throws -> TableSchema {
        guard let schema = spec.schemas.first(where: { $0.name == table }) else {
            throw LakeError(.usage, "no table '\(table)' in the pipeline spec",
                            remedy: "tables: " + spec.tables.map(\.name).joined(separator: ", "))
        }
        return schema
    }

    /// The columns a scan returns, in order.
    public func projectedSchema(_ request: ScanRequest) throws -> TableSchema {
        let schema = try self.schema(of: request.table)
        var projected = schema
        projected.columns = try (request.columns ?? schema.columns.map(\.name)).map { name in
            guard let i = schema.index(of: name) else {
                throw LakeError(.usage, "table '\(request.table)' has no column '\(name)'",
                                remedy: "columns: " + schema.columns.map(\.name).joined(separator: ", "))
            }
            return schema.columns[i]
        }
        return projected
    }

    /// Types a predicate's literal against the column's type.
    static func typedLiteral(_ predicate: ScanPredicate, type: ColumnType) -> Value? {
        let text = predicate.literal
        if text.lowercased() == "null" { return .null }
        return Array(text.utf8).withUnsafeBytes { raw -> Value? in
            switch type {
            case .text: return .text(text)
            case .int64: return JSONValues.int64(text: raw).map(Value.int)
            case .decimal(let scale): return JSONValues.decimal(text: raw, scale: scale).map { .decimal($0, scale: scale) }
            case .float64: return JSONValues.double(text: raw).map(Value.double)
            case .bool: return JSONValues.bool(text: raw).map(Value.bool)
            case .timestamp:
                if let key = PartitionKey.parse(text) { return .timestamp(key.epochSeconds * 1_000_000) }
                return JSONValues.timestamp(text: raw).map(Value.timestamp)
            case .date: return JSONValues.date(text: raw).map { .date($0) }
            }
        }
    }

    /// Reads a table's active columnar files with partition pruning (catalog), file skipping (Bloom filters,
    /// statistics) and row-group skipping (statistics), handing each matching row to `row` until it returns
    /// false or the limit is reached.
    /// - Throws: `LakeError(.usage)` for an unknown table or column or a literal of the wrong type;
    ///   `LakeError(.corruptFile)` naming the file when a columnar file is damaged.
    public func scan(_ request: ScanRequest, row: ([Value]) throws -> Bool) throws -> (TableSchema, ScanExplain) {
        let schema = try self.schema(of: request.table)
        let projection: [Int] = try (request.columns ?? schema.columns.map(\.name)).map { name in
            guard let i = schema.index(of: name) else {
                throw LakeError(.usage, "table '\(request.table)' has no column '\(name)'",
                                remedy: "columns: " + schema.columns.map(\.name).joined(separator: ", "))
            }
            return i
        }
        var typed: [(column: Int, op: ComparisonOperator, value: Value)] = []
        for predicate in request.predicates {
            guard let c = schema.index(of: predicate.column) else {
                throw LakeError(.usage, "--where \(predicate): table '\(request.table)' has no column '\(predicate.column)'")
            }
            guard let value = Lake.typedLiteral(predicate, type: schema.columns[c].type) else {
                throw LakeError(.usage, "--where \(predicate): '\(predicate.literal)' is not a \(schema.columns[c].type)")
            }
            typed.append((c, predicate.op, value))
        }
        var explain = ScanExplain(table: request.table)
        explain.predicates = request.predicates.map(\.description)
        let partitions = try catalog.partitions(table: request.table)
        explain.partitionsInTable = partitions.count
        let kept = partitions.filter { p in
            if let s = request.selector, !s.contains(p.partition) { return false }
            if let since = request.since, p.partition < since { return false }
            if let until = request.until, !(p.partition < until) { return false }
            return true
        }
        explain.partitionsPruned = partitions.count - kept.count
        let keptKeys = Set(kept.map(\.partition))
        // Partition order, and within a partition the order files were committed in (oldest first).
        let files = try catalog.files(table: request.table, format: .columnar)
            .filter { keptKeys.contains($0.partition) }
            .sorted { ($0.partition, $0.createdAt, $0.path) < ($1.partition, $1.createdAt, $1.path) }
        let needed = Array(Set(projection + typed.map(\.column))).sorted()
        var returned = 0
        fileLoop: for file in files {
            explain.filesConsidered += 1
            let reader = try columnarReader(file)
            // Whole-file skipping by equality predicates (Bloom filter, then statistics).
            var skip = false
            for p in typed where p.op == .equal && !p.value.isNull {
                if !reader.mightContain(column: schema.columns[p.column].name, value: p.value) {
                    if reader.hasBloomFilter(column: schema.columns[p.column].name) {
                        explain.filesSkippedByBloomFilter += 1
                    } else {
                        explain.filesSkippedByStatistics += 1
                    }
                    skip = true
                    break
                }
            }
            if skip { continue }
            for (g, group) in reader.rowGroups.enumerated() {
                if !Lake.rowGroupMayMatch(group, typed: typed, schema: schema) {
                    explain.rowGroupsSkippedByStatistics += 1
                    continue
                }
                explain.rowGroupsRead += 1
                let vectors = try reader.read(rowGroup: g, columns: needed)
                var byColumn: [Int: ColumnVector] = [:]
                for (k, c) in needed.enumerated() { byColumn[c] = vectors[k] }
                let count = vectors.first?.count ?? 0
                explain.rowsRead += count
                rowLoop: for r in 0..<count {
                    for p in typed {
                        let value = byColumn[p.column]!.value(at: r)
                        if p.value.isNull {
                            let isNull = value.isNull
                            if (p.op == .equal && !isNull) || (p.op == .notEqual && isNull) { continue rowLoop }
                            if p.op != .equal && p.op != .notEqual { continue rowLoop }
                            continue
                        }
                        guard let ordering = Value.compare(value, p.value), p.op.holds(ordering) else { continue rowLoop }
                    }
                    returned += 1
                    explain.rowsReturned = returned
                    guard try row(projection.map { byColumn[$0]!.value(at: r) }) else { break fileLoop }
                    if let limit = request.limit, returned >= limit { break fileLoop }
                }
            }
        }
        var projected = schema
        projected.columns = projection.map { schema.columns[$0] }
        return (projected, explain)
    }

    /// Whether a row group's statistics allow a row matching every predicate.
    static func rowGroupMayMatch(_ group: RowGroupInfo, typed: [(column: Int, op: ComparisonOperator, value: Value)],
                                 schema: TableSchema) -> Bool {
        for p in typed where !p.value.isNull {
            let stats = group.columns[p.column].statistics
            if stats.nullCount == group.rowCount { return false }  // all NULL: no comparison holds
            if p.op == .equal {
                if !stats.mayContain(p.value) { return false }
                continue
            }
            // Range checks only where bounds are exact (text statistics may be truncated).
            if case .text = p.value { continue }
            guard let min = stats.min, let max = stats.max,
                  let lo = Value.compare(min, p.value), let hi = Value.compare(max, p.value) else { continue }
            switch p.op {
            case .less: if lo >= 0 { return false }
            case .lessOrEqual: if lo > 0 { return false }
            case .greater: if hi <= 0 { return false }
            case .greaterOrEqual: if hi < 0 { return false }
            case .notEqual: if lo == 0 && hi == 0 { return false }
            case .equal: break
            }
        }
        return true
    }

    /// A local file with an active file's bytes: its key, or, for a committed batch not yet published, its
    /// staged copy; downloaded first when the lake is in an object store. nil when neither exists.
    func localCopy(_ file: FileRecord) throws -> LocalCopy? {
        if let copy = try store.localCopy(of: file.path) { return copy }
        guard let producer = file.batchID ?? file.compactionID else { return nil }
        return try store.localCopy(of: layout.stagedKey(batchID: producer, key: file.path))
    }

    /// Opens an active file for reading (see `localCopy`).
    /// - Throws: `LakeError(.corruptFile)` naming the file when it is missing.
    func columnarReader(_ file: FileRecord) throws -> ColumnarReader {
        guard let copy = try localCopy(file) else {
            throw LakeError(.corruptFile, "\(file.path) is named by the catalog but missing from the lake",
                            remedy: "run `batchlake verify`; re-ingest the batch \(file.batchID ?? file.compactionID ?? "")")
        }
        // The reader keeps its descriptor open, so a temporary download may be unlinked when `copy` goes.
        return try withExtendedLifetime(copy) { try ColumnarReader(path: copy.path) }
    }
}
