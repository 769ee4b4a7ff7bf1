import Foundation
import LakeCore

/// The INI dialect of `~/.aws/config` and `~/.aws/credentials` (AWS CLI User Guide, "Configuration and credential
/// file settings"): `[section]` headers, `key = value` lines, `#`/`;` comment lines, and nested settings as indented
/// lines under a key with an empty value (`s3 =` then `  addressing_style = path`), stored here as
/// `s3.addressing_style`.
struct AWSConfigFile: Sendable {
    /// Section name as written between the brackets (trimmed) → settings.
    var sections: [String: [String: String]] = [:]

    init(sections: [String: [String: String]] = [:]) {
        self.sections = sections
    }

    init(text: String) {
        var current: String?
        var parent: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), let close = line.lastIndex(of: "]") {
                let name = line[line.index(after: line.startIndex)..<close]
                    .split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
                current = name
                parent = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            // An inline comment needs whitespace before the marker, so a secret containing "#" survives.
            for marker in [" #", "\t#", " ;", "\t;"] {
                if let range = value.range(of: marker) { value = String(value[..<range.lowerBound]) }
            }
            let isIndented = rawLine.first == " " || rawLine.first == "\t"
            if isIndented, let parent {
                sections[section]?["\(parent).\(key)"] = value
            } else {
                sections[section]?[key] = value
                parent = value.isEmpty ? key : nil
            }
        }
    }

    /// Reads `path`; a missing file is an empty one.
    static func load(path: String) throws -> AWSConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return AWSConfigFile() }
        do {
            return AWSConfigFile(text: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw LakeError(.badSpec, "cannot read the AWS configuration file \(path)",
                            remedy: "check that it is readable UTF-8 text", cause: LakeConfigFileError(path: path))
        }
    }

    /// The settings of `profile` in a config file: `[profile NAME]`, or `[default]` for "default".
    func configProfile(_ profile: String) -> [String: String]? {
        if profile == "default" { return sections["default"] ?? sections["profile default"] }
        return sections["profile \(profile)"]
    }

    /// The settings of `profile` in a credentials file: `[NAME]`.
    func credentialsProfile(_ profile: String) -> [String: String]? { sections[profile] }
}

/// Names the file that could not be read (no contents: it may hold secrets).
struct LakeConfigFileError: Error, Sendable, CustomStringConvertible {
    var path: String
    var description: String { "unreadable file \(path)" }
}
