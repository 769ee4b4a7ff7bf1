import Foundation
public import LakeCore

/// A lake table as the warehouse holds it: the spec's columns, plus `dt` and `hour` naming the partition each row
/// was loaded from. For a fact that partition is the row's home (a reload replaces exactly it); for a dimension it
/// decides which version of a natural key is newest.
public struct WarehouseTable: Sendable, Hashable {
    public enum Kind: String, Sendable { case fact, dimension }

    public var schema: TableSchema
    public var kind: Kind
    /// The fact's version key, or the dimension's natural key.
    public var key: [String]
    /// The column rows are sorted by within a partition (Redshift SORTKEY after `dt`, `hour`).
    public var sortBy: String?

    public init(schema: TableSchema, kind: Kind, key: [String], sortBy: String? = nil) {
        self.schema = schema
        self.kind = kind
        self.key = key
        self.sortBy = sortBy
    }

    public var name: String { schema.name }
    /// Names the warehouse adds to every table; a spec column may not use them.
    public static let partitionColumns = ["dt", "hour"]
}

/// How Redshift reaches the lake's files: the S3 location of the lake root and the credentials COPY presents.
/// An IAM role is preferred (README, "Loading Redshift"); keys are accepted for clusters without one and are
/// never printed.
public struct RedshiftCopySource: Sendable {
    /// `s3://bucket/prefix` holding the lake (`clean/...` below it).
    public var lakeURL: String
    public var iamRole: String?
    public var accessKeyID: String?
    public var secretAccessKey: String?
    public var sessionToken: String?
    /// The bucket's region when it differs from the cluster's.
    public var region: String?

    public init(lakeURL: String, iamRole: String? = nil, accessKeyID: String? = nil, secretAccessKey: String? = nil,
                sessionToken: String? = nil, region: String? = nil) {
        var url = lakeURL
        while url.hasSuffix("/") { url.removeLast() }
        self.lakeURL = url
        self.iamRole = iamRole
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
    }
}

/// The SQL batchlake sends, per dialect. Every identifier is quoted and every literal escaped here; no other code
/// builds SQL text from names or values.
public struct WarehouseSQL: Sendable {
    public let dialect: WarehouseDialect
    public let schemaName: String

    /// Redshift's widest VARCHAR, in bytes; text longer than this is refused by the pre-flight check.
    public static let redshiftMaxVarcharBytes = 65_535
    /// Decimals hold a 64-bit unscaled value, so 19 digits hold every one of them.
    public static let decimalPrecision = 19

    public init(dialect: WarehouseDialect, schemaName: String) {
        self.dialect = dialect
        self.schemaName = schemaName
    }

    /// `"name"` with embedded quotes doubled (SQL standard delimited identifier).
    public static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `'text'` with embedded quotes doubled (standard_conforming_strings, the default since PostgreSQL 9.1 and on
    /// Redshift). NUL cannot appear in a PostgreSQL string and is dropped.
    public static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\u{0}", with: "") + "'"
    }

    public func qualified(_ table: String) -> String { "\(Self.quote(schemaName)).\(Self.quote(table))" }

    /// The temporary table a partition is copied into before it replaces the target's rows.
    public func stageName(_ table: WarehouseTable) -> String { Self.quote("batchlake_stage_" + table.name) }

    public func type(of column: ColumnSchema) -> String {
        switch (column.type, dialect) {
        case (.bool, _): return "BOOLEAN"
        case (.int64, _): return "BIGINT"
        case (.float64, _): return "DOUBLE PRECISION"
        case (.decimal(let scale), .postgres): return "NUMERIC(\(Self.decimalPrecision),\(scale))"
        case (.decimal(let scale), .redshift): return "DECIMAL(\(Self.decimalPrecision),\(scale))"
        case (.timestamp, _): return "TIMESTAMPTZ"
        case (.date, _): return "DATE"
        case (.text, .postgres): return "TEXT"
        case (.text, .redshift): return "VARCHAR(\(Self.redshiftMaxVarcharBytes))"
        }
    }

    /// Redshift column compression: AZ64 for numbers and times, ZSTD for text, booleans and floats; sort key
    /// leaders stay RAW so range-restricted scans stay cheap (AWS, "Choose the best sort key").
    func encoding(of type: ColumnType, raw: Bool) -> String {
        if raw { return "RAW" }
        switch type {
        case .int64, .decimal, .timestamp, .date: return "AZ64"
        case .bool, .float64, .text: return "ZSTD"
        }
    }

    private func columnDefinition(_ column: ColumnSchema, table: WarehouseTable, rawColumns: Set<String>) -> String {
        var text = "\(Self.quote(column.name)) \(type(of: column))"
        if dialect == .redshift { text += " ENCODE \(encoding(of: column.type, raw: rawColumns.contains(column.name)))" }
        if !column.nullable { text += " NOT NULL" }
        return text
    }

    public func createSchema() -> String { "CREATE SCHEMA IF NOT EXISTS \(Self.quote(schemaName))" }

