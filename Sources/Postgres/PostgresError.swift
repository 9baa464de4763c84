/// An error from PostgreSQL or from talking to it.
///
/// `description` is safe to show an operator; the statement text and server detail stay in
/// `debugDescription` (they may contain data).
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case connectionFailed, connectionLost, server, decoding, encoding, clientClosed, poolShutDown,
                 invalidConfiguration, protocolViolation
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The server could not be reached or refused the connection (bad host, password, database).
        public static let connectionFailed = Code(.connectionFailed)
        /// An established connection broke (server restart, network); the statement's outcome is unknown.
        public static let connectionLost = Code(.connectionLost)
        /// The server rejected the statement; `sqlState` says why.
        public static let server = Code(.server)
        /// A column could not be decoded into the requested Swift type.
        public static let decoding = Code(.decoding)
        /// A value could not be encoded as a parameter.
        public static let encoding = Code(.encoding)
        /// The connection was closed by this process.
        public static let clientClosed = Code(.clientClosed)
        /// The pool was shut down.
        public static let poolShutDown = Code(.poolShutDown)
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// libpq returned something this client does not expect (for example COPY mode).
        public static let protocolViolation = Code(.protocolViolation)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The server's message, or libpq's for client-side failures.
    public var message: String
    /// Five-character SQLSTATE for server errors (see ``SQLState``).
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// The statement that failed; kept out of `description`.
    public var query: String?
    public var file: String
    public var line: Int

    public init(
        code: Code, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil, query: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.query = query
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "PostgreSQL \(code)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        text += ": \(message)"
        if let constraint { text += " [constraint \(constraint)]" }
        return text
    }

    public var debugDescription: String {
        var text = description
        if let detail { text += "\ndetail: \(detail)" }
        if let hint { text += "\nhint: \(hint)" }
        if let table { text += "\ntable: \(table)" }
        if let column { text += "\ncolumn: \(column)" }
        if let query { text += "\nquery: \(query)" }
        text += "\nat \(file):\(line)"
        return text
    }

    /// True when retrying on a fresh connection may succeed (the connection broke, or the server
    /// is shutting down / not yet accepting connections).
    public var isTransientConnectionError: Bool {
        if code == .connectionLost || code == .connectionFailed { return true }
        guard let sqlState else { return false }
        return Self.discardsConnection(sqlState: sqlState)
    }

    /// SQLSTATEs after which a session is closed instead of returned to the pool, and the work
    /// retried on a new one: class 08 connection exceptions, 57P01..57P03 admin or crash shutdown
    /// and cannot-connect-now, and 25006 (a write on a read-only node: after a failover a pooled
    /// session may sit on a standby, and a new session with `target_session_attrs=read-write`
    /// finds the primary).
    static func discardsConnection(sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006"].contains(sqlState)
    }
}

extension PostgresError: Equatable {
    /// Errors compare by code (and SQLSTATE), not by message text.
    public static func == (lhs: PostgresError, rhs: PostgresError) -> Bool {
        lhs.code == rhs.code && lhs.sqlState == rhs.sqlState
    }
}

/// SQLSTATE values Holdfast reacts to. https://www.postgresql.org/docs/current/errcodes-appendix.html
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let foreignKeyViolation = "23503"
    public static let checkViolation = "23514"
    public static let notNullViolation = "23502"
    public static let serializationFailure = "40001"
    public static let deadlockDetected = "40P01"
    public static let lockNotAvailable = "55P03"
    public static let undefinedTable = "42P01"
    public static let syntaxError = "42601"
    public static let queryCanceled = "57014"
    public static let adminShutdown = "57P01"
    public static let divisionByZero = "22012"
    public static let invalidTextRepresentation = "22P02"
}
