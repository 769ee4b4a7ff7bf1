import Foundation

/// An access key pair, with a session token for temporary credentials.
///
/// The secret and the token never appear in `description`, `debugDescription`, `dump` or errors: only the access key
/// ID's first and last four characters and where the credentials came from.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The access key ID (`AKIA…` or `ASIA…`); not a secret, but shown shortened anyway.
    public let accessKeyID: String
    let secretAccessKey: String
    let sessionToken: String?
    /// Where these came from: "environment", "shared credentials file ~/.aws/credentials, profile prod"...
    public let source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, source: String = "code") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.source = source
    }

    /// Whether these are temporary credentials (signed with `x-amz-security-token`).
    public var hasSessionToken: Bool { sessionToken != nil }

    /// `AKIA…MPLE`: enough to tell two keys apart in a log, not enough to use.
    public var redactedAccessKeyID: String {
        accessKeyID.count > 8 ? "\(accessKeyID.prefix(4))…\(accessKeyID.suffix(4))" : "…"
    }

    public var description: String {
        "AWSCredentials(accessKeyID: \(redactedAccessKeyID), secretAccessKey: <redacted>, sessionToken: "
            + "\(sessionToken == nil ? "none" : "<redacted>"), source: \(source))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "accessKeyID": redactedAccessKeyID, "secretAccessKey": "<redacted>",
            "sessionToken": sessionToken == nil ? "none" : "<redacted>", "source": source,
        ])
    }

    /// Replaces the secret and the token wherever they occur in `text` (a server message that echoes a header).
    func redact(_ text: String) -> String {
        var result = text
        for secret in [secretAccessKey, sessionToken ?? ""] where secret.count >= 8 {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return result
    }
}