    /// The partition columns as the warehouse declares them.
    var partitionColumnSchemas: [ColumnSchema] {
        [ColumnSchema(name: "dt", type: .date, nullable: false), ColumnSchema(name: "hour", type: .int64, nullable: false)]
    }

    /// `CREATE TABLE IF NOT EXISTS` for the table, plus its indexes on PostgreSQL.
    public func createTable(_ table: WarehouseTable) -> [String] {
        let sortKey: [String]
        switch table.kind {
        case .fact: sortKey = ["dt", "hour"] + (table.sortBy.map { [$0] } ?? [])
        case .dimension: sortKey = table.key
        }
        let raw = dialect == .redshift ? Set(sortKey.prefix(1)) : []
        var lines = table.schema.columns.map { columnDefinition($0, table: table, rawColumns: raw) }
        lines.append("\(Self.quote("dt")) DATE\(dialect == .redshift ? " ENCODE \(raw.contains("dt") ? "RAW" : "AZ64")" : "") NOT NULL")
        lines.append("\(Self.quote("hour")) SMALLINT\(dialect == .redshift ? " ENCODE AZ64" : "") NOT NULL")
        var create = "CREATE TABLE IF NOT EXISTS \(qualified(table.name)) (\n    "
            + lines.joined(separator: ",\n    ") + "\n)"
        switch dialect {
        case .redshift:
            switch table.kind {
            case .fact:
                create += "\nDISTKEY (\(Self.quote(table.sortBy ?? table.key[0])))"
            case .dimension:
                create += "\nDISTSTYLE ALL"
            }
            create += "\nCOMPOUND SORTKEY (\(sortKey.map(Self.quote).joined(separator: ", ")))"
            return [create]
        case .postgres:
            let index: String
            switch table.kind {
            case .fact:
                index = "CREATE INDEX IF NOT EXISTS \(Self.quote(table.name + "_by_partition")) ON "
                    + "\(qualified(table.name)) (\(Self.quote("dt")), \(Self.quote("hour")))"
            case .dimension:
                index = "CREATE UNIQUE INDEX IF NOT EXISTS \(Self.quote(table.name + "_by_key")) ON "
                    + "\(qualified(table.name)) (\(table.key.map(Self.quote).joined(separator: ", ")))"
            }
            return [create, index]
        }
    }

    /// The columns the warehouse has for a table (empty when it has no such table).
    public func columnsQuery(_ table: String) -> String {
        "SELECT column_name FROM information_schema.columns WHERE table_schema = \(Self.literal(schemaName)) "
            + "AND table_name = \(Self.literal(table)) ORDER BY ordinal_position"
    }

    /// A column the spec gained since the table was made. Old rows read NULL; a NOT NULL spec column is added
    /// nullable for that reason.
    public func addColumn(_ column: ColumnSchema, to table: String) -> String {
        var c = column
        c.nullable = true
        let definition = "\(Self.quote(c.name)) \(type(of: c))"
            + (dialect == .redshift ? " ENCODE \(encoding(of: c.type, raw: false))" : "")
        return "ALTER TABLE \(qualified(table)) ADD COLUMN \(definition)"
    }

    /// The staging table: the spec's columns only, in CSV order, dropped at the end of the transaction.
    /// PostgreSQL numbers the staged rows in COPY order (files oldest first), so that a dimension key a partition
    /// holds more than once (changed again by a later batch of the same hour) loads its newest row only.
    public func createStage(_ table: WarehouseTable) -> String {
        var columns = table.schema.columns.map { "\(Self.quote($0.name)) \(type(of: $0))" }
        if dialect == .postgres && table.kind == .dimension {
            columns.append("\(Self.stageOrder) BIGINT GENERATED ALWAYS AS IDENTITY")
        }
        return "CREATE TEMPORARY TABLE \(stageName(table)) (\n    " + columns.joined(separator: ",\n    ") + "\n)"
    }

    static let stageOrder = quote("batchlake_staged_row")

    public func dropStage(_ table: WarehouseTable) -> String { "DROP TABLE \(stageName(table))" }

    private func columnList(_ table: WarehouseTable, prefix: String = "") -> String {
        table.schema.columns.map { prefix + Self.quote($0.name) }.joined(separator: ", ")
    }

