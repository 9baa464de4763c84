/// How to reach PostgreSQL and how many connections to hold.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection string (`host=… dbname=…`) or URL (`postgresql://user@host:5432/db?sslmode=require`).
    /// Empty means: everything from libpq's `PG*` environment variables and defaults.
    /// Every libpq option works here, including multi-host failover (`target_session_attrs`) and TLS modes.
    public var connectionString: String
    /// The most connections the pool opens at once. Default 10.
    public var maxConnections: Int
    /// `application_name` reported to the server (visible in `pg_stat_activity`). Default `holdfast`.
    public var applicationName: String
    /// Schemas put on `search_path` for every connection, first one first. `nil` leaves the server's
    /// default. Tests use this to give each test its own schema.
    public var searchPath: [String]?
    /// Seconds libpq waits to connect (`connect_timeout`), unless the connection string sets it. Default 10.
    public var connectTimeoutSeconds: Int
    /// Connections idle longer than this are closed by the pool. Default 300 s.
    public var idleTimeoutSeconds: Double

    public init(
        connectionString: String = "",
        maxConnections: Int = 10,
        applicationName: String = "holdfast",
        searchPath: [String]? = nil,
        connectTimeoutSeconds: Int = 10,
        idleTimeoutSeconds: Double = 300
    ) {
        self.connectionString = connectionString
        self.maxConnections = maxConnections
        self.applicationName = applicationName
        self.searchPath = searchPath
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// The connection string with any password removed, for logs and error messages.
    public var redactedConnectionString: String {
        Self.redact(connectionString)
    }

    static func redact(_ conninfo: String) -> String {
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            // scheme://user:password@host → scheme://user:***@host
            var text = conninfo
            if let schemeEnd = text.range(of: "://"),
               let at = text[schemeEnd.upperBound...].firstIndex(of: "@") {
                let userinfo = text[schemeEnd.upperBound..<at]
                if let colon = userinfo.firstIndex(of: ":") {
                    text.replaceSubrange(text.index(after: colon)..<at, with: "***")
                }
            }
            return redactKeyValue(in: text, separator: "=", pairSeparator: "&")
        }
        return redactKeyValue(in: conninfo, separator: "=", pairSeparator: " ")
    }

    private static func redactKeyValue(in text: String, separator: Character, pairSeparator: Character) -> String {
        guard text.contains("password") else { return text }
        var out = ""
        var index = text.startIndex
        while let range = text[index...].range(of: "password") {
            out += text[index..<range.upperBound]
            var cursor = range.upperBound
            while cursor < text.endIndex, text[cursor] == " " { out.append(" "); cursor = text.index(after: cursor) }
            guard cursor < text.endIndex, text[cursor] == separator else { index = cursor; continue }
            out.append(separator)
            cursor = text.index(after: cursor)
            out += "***"
            while cursor < text.endIndex, text[cursor] != pairSeparator { cursor = text.index(after: cursor) }
            index = cursor
        }
        out += text[index...]
        return out
    }
}
