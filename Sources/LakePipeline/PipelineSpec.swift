public import LakeCore
import Foundation

/// The declarative pipeline spec (a JSON file): which source fields become which typed columns of which tables.
/// Users change the spec, not the code, to add a column. The bundled spec is `Specs/immobilienscout24.json`.
public struct PipelineSpec: Sendable, Codable {
    public var specVersion: Int
    /// The source system; names the raw and quarantine folders (`lake/raw/<source>/...`).
    public var source: String
    public var description: String?
    public var record: RecordSpec
    public var tables: [TableSpec]

    enum CodingKeys: String, CodingKey {
        case specVersion = "spec_version", source, description, record, tables
    }

    /// Where the fields sit in each JSON line.
    public struct RecordSpec: Sendable, Codable {
        /// The key of the object holding the flattened fields (`data`).
        public var envelope: String
    }

    public enum TableKind: String, Sendable, Codable {
        /// One row per version of the key; versions already in the lake are not added again.
        case fact
        /// Each natural key once across the lake: a row is written when first seen or changed.
        case dimension
    }

    public struct TableSpec: Sendable, Codable {
        public var name: String
        public var kind: TableKind
        /// The fact's version key, or the dimension's natural key.
        public var key: [String]
        /// Columnar files sort rows by this column within a file (sharper statistics and deltas).
        public var sortBy: String?
        /// Columns given a Bloom filter in columnar files (point lookups skip files).
        public var bloomFilter: [String]?
        public var columns: [ColumnSpec]

        enum CodingKeys: String, CodingKey {
            case name, kind, key, columns
            case sortBy = "sort_by", bloomFilter = "bloom_filter"
        }
    }

    public struct ColumnSpec: Sendable, Codable {
        public var name: String
        /// Source field names inside the envelope, tried in order.
        public var fields: [String]
        public var type: ColumnType
        /// Missing or unparseable makes the line bad (for a fact) or skips the dimension row.
        public var required: Bool
        /// Present but unparseable makes the line bad (otherwise it becomes NULL and is counted).
        public var rejectInvalid: Bool
        /// Values read as NULL (compared to the text of the value), e.g. `["", "NO_INFORMATION"]`.
        public var nullTokens: [String]
        public var comment: String?

        enum CodingKeys: String, CodingKey {
            case name, field, type, required, comment
            case rejectInvalid = "reject_invalid", nullTokens = "null_tokens"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            if let one = try? c.decode(String.self, forKey: .field) {
                fields = [one]
            } else {
                fields = try c.decode([String].self, forKey: .field)
            }
            type = try c.decode(ColumnType.self, forKey: .type)
            required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
            rejectInvalid = try c.decodeIfPresent(Bool.self, forKey: .rejectInvalid) ?? false
            nullTokens = try c.decodeIfPresent([String].self, forKey: .nullTokens) ?? []
            comment = try c.decodeIfPresent(String.self, forKey: .comment)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            if fields.count == 1 { try c.encode(fields[0], forKey: .field) } else { try c.encode(fields, forKey: .field) }
            try c.encode(type, forKey: .type)
            if required { try c.encode(true, forKey: .required) }
            if rejectInvalid { try c.encode(true, forKey: .rejectInvalid) }
            if !nullTokens.isEmpty { try c.encode(nullTokens, forKey: .nullTokens) }
            try c.encodeIfPresent(comment, forKey: .comment)
        }
    }

    /// The table schemas this spec produces.
    public var schemas: [TableSchema] {
        tables.map { table in
            TableSchema(name: table.name, columns: table.columns.map {
                ColumnSchema(name: $0.name, type: $0.type, nullable: !$0.required)
            })
        }
    }

    public func table(named name: String) -> TableSpec? { tables.first { $0.name == name } }

    /// Loads a spec from a file, or the bundled immobilienscout24 spec when `path` is nil.
    /// - Throws: `LakeError(.badSpec)` naming the file and the problem.
    public static func load(path: String?) throws -> PipelineSpec {
        let data: Data
        let label: String
        if let path {
            label = path
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw LakeError(.badSpec, "cannot read the pipeline spec \(path)", remedy: "check --pipeline")
            }
            data = contents
        } else {
            label = "the bundled immobilienscout24 spec"
            guard let url = Bundle.module.url(forResource: "immobilienscout24", withExtension: "json",
                                              subdirectory: "Specs"),
                  let contents = try? Data(contentsOf: url) else {
                throw LakeError(.internalError, "the bundled pipeline spec is missing from this build")
            }
            data = contents
        }
        let spec: PipelineSpec
        do {
            spec = try JSONDecoder().decode(PipelineSpec.self, from: data)
        } catch let error as DecodingError {
            throw LakeError(.badSpec, "pipeline spec \(label) is not valid: \(describe(error))",
                            remedy: "fix the spec; see docs/PIPELINE.md")
        } catch {
            throw LakeError(.badSpec, "pipeline spec \(label) is not valid JSON: \(error.localizedDescription)")
        }
        try spec.validate(label: label)
        return spec
    }

    /// Checks that the spec can work: known version, unique safe names, keys that exist, one fact table.
    public func validate(label: String) throws {
        func fail(_ message: String) -> LakeError {
            LakeError(.badSpec, "pipeline spec \(label): \(message)", remedy: "fix the spec; see docs/PIPELINE.md")
        }
        guard specVersion == 1 else { throw fail("spec_version \(specVersion) is not supported (this build knows 1)") }
        guard PipelineSpec.isIdentifier(source) else { throw fail("source '\(source)' must match [A-Za-z0-9_]+") }
        guard tables.filter({ $0.kind == .fact }).count == 1 else { throw fail("needs exactly one fact table") }
        var tableNames = Set<String>()
        for table in tables {
            guard PipelineSpec.isIdentifier(table.name) else {
                throw fail("table name '\(table.name)' must match [A-Za-z0-9_]+ (it names lake folders)")
            }
            guard tableNames.insert(table.name).inserted else { throw fail("table '\(table.name)' appears twice") }
            guard !table.columns.isEmpty else { throw fail("table '\(table.name)' has no columns") }
            var names = Set<String>()
            for column in table.columns {
                guard !column.name.isEmpty, !column.fields.isEmpty, column.fields.allSatisfy({ !$0.isEmpty }) else {
                    throw fail("table '\(table.name)': every column needs a name and a field")
                }
                guard names.insert(column.name).inserted else {
                    throw fail("table '\(table.name)': column '\(column.name)' appears twice")
                }
            }
            guard !table.key.isEmpty else { throw fail("table '\(table.name)' needs a key") }
            for key in table.key + [table.sortBy].compactMap({ $0 }) + (table.bloomFilter ?? []) where !names.contains(key) {
                throw fail("table '\(table.name)' names column '\(key)', which it does not have")
            }
            for key in table.key {
                guard table.columns.first(where: { $0.name == key })?.required == true else {
                    throw fail("table '\(table.name)': key column '\(key)' must be required")
                }
            }
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)' at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
