import ArgumentParser
import Foundation
import LakeCore
import LakeWarehouse

/// Writing results, errors and progress.
enum Output {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }

    /// Prints `value` (a JSON object) as one JSON document with a `"version": 1` key, keys sorted.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var object = try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any] ?? [:]
        object["version"] = 1
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Prints `value` as one line of JSON (JSON lines for `worker`), with a `"version": 1` key, keys sorted.
    static func jsonLine<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var object = try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any] ?? [:]
        object["version"] = 1
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Renders rows as an aligned text table.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .joined(separator: "\n")
    }

    /// Maps an error to its message on stderr and the exit code CONTRACT.md assigns.
    static func fail(_ error: any Error) -> ExitCode {
        if let error = error as? LakeError {
            err("error: \(error)")
            return ExitCode(error.code.exitStatus)
        }
        if let error = error as? PostgresError {
            // A catalog read outside a transaction; the message never holds a password (libpq's do not).
            err("error: catalog: \(error)")
            return ExitCode(error.isConnectionFailure ? 69 : 70)
        }
        err("error: \(error)")
        return ExitCode(70)
    }
}

extension ParsableCommand {
    /// Runs `body`, turning a `LakeError` into its message and exit code.
    func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as LakeError {
            throw Output.fail(error)
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            throw Output.fail(error)
        }
    }
}
