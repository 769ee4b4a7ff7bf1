import Foundation

/// A failure reported by libpq or by the server: SQLSTATE, primary message, detail, hint and context as the server
/// sent them (PostgreSQL docs, "Error message fields"), and the statement that failed (without bound values).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// Five-character SQLSTATE (`22P02`), or nil when libpq failed before the server answered.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// Where in the server's work it happened; for COPY: `COPY stage, line 7, column rooms: "x"`.
    public var context: String?
    public var statement: String?

    public init(sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
                context: String? = nil, statement: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.context = context
        self.statement = statement
    }

    /// The line of a COPY that the server rejected, read from the context field (`COPY x, line 7...`).
    public var copyLine: Int? {
        guard let context, let range = context.range(of: ", line ") else { return nil }
        let digits = context[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }

    /// The column of a COPY that the server rejected, when it named one.
    public var copyColumn: String? {
        guard let context, let range = context.range(of: ", column ") else { return nil }
        return String(context[range.upperBound...].prefix { $0 != ":" })
    }

    public var description: String {
        var text = message
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let detail { text += "; detail: \(detail)" }
        if let context { text += "; context: \(context.prefix(300))" }
        if let hint { text += "; server hint: \(hint)" }
        return text
    }

    /// Whether the server aborted the transaction to keep transactions apart, so running it again may succeed:
    /// `40001` serialization failure, `40P01` deadlock detected (PostgreSQL docs, "Serialization Failure Handling").
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// `23505`: a unique constraint refused the row.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// Whether the failure is about reaching the server (refused, timed out, dropped), not about the SQL.
    /// Class 08 is "connection exception" in the SQLSTATE table; 57P01-57P03 are a server shutting down
    /// (admin_shutdown, crash_shutdown: an immediate stop or another backend's crash, cannot_connect_now).
    public var isConnectionFailure: Bool {
        if let sqlState { return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState) }
        return true
    }
}
