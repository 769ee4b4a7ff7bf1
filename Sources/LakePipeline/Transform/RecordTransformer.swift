import LakeCatalog
import LakeCore
import LakeJSON

/// A dimension table's rows waiting for the end of the batch: kept in columns (a few bytes of overhead a value,
/// where an array of `Value`s per row held a `String` each and took ~3x the memory: 10 MiB of peak RSS on the 10x
/// workload), with an index from natural key to the row that wins so far. When a key repeats within a batch, the
/// row of the newest listing version wins; rows it replaces stay in the columns unreferenced until the batch ends.
struct PendingDimensionRows {
    /// A key's winning row: its index in `columns`, its content hash, and the fact version that brought it.
    struct Winner {
        var row: Int
        var hash: UInt64
        var versionAt: Int64
    }

    private(set) var columns: [ColumnVector]
    private(set) var winners: [String: Winner] = [:]

    init(types: [ColumnType]) {
        columns = types.map { ColumnVector(type: $0) }
    }

    /// Keeps `values` as `key`'s row unless the batch already holds a row of a newer version for it.
    mutating func offer(key: String, values: [Value], versionAt: Int64) {
        if let existing = winners[key], existing.versionAt > versionAt { return }
        winners[key] = Winner(row: columns[0].count, hash: RecordTransformer.hash(values), versionAt: versionAt)
        for (c, value) in values.enumerated() { columns[c].append(value) }
    }
}

/// Applies the compiled spec to one line at a time: validates, types, and appends the fact row to column
/// buffers and the dimension rows to per-key maps. Holds no state across batches.
final class RecordTransformer {
    enum LineOutcome {
        /// The line is bad: quarantined with this reason (and the field, if one field decided).
        case bad(reason: String, field: String?)
        /// A good line whose listing version is new; its fact row was appended.
        case added(ListingVersionKey)
        /// A good line whose version this batch already holds (an exact or near duplicate).
        case duplicate
        /// A good line whose version is already in the lake from an earlier batch.
        case known
    }

    let compiled: CompiledSpec
    private let scanner: RecordScanner
    private var slots: [JSONValueRef?]
    private let decoder = FieldDecoder()
    /// The fact table's rows for the current row group.
    private(set) var factColumns: [ColumnVector]
    /// Dimension rows by table index.
    private(set) var dimensions: [Int: PendingDimensionRows] = [:]
    /// NULLs produced by values that did not parse, per `table.column`.
    private(set) var invalidCounts: [String: Int] = [:]
    private var versionsInBatch = Set<ListingVersionKey>()
    private let isKnown: (ListingVersionKey) throws -> Bool

    /// - Parameter isKnown: whether the lake already holds a listing version (asked once per new version).
    init(compiled: CompiledSpec, isKnown: @escaping (ListingVersionKey) throws -> Bool) {
        self.compiled = compiled
        self.scanner = RecordScanner(fields: compiled.fieldTable)
        self.slots = Array(repeating: nil, count: compiled.fieldTable.count)
        self.factColumns = compiled.tables[compiled.factIndex].columns.map { ColumnVector(type: $0.type) }
        self.isKnown = isKnown
        for (t, table) in compiled.tables.enumerated() where table.kind == .dimension {
            dimensions[t] = PendingDimensionRows(types: table.columns.map(\.type))
        }
    }

    var factRowCount: Int { factColumns.first?.count ?? 0 }

    /// Bytes held by the fact rows gathered so far.
    var factByteSize: Int { factColumns.reduce(0) { $0 + $1.byteSize } }

    /// Hands back the fact rows gathered so far and starts a new row group.
    func takeFactRows() -> [ColumnVector] {
        let rows = factColumns
        for i in factColumns.indices { factColumns[i].removeAll(keepingCapacity: true) }
        return rows
    }

