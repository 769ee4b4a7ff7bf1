import Foundation
import LakeCore

/// A PostgreSQL server named by URL: `postgres://user[:password]@host:port/database[?param=value]`.
///
/// The password, when given, lives only in `connectionString`, which goes to libpq and nowhere else; `identity`
/// and `description` name the server by scheme, host, port, database and user (CONTRACT.md). Parts missing from
/// the URL come from the usual `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER` variables, as libpq reads them; a password
/// may also come from `PGPASSWORD` or `~/.pgpass`, which libpq reads itself.
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// The scheme `identity` shows (`postgres`, or `redshift` for a warehouse of that dialect).
    public let scheme: String
    public let host: String
    public let port: Int
    public let database: String
    public let user: String
    /// What libpq receives: a `postgresql://` URI, password included when the URL had one. Never print it.
    package let connectionString: String

    /// Parses a URL without checking its scheme (callers decide which schemes they take).
    /// - Parameters:
    ///   - scheme: the scheme `identity` shows.
    ///   - defaultPort: the port when neither the URL nor `PGPORT` has one.
    /// - Throws: `LakeError(.usage)` when the text does not parse as a URL. The message never repeats the text,
    ///   which may hold a password.
    public init(_ text: String, scheme: String = "postgres", defaultPort: Int = 5432,
                environment: [String: String]? = nil) throws {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let components = URLComponents(string: text), components.scheme != nil else {
            throw LakeError(.usage, "the PostgreSQL address is not a URL",
                            remedy: "write it as postgres://user@host:port/database")
        }
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        self.scheme = scheme
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? env("PGHOST") ?? "localhost"
        port = components.port ?? env("PGPORT").flatMap(Int.init) ?? defaultPort
        user = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? env("PGUSER") ?? env("USER") ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? (env("PGDATABASE") ?? user) : path
        // libpq parses postgresql:// URIs itself (percent-decoding included); only the scheme changes.
        var uri = components
        uri.scheme = "postgresql"
        connectionString = uri.string ?? "postgresql://"
    }

    /// `scheme://user@host:port/database`: how the catalog and every message name this server.
    public var identity: String { "\(scheme)://\(user)@\(host):\(port)/\(database)" }

    public var description: String { identity }

    /// Whether `text` is a `postgres://` or `postgresql://` URL (as opposed to a file path).
    public static func isURL(_ text: String) -> Bool {
        let lower = text.prefix(14).lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// `text` with the password of any `scheme://user:password@` part replaced by `***`, for logs and messages
    /// that must echo what the user typed.
    public static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return text
        }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
