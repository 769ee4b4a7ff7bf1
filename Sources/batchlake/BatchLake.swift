import ArgumentParser

@main
struct BatchLake: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batchlake", abstract: "Local-first data lake for hourly batches.")
}
