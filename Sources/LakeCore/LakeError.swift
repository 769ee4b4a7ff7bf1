/// Where in the input something went wrong: file, ZIP member, line, byte offset, field.
public struct InputLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String?
    public var member: String?
    public var line: Int?
    public var byteOffset: Int64?
    public var field: String?

    public init(file: String? = nil, member: String? = nil, line: Int? = nil, byteOffset: Int64? = nil,
                field: String? = nil) {
        self.file = file
        self.member = member
        self.line = line
        self.byteOffset = byteOffset
        self.field = field
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let member { parts.append("member \(member)") }
        if let line { parts.append("line \(line)") }
        if let byteOffset { parts.append("offset \(byteOffset)") }
        if let field { parts.append("field \(field)") }
        return parts.joined(separator: ", ")
    }
}

/// The one error type that crosses module boundaries: a code the CLI maps to an exit status, a message in the
/// user's words, the next step, where it happened, and the underlying cause (a zlib, SQLite or errno error).
public struct LakeError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; decides the exit code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Storage: String, Sendable {
            case badInput, corruptFile, usage, badSpec, serviceUnavailable, internalError, temporary, io,
                interrupted, verifyMismatch
        }
        private let storage: Storage
        private init(_ storage: Storage) { self.storage = storage }

        /// An input refused as a whole (not a ZIP, truncated, unreadable): exit 1.
        public static let badInput = Code(.badInput)
        /// A lake file whose bytes do not match its structure or checksums: exit 1.
        public static let corruptFile = Code(.corruptFile)
        /// `verify` found a mismatch between catalog and lake: exit 1.
        public static let verifyMismatch = Code(.verifyMismatch)
        /// The command line cannot work: exit 64.
        public static let usage = Code(.usage)
        /// A spec or config that cannot work: exit 65.
        public static let badSpec = Code(.badSpec)
        /// A required service is unreachable: exit 69.
        public static let serviceUnavailable = Code(.serviceUnavailable)
        /// A bug: exit 70.
        public static let internalError = Code(.internalError)
        /// Temporary (catalog busy, lease held elsewhere, disk full): safe to rerun, exit 75.
        public static let temporary = Code(.temporary)
        /// A file-system operation failed (permissions, full disk): exit 75 since a rerun is safe.
        public static let io = Code(.io)
        /// Stopped by a signal after rolling back the unit in hand: exit 130.
        public static let interrupted = Code(.interrupted)

        public var description: String { storage.rawValue }

        /// The process exit status that CONTRACT.md assigns to this code.
        public var exitStatus: Int32 {
            switch storage {
            case .badInput, .corruptFile, .verifyMismatch: return 1
            case .usage: return 64
            case .badSpec: return 65
            case .serviceUnavailable: return 69
            case .internalError: return 70
            case .temporary, .io: return 75
            case .interrupted: return 130
            }
        }
    }

    public var code: Code
    public var message: String
    public var remedy: String?
    public var location: InputLocation?
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, remedy: String? = nil, location: InputLocation? = nil,
                cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.remedy = remedy
        self.location = location
        self.cause = cause
    }

    public var description: String {
        var text = ""
        if let location, !location.description.isEmpty { text += "\(location): " }
        text += message
        if let cause { text += " (\(cause))" }
        if let remedy { text += "\nhint: \(remedy)" }
        return text
    }
}
