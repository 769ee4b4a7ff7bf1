import ArgumentParser

@main
struct BatchLake: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchlake",
        abstract: "Turn hourly batches of listings into a lake: raw zone, clean tables, catalog, warehouse loads.",
        discussion: """
            A day on the embedded defaults (./lake and ./catalog/catalog.sqlite):

              batchlake generate --out inbox --hours 24 --per-hour 500 --seed 42
              batchlake ingest inbox
              batchlake catalog partitions --table flats

            Exit codes:
              0    every input was handled (bad lines quarantined, repeats skipped, reruns finished)
              1    an input was refused as a whole (not a ZIP, truncated, unreadable), or verify found a mismatch
              64   usage error
              65   a pipeline spec or config that cannot work
              69   a required service is unreachable
              70   internal error (a bug; please report it)
              75   temporary failure (catalog busy, lease held, disk full): safe to rerun
              130  interrupted
            """,
        version: "0.1.0",
        subcommands: [
            Generate.self, Ingest.self, CatalogCommand.self, Scan.self, Inspect.self, Export.self, Load.self,
            Reload.self, Worker.self, Compact.self, Vacuum.self, Verify.self, Lineage.self, Status.self,
        ])
}
