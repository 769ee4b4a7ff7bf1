import LakeCore
import LakeJSON

/// A pipeline spec turned into slot indexes for the scanner: each distinct source field gets one slot, and each
/// column knows the slots of its fields in fallback order.
struct CompiledSpec {
    struct Column {
        var name: String
        var type: ColumnType
        var slots: [Int]
        var fieldNames: [String]
        var required: Bool
        var rejectInvalid: Bool
        var nullTokens: [[UInt8]]
    }

    struct Table {
        var name: String
        var kind: PipelineSpec.TableKind
        var schema: TableSchema
        var columns: [Column]
        var keyColumns: [Int]
        var sortColumn: String?
        var bloomColumns: [String]
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