    func process(_ line: UnsafeRawBufferPointer) throws -> LineOutcome {
        if let error = IngestProfile.measure(.parse, { scanner.scan(line, into: &slots) }) {
            return .bad(reason: error.reason, field: nil)
        }
        let fact = compiled.tables[compiled.factIndex]
        // Gate: the version key and every reject_invalid field must hold before anything is appended.
        var keyValues: [Int: Int64] = [:]
        var listingID = ""
        for c in compiled.gateColumns {
            let column = fact.columns[c]
            let problem: String? = decoder.decode(column, slots: slots, line: line) { outcome, bytes in
                switch outcome {
                case .missing:
                    return column.required ? "\(fieldPath(column)) is missing" : nil
                case .invalid:
                    return column.type == .text
                        ? "\(fieldPath(column)) is not a string of at most 16 MiB"
                        : "\(fieldPath(column)) is not a valid \(typeWord(column.type))"
                case .text:
                    if c == fact.keyColumns.first {
                        guard let ref = firstPresent(column), ref.kind == .string else {
                            return "\(fieldPath(column)) is not a string"
                        }
                        listingID = String(decoding: bytes, as: UTF8.self)
                        if listingID.isEmpty { return "\(fieldPath(column)) is empty" }
                    }
                    return nil
                case .integer(let v):
                    keyValues[c] = v
                    return nil
                case .double:
                    return nil
                }
            }
            if let problem { return .bad(reason: problem, field: column.fieldNames.first) }
        }
        guard fact.keyColumns.count == 2, let modifiedAt = keyValues[fact.keyColumns[1]] else {
            return .bad(reason: "the version key could not be read", field: nil)
        }
        let version = ListingVersionKey(listingID: listingID, modifiedAt: modifiedAt)
        if versionsInBatch.contains(version) { return .duplicate }
        if try isKnown(version) { return .known }
        versionsInBatch.insert(version)

        // The fact row.
        for (c, column) in fact.columns.enumerated() {
            let table = fact.name
            decoder.decode(column, slots: slots, line: line) { outcome, bytes in
                switch outcome {
                case .missing: factColumns[c].appendNull()
                case .invalid:
                    factColumns[c].appendNull()
                    invalidCounts["\(table).\(column.name)", default: 0] += 1
                case .integer(let v): factColumns[c].append(integer: v)
                case .double(let v): factColumns[c].append(double: v)
                case .text: factColumns[c].append(utf8: bytes)
                }
            }
        }
        // Dimension rows.
        for (t, table) in compiled.tables.enumerated() where table.kind == .dimension {
            var values: [Value] = []
            values.reserveCapacity(table.columns.count)
            var complete = true
            for column in table.columns {
                let value: Value = decoder.decode(column, slots: slots, line: line) { outcome, bytes in
                    switch outcome {
                    case .missing: return .null
                    case .invalid:
                        invalidCounts["\(table.name).\(column.name)", default: 0] += 1
                        return .null
                    case .integer(let v):
                        switch column.type {
                        case .bool: return .bool(v != 0)
                        case .decimal(let scale): return .decimal(v, scale: scale)
                        case .timestamp: return .timestamp(v)
                        case .date: return .date(Int32(truncatingIfNeeded: v))
                        default: return .int(v)
                        }
                    case .double(let v): return .double(v)
                    case .text: return .text(String(decoding: bytes, as: UTF8.self))
                    }
                }
                if column.required && value.isNull { complete = false }
                values.append(value)
            }
            guard complete else { continue }
            let key = table.keyColumns.map { values[$0].description }.joined(separator: "\u{1f}")
            dimensions[t]!.offer(key: key, values: values, versionAt: modifiedAt)
        }
        return .added(version)
    }

    private func firstPresent(_ column: CompiledSpec.Column) -> JSONValueRef? {
        for slot in column.slots { if let ref = slots[slot], ref.kind != .null { return ref } }
        return nil
    }

    private func fieldPath(_ column: CompiledSpec.Column) -> String {
        let envelope = compiled.spec.record.envelope
        return column.fieldNames.map { "\(envelope).\($0)" }.joined(separator: " / ")
    }

    private func typeWord(_ type: ColumnType) -> String {
        switch type {
        case .decimal, .int64, .float64: return "number"
        case .timestamp: return "timestamp"
        case .date: return "date"
        case .bool: return "boolean"
        case .text: return "string"
        }
    }

    /// FNV-1a 64 over the values' canonical text, NULL marked apart from the empty string.
    static func hash(_ values: [Value]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in values {
            if let text = ValueFormatter.text(value) {
                for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
                h = (h ^ 0x1e) &* 0x0000_0100_0000_01b3
            } else {
                h = (h ^ 0x00) &* 0x0000_0100_0000_01b3
                h = (h ^ 0x1f) &* 0x0000_0100_0000_01b3
            }
        }
        return h
    }

    /// A row hash as the catalog keeps it: 16 lowercase hex digits.
    static func hashText(_ hash: UInt64) -> String {
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
