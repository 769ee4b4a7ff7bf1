import Foundation
import LakeCore
public import LakePostgres

/// The SQL a warehouse speaks.
public enum WarehouseDialect: String, Sendable, Codable {
    /// PostgreSQL: rows arrive through `COPY ... FROM STDIN`.
    case postgres
    /// Amazon Redshift: rows arrive through `COPY ... FROM 's3://.../manifest.json' MANIFEST`.
    case redshift
}

/// A warehouse named by URL: `postgres://user[:password]@host:port/db` or `redshift://...`.
///
/// The password, when given, lives only in the connection string of `server`, which goes to libpq and nowhere
/// else; `identity` and `description` name the warehouse by scheme, host, port, database and user (CONTRACT.md), so
/// a load given a password and a reload given none match in the catalog. Parts missing from the URL come from the
/// usual `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER` variables, as libpq reads them; a password may also come from
/// `PGPASSWORD` or `~/.pgpass`.
public struct WarehouseURL: Sendable, CustomStringConvertible {
    public let dialect: WarehouseDialect
    /// The server as libpq reaches it.
    public let server: PostgresURL
    public var host: String { server.host }
    public var port: Int { server.port }
    public var database: String { server.database }
    public var user: String { server.user }

    /// Parses a warehouse URL.
    /// - Throws: `LakeError(.usage)` when the scheme is neither postgres, postgresql nor redshift, or the URL does
    ///   not parse. The message never repeats the URL, which may hold a password.
    public init(_ text: String, environment: [String: String]? = nil) throws {
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
        server = try PostgresURL(text, scheme: dialect == .redshift ? "redshift" : "postgres",
                                 defaultPort: dialect == .redshift ? 5439 : 5432, environment: environment)
    }

    /// `scheme://user@host:port/database`: how the catalog and every message name this warehouse.
    public var identity: String { server.identity }

    public var description: String { identity }
}

extension PostgresConnection {
    /// Connects to a warehouse; messages call it "the warehouse".
    /// - Throws: as `PostgresConnection.init(_:role:)`.
    public convenience init(_ url: WarehouseURL) throws {
        try self.init(url.server, role: "warehouse")
    }
}
