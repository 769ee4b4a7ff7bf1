import LakeCore
import LakeJSON

/// A pipeline spec turned into slot indexes for the scanner: each distinct source field gets one slot, and each
/// column knows the slots of its fields in fallback order.
struct CompiledSpec {
    // Columns and tables are classes, not structs: the transformer walks ~150 of them for every record, and a
    // struct of four arrays and a string costs four retains and releases each time it is copied out of an array
    // (4% of the reading thread's samples), a class one.

    /// A column of an output table: which fields feed it (`slots`, in order of preference) and how.
    final class Column {
        let name: String
        let type: ColumnType
        let slots: [Int]
        let fieldNames: [String]
        let required: Bool
        let rejectInvalid: Bool
        let nullTokens: [[UInt8]]

        init(name: String, type: ColumnType, slots: [Int], fieldNames: [String], required: Bool, rejectInvalid: Bool,
             nullTokens: [[UInt8]]) {
            self.name = name
            self.type = type
            self.slots = slots
            self.fieldNames = fieldNames
            self.required = required
            self.rejectInvalid = rejectInvalid
            self.nullTokens = nullTokens
        }
    }

    final class Table {
        let name: String
        let kind: PipelineSpec.TableKind
        let schema: TableSchema
        let columns: [Column]
        let keyColumns: [Int]
        let sortColumn: String?
        let bloomColumns: [String]

        init(name: String, kind: PipelineSpec.TableKind, schema: TableSchema, columns: [Column], keyColumns: [Int],
             sortColumn: String?, bloomColumns: [String]) {
            self.name = name
            self.kind = kind
            self.schema = schema
            self.columns = columns
            self.keyColumns = keyColumns
            self.sortColumn = sortColumn
            self.bloomColumns = bloomColumns
        }
    }

    let spec: PipelineSpec
    let fieldTable: FieldTable
    let tables: [Table]
    let factIndex: Int
    /// Fact columns that make a line bad when they fail: required ones first (keys), then reject_invalid ones.
    let gateColumns: [Int]

    init(_ spec: PipelineSpec) {
        self.spec = spec
        var fieldNames: [String] = []
        var slotOf: [String: Int] = [:]
        func slot(_ name: String) -> Int {
            if let s = slotOf[name] { return s }
            slotOf[name] = fieldNames.count
            fieldNames.append(name)
            return fieldNames.count - 1
        }
        var tables: [Table] = []
        let schemas = spec.schemas
        for (t, table) in spec.tables.enumerated() {
            let columns = table.columns.map { c in
                Column(name: c.name, type: c.type, slots: c.fields.map(slot), fieldNames: c.fields, required: c.required,
                       rejectInvalid: c.rejectInvalid, nullTokens: c.nullTokens.map { Array($0.utf8) })
            }
            tables.append(Table(
                name: table.name, kind: table.kind, schema: schemas[t], columns: columns,
                keyColumns: table.key.compactMap { k in table.columns.firstIndex { $0.name == k } },
                sortColumn: table.sortBy, bloomColumns: table.bloomFilter ?? []))
        }
        self.tables = tables
        self.fieldTable = FieldTable(fieldNames: fieldNames)
        let factIndex = tables.firstIndex { $0.kind == .fact }!
        self.factIndex = factIndex
        let factColumns = tables[factIndex].columns
        let keys = tables[factIndex].keyColumns
        let required = factColumns.indices.filter { factColumns[$0].required }
        let keyFirst = keys + required.filter { !keys.contains($0) }
        self.gateColumns = keyFirst + factColumns.indices.filter { factColumns[$0].rejectInvalid && !factColumns[$0].required }
    }
}
