import ArgumentParser
import Foundation
import LakeCatalog
import LakeCore
import LakeWarehouse

extension CatalogCommand {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a catalog into another one, e.g. from its SQLite file to a shared PostgreSQL.",
            discussion: """
                Moves a lake's catalog when the lake outgrows one machine. Both catalogs are brought to the newest \
                schema first; then every table is copied in one transaction on the target, so a failure leaves \
                the target as it was. A target that holds anything is refused unless --force replaces its \
                contents. Afterwards the two are compared as `batchlake catalog check` does.

                Stop every batchlake process on the lake first (workers, cron jobs), then point them at the new \
                catalog with --catalog or BATCHLAKE_CATALOG. The password comes from the URL, PGPASSWORD or \
                ~/.pgpass; it is never printed or stored.

                  $ batchlake catalog migrate --from catalog/catalog.sqlite \\
                      --to postgres://lake@db/lake
                  table             rows
                  ----------------  ----
                  batches           24
                  ...
                  copied 13 tables from catalog/catalog.sqlite to
                  postgres://lake@db:5432/lake; check: equal
                """)
        @Option(help: ArgumentHelp("The catalog to copy: a SQLite file or a postgres:// URL.", valueName: "catalog"))
        var from: String
        @Option(help: ArgumentHelp("The catalog to fill: a postgres:// URL or a SQLite file.", valueName: "catalog"))
        var to: String
        @Flag(help: "Replace what the target catalog holds (default: refuse a target that is not empty).")
        var force = false
        @OptionGroup var output: OutputOptions

        func run() throws {
            try guarded {
                try requireExisting(from)
                let source = try Catalog(location: from)
                let target = try Catalog(location: to)
                guard source.location != target.location else {
                    throw LakeError(.usage, "--from and --to name the same catalog \(source.location)")
                }
                let copied = try target.copy(from: source, replacing: force)
                let comparison = try Catalog.compare(source, target)
                let equal = comparison.allSatisfy(\.isEqual)
                if output.json {
                    struct Table: Encodable { var table: String; var rows: Int }
                    struct Doc: Encodable {
                        var from: String; var to: String; var tables: [Table]; var equal: Bool
                        var comparison: [CatalogTableComparison]
                    }
                    try Output.json(Doc(from: source.location, to: target.location,
                                        tables: copied.sorted { $0.key < $1.key }.map { Table(table: $0.key, rows: $0.value) },
                                        equal: equal, comparison: comparison))
                } else {
                    Output.out(Output.table(["table", "rows"], copied.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] }))
                    Output.out("copied \(copied.count) tables from \(source.location) to \(target.location); check: "
                               + (equal ? "equal" : "DIFFERENT"))
                }
                if !equal {
                    throw LakeError(.verifyMismatch, "the copy in \(target.location) differs from \(source.location)",
                                    remedy: "run `batchlake catalog check --from \(source.location) --to "
                                        + "\(target.location)` to see which tables; a process may have written to "
                                        + "the source during the copy")
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two catalogs table by table: row counts and content hashes.",
            discussion: """
                Exits 0 when every table holds the same rows in both, 1 when one differs. Rows are compared by \
                content, whatever their order and whichever server holds them; schema_migrations by version and \
                name only (when each catalog was migrated differs by nature).

                  $ batchlake catalog check --from catalog/catalog.sqlite \\
                      --to postgres://lake@db/lake
                  table    rows from  rows to  sha256 from   sha256 to     same
                  -------  ---------  -------  ------------  ------------  ----
                  batches  24         24       5b0c1f9e2a71  5b0c1f9e2a71  yes
                  ...
                  the catalogs are equal
                """)
        @Option(help: ArgumentHelp("One catalog: a SQLite file or a postgres:// URL.", valueName: "catalog"))
        var from: String
        @Option(help: ArgumentHelp("The other catalog: a SQLite file or a postgres:// URL.", valueName: "catalog"))
        var to: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            try guarded {
                try requireExisting(from)
                try requireExisting(to)
                let a = try Catalog(location: from)
                let b = try Catalog(location: to)
                let comparison = try Catalog.compare(a, b)
                let equal = comparison.allSatisfy(\.isEqual)
                if output.json {
                    struct Doc: Encodable {
                        var from: String; var to: String; var equal: Bool; var tables: [CatalogTableComparison]
                    }
                    try Output.json(Doc(from: a.location, to: b.location, equal: equal, tables: comparison))
                } else {
                    Output.out(Output.table(["table", "rows from", "rows to", "sha256 from", "sha256 to", "same"],
                                            comparison.map { c in
                        [c.table, c.rowsFrom.map(String.init) ?? "-", c.rowsTo.map(String.init) ?? "-",
                         String((c.sha256From ?? "-").prefix(12)), String((c.sha256To ?? "-").prefix(12)),
                         c.isEqual ? "yes" : "NO"]
                    }))
                    let differing = comparison.filter { !$0.isEqual }.map(\.table)
                    Output.out(equal ? "the catalogs are equal"
                               : "the catalogs differ in \(differing.joined(separator: ", "))")
                }
                if !equal { throw ExitCode(1) }
            }
        }
    }
}

/// Opening a catalog creates it; a source or a compared catalog must exist already (a typo must not compare or copy
/// a new empty catalog).
private func requireExisting(_ location: String) throws {
    guard !PostgresURL.isURL(location) else { return }
    guard FileManager.default.fileExists(atPath: location) else {
        throw LakeError(.usage, "there is no catalog file \(location)",
                        remedy: "check the path; a catalog URL starts with postgres://")
    }
}
