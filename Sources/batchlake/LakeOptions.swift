import ArgumentParser
import Foundation
import LakeCore
import LakePipeline

/// Options every command that touches a lake takes, with their environment fallbacks.
struct LakeOptions: ParsableArguments {
    @Option(name: .customLong("lake"), help: ArgumentHelp(
        "The lake root: a folder, or s3://bucket/prefix (default: $BATCHLAKE_LAKE, else ./lake).", valueName: "dir|url"))
    var lakeOption: String?

    @Option(help: ArgumentHelp(
        "S3 lake: the local folder for staged files and downloads (default: $BATCHLAKE_SCRATCH, else one per lake "
            + "under the temporary folder).", valueName: "dir"))
    var scratch: String?

    @Option(name: .customLong("catalog"), help: ArgumentHelp(
        "The catalog: a SQLite file, or a postgres://user@host:port/database URL for a catalog shared by several "
            + "machines (password from PGPASSWORD or ~/.pgpass; default: $BATCHLAKE_CATALOG, else "
            + "./catalog/catalog.sqlite).", valueName: "file-or-url"))
    var catalogOption: String?

    @Option(name: .customLong("pipeline"), help: ArgumentHelp(
        "A pipeline spec JSON file (default: the bundled immobilienscout24 spec).", valueName: "spec"))
    var pipeline: String?

    var lake: String {
        lakeOption ?? ProcessInfo.processInfo.environment["BATCHLAKE_LAKE"].flatMap { $0.isEmpty ? nil : $0 } ?? "lake"
    }

    var catalog: String {
        catalogOption ?? ProcessInfo.processInfo.environment["BATCHLAKE_CATALOG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "catalog/catalog.sqlite"
    }

    func open() throws -> Lake {
        try Lake(root: lake, catalogPath: catalog, specPath: pipeline, scratch: scratch)
    }
}

/// `--json` for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON document on stdout (with a \"version\" key) instead of a table.")
    var json = false
}
