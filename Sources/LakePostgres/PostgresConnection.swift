internal import CLibPQ
import Foundation
import LakeCore

/// One connection to PostgreSQL or Redshift; owns the `PGconn*` and frees it in deinit. The one libpq wrapper of
/// the project: the warehouse loads through it and the shared catalog runs on it.
///
/// Blocking: every call waits for the server. Not Sendable: one owner, one statement at a time (libpq forbids
/// concurrent use of a connection).
public final class PostgresConnection {
    private let handle: OpaquePointer
    public let url: PostgresURL
    /// What the server is to the user ("warehouse", "catalog"), for messages.
    public let role: String

    /// Connects to the server.
    /// - Parameter role: what the server is to the user, used in messages ("the warehouse ... refused the login").
    /// - Throws: `LakeError(.serviceUnavailable)` when the server cannot be reached; `LakeError(.badSpec)` when it
    ///   answers but refuses (wrong password, unknown user or database). Messages name the server without its
    ///   password. The corresponding C function is `PQconnectdb`.
    public init(_ url: PostgresURL, role: String = "server") throws {
        self.url = url
        self.role = role
        // A connection that failed still returns a handle that must be freed (libpq docs, PQconnectdb).
        guard let conn = PQconnectdb(url.connectionString) else {
            throw LakeError(.internalError, "libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = PostgresConnection.trimmed(PQerrorMessage(conn))
            PQfinish(conn)
            throw PostgresConnection.connectError(message, url: url, role: role)
        }
        handle = conn
        CLibPQ_silenceNotices(conn)
    }

    deinit { PQfinish(handle) }

    static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        return String(cString: text).trimmingCharactersInWhitespace()
    }

    static func connectError(_ message: String, url: PostgresURL, role: String) -> LakeError {
        let lower = message.lowercased()
        if lower.contains("password") {
            return LakeError(.badSpec, "the \(role) \(url) refused the login: \(message)",
                             remedy: "check the password (in the URL, PGPASSWORD or ~/.pgpass) and the user")
        }
        if lower.contains("does not exist") {
            return LakeError(.badSpec, "the \(role) \(url) refused the connection: \(message)",
                             remedy: "create the database or the role, or fix the URL")
        }
        return LakeError(.serviceUnavailable, "cannot reach the \(role) \(url): \(message)",
                         remedy: "start the server or fix the host and port; rerunning is safe")
    }

    /// The error of a failed result (or of the connection when there is no result).
    private func error(_ result: OpaquePointer?, statement: String?) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code)) else { return nil }
            let text = String(cString: value)
            return text.isEmpty ? nil : text
        }
        let primary = field(UInt8(ascii: "M")) ?? PostgresConnection.trimmed(PQerrorMessage(handle))
        return PostgresError(
            sqlState: field(UInt8(ascii: "C")), message: primary.isEmpty ? "unknown libpq failure" : primary,
            detail: field(UInt8(ascii: "D")), hint: field(UInt8(ascii: "H")), context: field(UInt8(ascii: "W")),
            statement: statement.map { String($0.prefix(500)) })
    }

    /// Runs one or more statements without results and returns the rows the last one affected.
    /// - Throws: `PostgresError`. The corresponding C function is `PQexec`.
    @discardableResult
    public func execute(_ sql: String) throws -> Int {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return Int(String(cString: PQcmdTuples(result))) ?? 0
        default:
            throw error(result, statement: sql)
        }
    }

    /// Runs a query and returns its rows as text (nil for NULL).
    /// - Throws: `PostgresError`. The corresponding C function is `PQexec`.
    public func query(_ sql: String) throws -> [[String?]] {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw error(result, statement: sql) }
        let rows = PQntuples(result)
        let columns = PQnfields(result)
        return (0..<rows).map { r in
            (0..<columns).map { c in
                PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c))
            }
        }
    }

    /// Runs one statement with `$1`, `$2`, ... parameters sent apart from the SQL (text format, types inferred by
    /// the server from where each parameter sits; nil is NULL) and returns its rows as text with the type of each
    /// column.
    /// - Throws: `PostgresError`. The corresponding C function is `PQexecParams`.
    public func query(_ sql: String, parameters: [String?]) throws -> PostgresResult {
        // libpq copies the values into its output buffer before returning, so they only need to live for the call.
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { for value in values { free(value) } }
        let result = values.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) {
                PQexecParams(handle, sql, Int32(parameters.count), nil, $0.baseAddress, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            let rowCount = PQntuples(result)
            let columnCount = PQnfields(result)
            let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
            let types = (0..<columnCount).map { UInt32(PQftype(result, $0)) }
            let rows = (0..<rowCount).map { r in
                (0..<columnCount).map { c in
                    PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c))
                }
            }
            return PostgresResult(columns: columns, types: types, rows: rows,
                                  affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0)
        default:
            throw error(result, statement: sql)
        }
    }

    /// Whether the connection broke (the server restarted or the network dropped) and needs `reset()`.
    public var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// Reconnects with the same parameters after the connection broke.
    /// - Returns: whether the new connection is up. The corresponding C function is `PQreset`.
    @discardableResult
    public func reset() -> Bool {
        PQreset(handle)
        if PQstatus(handle) == CONNECTION_OK {
            CLibPQ_silenceNotices(handle)
            return true
        }
        return false
    }

    /// Runs `COPY ... FROM STDIN` and streams the bytes `feed` hands to its `send` argument.
    /// If `feed` throws, the COPY is aborted (the server discards what it got) and the error is rethrown.
    /// - Returns: the rows the server stored.
    /// - Throws: `PostgresError` when the server rejects a row or the statement; whatever `feed` throws.
    ///   The corresponding C functions are `PQputCopyData`, `PQputCopyEnd` and `PQgetResult`.
    public func copyIn(_ sql: String, feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> Int {
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            let failure = error(start, statement: sql)
            PQclear(start)
            throw failure
        }
        PQclear(start)
        var sendFailed = false
        do {
            try feed { bytes in
                guard !sendFailed, bytes.count > 0 else { return }
                let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
                var offset = 0
                while offset < bytes.count {
                    let n = min(bytes.count - offset, Int(Int32.max))
                    if PQputCopyData(handle, base + offset, Int32(n)) != 1 {
                        // The server already failed the COPY; its result below says why.
                        sendFailed = true
                        return
                    }
                    offset += n
                }
            }
        } catch {
            _ = PQputCopyEnd(handle, "aborted by batchlake")
            drainResults()
            throw error
        }
        _ = PQputCopyEnd(handle, nil)
        var rows = 0
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                rows += Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = error(result, statement: sql)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return rows
    }

    private func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    /// The server's version number (`150004` for 15.4; Redshift reports 80002).
    public var serverVersion: Int { Int(PQserverVersion(handle)) }
}

/// The rows of a statement as text, with each column's name and type OID (`pg_type.oid`: 20 is bigint, 701 double
/// precision, 25 text).
public struct PostgresResult: Sendable {
    public var columns: [String]
    public var types: [UInt32]
    public var rows: [[String?]]
    /// Rows inserted, updated or deleted (`PQcmdTuples`); 0 for other statements.
    public var affectedRows: Int
}

@available(*, unavailable, message: "a libpq connection has one owner")
extension PostgresConnection: Sendable {}

extension String {
    package func trimmingCharactersInWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s.removeLast() }
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        return String(s)
    }
}
