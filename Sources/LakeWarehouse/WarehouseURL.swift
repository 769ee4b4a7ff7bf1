import Foundation
import LakeCore

/// The SQL a warehouse speaks.
public enum WarehouseDialect: String, Sendable, Codable {
    /// PostgreSQL: rows arrive through `COPY ... FROM STDIN`.
    case postgres
    /// Amazon Redshift: rows arrive through `COPY ... FROM 's3://.../manifest.json' MANIFEST`.
    case redshift
}

/// A warehouse named by URL: `postgres://user[:password]@host:port/db` or `redshift://...`.
///
/// The password, when given, lives only in `connectionString`, which goes to libpq and nowhere else;
/// `identity` and `description` name the warehouse by scheme, host, port, database and user (CONTRACT.md), so a
/// load given a password and a reload given none match in the catalog. Parts missing from the URL come from the
/// usual `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER` variables, as libpq reads them; a password may also come from
/// `PGPASSWORD` or `~/.pgpass`.
public struct WarehouseURL: Sendable, CustomStringConvertible {
    public let dialect: WarehouseDialect
    public let host: String
    public let port: Int
    public let database: String
    public let user: String
    /// What libpq receives: a `postgresql://` URI, password included when the URL had one. Never print it.
    let connectionString: String

    /// Parses a warehouse URL.
    /// - Throws: `LakeError(.usage)` when the scheme is neither postgres, postgresql nor redshift, or the URL does
    ///   not parse. The message never repeats the URL, which may hold a password.
    public init(_ text: String, environment: [String: String]? = nil) throws {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw LakeError(.usage, "the warehouse is not a URL",
                            remedy: "write it as postgres://user@host:port/database or redshift://user@host:port/database")
        }
        switch scheme {
        case "postgres", "postgresql": dialect = .postgres
        case "redshift": dialect = .redshift
        default:
            throw LakeError(.usage, "the warehouse URL scheme '\(scheme)' is not postgres:// or redshift://",
                            remedy: "write it as postgres://user@host:port/database or redshift://user@host:port/database")
        }
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let urlHost = components.host.flatMap { $0.isEmpty ? nil : $0 }
        host = urlHost ?? env("PGHOST") ?? "localhost"
        port = components.port ?? env("PGPORT").flatMap(Int.init) ?? (dialect == .redshift ? 5439 : 5432)
        user = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? env("PGUSER") ?? env("USER") ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? (env("PGDATABASE") ?? user) : path
        // libpq parses postgresql:// URIs itself (percent-decoding included); only the scheme changes.
        var uri = components
        uri.scheme = "postgresql"
        connectionString = uri.string ?? "postgresql://"
    }

    /// `scheme://user@host:port/database`: how the catalog and every message name this warehouse.
    public var identity: String {
        "\(dialect == .redshift ? "redshift" : "postgres")://\(user)@\(host):\(port)/\(database)"
    }

    public var description: String { identity }
}