    /// PostgreSQL: one CSV.gz file's rows, inflated by the client, into the staging table. The CSV conventions
    /// match the lake's (CONTRACT.md): header row, an empty unquoted field is NULL, `""` is the empty string.
    public func copyFromStdin(_ table: WarehouseTable) -> String {
        "COPY \(stageName(table)) (\(columnList(table))) FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    }

    /// The S3 key of a partition's COPY manifest.
    public static func manifestURL(lakeURL: String, table: String, partition: PartitionKey) -> String {
        "\(lakeURL)/clean/\(table)/\(partition.path)/manifest.json"
    }

    /// Redshift: the partition's CSV.gz files, named by its manifest, into the staging table.
    /// - Parameter redacted: print `'<redacted>'` for secret keys (dry runs, logs, errors).
    public func copyFromManifest(_ table: WarehouseTable, partition: PartitionKey, source: RedshiftCopySource,
                                 redacted: Bool) -> String {
        var text = "COPY \(stageName(table)) (\(columnList(table)))\n"
        text += "FROM \(Self.literal(Self.manifestURL(lakeURL: source.lakeURL, table: table.name, partition: partition)))\n"
        if let role = source.iamRole {
            text += "IAM_ROLE \(Self.literal(role))\n"
        } else {
            let secret = { (value: String?) in redacted ? "'<redacted>'" : Self.literal(value ?? "") }
            text += "ACCESS_KEY_ID \(Self.literal(source.accessKeyID ?? "")) SECRET_ACCESS_KEY \(secret(source.secretAccessKey))"
            if source.sessionToken != nil { text += " SESSION_TOKEN \(secret(source.sessionToken))" }
            text += "\n"
        }
        if let region = source.region { text += "REGION \(Self.literal(region))\n" }
        text += "MANIFEST CSV GZIP IGNOREHEADER 1 TIMEFORMAT 'auto' DATEFORMAT 'auto' EMPTYASNULL\n"
        text += "COMPUPDATE OFF STATUPDATE OFF"
        return text
    }

    /// Redshift: the query id and row count of the COPY just run in this session.
    public static let lastCopyQuery = "SELECT pg_last_copy_id(), pg_last_copy_count()"

    /// Redshift: why the last COPY of this session failed, file and line first (STL_LOAD_ERRORS). Run after the
    /// transaction rolled back.
    public static let loadErrorsQuery = """
        SELECT TRIM(filename), line_number, TRIM(colname), err_code, TRIM(err_reason), TRIM(raw_field_value)
        FROM stl_load_errors WHERE query = pg_last_copy_id() ORDER BY starttime DESC, line_number LIMIT 10
        """

    private func partitionCondition(_ partition: PartitionKey, table: String? = nil) -> String {
        let prefix = table.map { Self.quote($0) + "." } ?? ""
        return "\(prefix)\(Self.quote("dt")) = DATE \(Self.literal(partition.dateString)) AND \(prefix)\(Self.quote("hour")) = \(partition.hour)"
    }

    /// Replaces the target's rows of a partition with the staged ones. A fact partition is deleted and
    /// re-inserted. A dimension drops the rows this partition brought before, drops versions of the staged keys
    /// that came from older partitions, and inserts the staged rows whose key has no newer version: the newest
    /// partition wins whatever the load order. Portable to PostgreSQL and Redshift (no ON CONFLICT, no MERGE).
    public func replacePartition(_ table: WarehouseTable, partition: PartitionKey) -> [String] {
        let target = qualified(table.name)
        let stage = stageName(table)
        let date = "DATE \(Self.literal(partition.dateString))"
        let allColumns = columnList(table) + ", \(Self.quote("dt")), \(Self.quote("hour"))"
        switch table.kind {
        case .fact:
            return [
                "DELETE FROM \(target) WHERE \(partitionCondition(partition))",
                "INSERT INTO \(target) (\(allColumns))\nSELECT \(columnList(table)), \(date), \(partition.hour) FROM \(stage)",
            ]
        case .dimension:
            let name = Self.quote(table.name)
            let keyMatch = { (left: String) in
                table.key.map { "\(left).\(Self.quote($0)) = \(Self.quote("stage")).\(Self.quote($0))" }
                    .joined(separator: " AND ")
            }
            let older = "(\(name).\(Self.quote("dt")) < \(date) OR (\(name).\(Self.quote("dt")) = \(date) AND "
                + "\(name).\(Self.quote("hour")) < \(partition.hour)))"
            var insert = "INSERT INTO \(target) (\(allColumns))\nSELECT "
            if dialect == .postgres {
                // One row per key: the last staged, i.e. the newest batch's.
                insert += "DISTINCT ON (\(table.key.map { Self.quote("stage") + "." + Self.quote($0) }.joined(separator: ", "))) "
            }
            insert += "\(columnList(table, prefix: Self.quote("stage") + ".")), "
                + "\(date), \(partition.hour) FROM \(stage) AS \(Self.quote("stage"))\n"
                + "WHERE NOT EXISTS (SELECT 1 FROM \(target) AS \(Self.quote("newer")) WHERE \(keyMatch(Self.quote("newer"))))"
            if dialect == .postgres {
                insert += "\nORDER BY \(table.key.map { Self.quote("stage") + "." + Self.quote($0) }.joined(separator: ", ")), "
                    + "\(Self.quote("stage")).\(Self.stageOrder) DESC"
            }
            return [
                "DELETE FROM \(target) WHERE \(partitionCondition(partition))",
                "DELETE FROM \(target) USING \(stage) AS \(Self.quote("stage"))\nWHERE \(keyMatch(name)) AND \(older)",
                insert,
            ]
        }
    }

    /// Rows the warehouse holds from a partition.
    public func countPartition(_ table: WarehouseTable, partition: PartitionKey) -> String {
        "SELECT count(*) FROM \(qualified(table.name)) WHERE \(partitionCondition(partition))"
    }
}
