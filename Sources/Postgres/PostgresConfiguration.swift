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

    // Production defaults against hangs and failover (docs/configuration.md, "PostgreSQL
    // sessions"). Each is passed to libpq before the connection string, so a connection string
    // that sets the same keyword (`keepalives_idle=…`, `options=…`) wins; nil leaves libpq's and
    // the server's own default.

    /// TCP keepalive probes: a peer that vanished without a reset (a failover, a dropped route) is
    /// found dead after `idle + interval × count` seconds of silence, 25 s by default, instead of
    /// the kernel's two hours. libpq `keepalives_idle`, `keepalives_interval`, `keepalives_count`,
    /// and the same for the server's end of the session (`tcp_keepalives_*`): a server that never
    /// hears again from a worker cut off mid-transaction ends that session and releases its locks
    /// (the job's and tenant's rows, which otherwise block the job's takeover), instead of keeping
    /// them until `idleInTransactionTimeout`.
    public var tcpKeepalive: TCPKeepalive?
    /// libpq `tcp_user_timeout`: a statement whose bytes stay unacknowledged this long fails with a
    /// broken connection instead of waiting out the kernel's retransmissions (about 15 minutes).
    /// Also set for the server's end (a reply the vanished client never acknowledges). Default 30 s.
    public var tcpUserTimeout: Duration?
    /// The server's `statement_timeout` for this process's sessions: a safety net, so no statement
    /// holds a connection (and its locks) for ever. Default 15 minutes, above the longest statement
    /// Holdfast runs (a large tenant's snapshot commit); a process that runs only short statements
    /// can lower it.
    public var statementTimeout: Duration?
    /// The server's `idle_in_transaction_session_timeout`: a session that opened a transaction and
    /// then went quiet (a hung process) is ended and its locks released. Default 5 minutes.
    public var idleInTransactionTimeout: Duration?
    /// libpq `target_session_attrs` when the connection string names several hosts and sets none:
    /// Holdfast writes, so it must land on the primary. Default `read-write`.
    public var multiHostTargetSessionAttributes: String?

    /// TCP keepalive timing, in seconds.
    public struct TCPKeepalive: Sendable, Hashable {
        public var idleSeconds: Int
        public var intervalSeconds: Int
        public var count: Int

        public init(idleSeconds: Int = 10, intervalSeconds: Int = 5, count: Int = 3) {
            self.idleSeconds = idleSeconds
            self.intervalSeconds = intervalSeconds
            self.count = count
        }
    }

    public init(
        connectionString: String = "",
        maxConnections: Int = 10,
        applicationName: String = "holdfast",
        searchPath: [String]? = nil,
        connectTimeoutSeconds: Int = 10,
        idleTimeoutSeconds: Double = 300,
        tcpKeepalive: TCPKeepalive? = TCPKeepalive(),
        tcpUserTimeout: Duration? = .seconds(30),
        statementTimeout: Duration? = .seconds(900),
        idleInTransactionTimeout: Duration? = .seconds(300),
        multiHostTargetSessionAttributes: String? = "read-write"
    ) {
        self.connectionString = connectionString
        self.maxConnections = maxConnections
        self.applicationName = applicationName
        self.searchPath = searchPath
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.tcpKeepalive = tcpKeepalive
        self.tcpUserTimeout = tcpUserTimeout
        self.statementTimeout = statementTimeout
        self.idleInTransactionTimeout = idleInTransactionTimeout
        self.multiHostTargetSessionAttributes = multiHostTargetSessionAttributes
    }

    /// libpq keywords and values given before the connection string (which overrides them).
    var connectionDefaults: [(keyword: String, value: String)] {
        var defaults: [(String, String)] = [("connect_timeout", String(self.connectTimeoutSeconds))]
        if let keepalive = self.tcpKeepalive {
            defaults += [("keepalives", "1"), ("keepalives_idle", String(keepalive.idleSeconds)),
                         ("keepalives_interval", String(keepalive.intervalSeconds)), ("keepalives_count", String(keepalive.count))]
        }
        if let timeout = self.tcpUserTimeout { defaults.append(("tcp_user_timeout", String(Self.milliseconds(timeout)))) }
        var options: [String] = []
        if let keepalive = self.tcpKeepalive {
            options += ["-c tcp_keepalives_idle=\(keepalive.idleSeconds)", "-c tcp_keepalives_interval=\(keepalive.intervalSeconds)",
                        "-c tcp_keepalives_count=\(keepalive.count)"]
        }
        if let timeout = self.tcpUserTimeout { options.append("-c tcp_user_timeout=\(Self.milliseconds(timeout))") }
        if let timeout = self.statementTimeout { options.append("-c statement_timeout=\(Self.milliseconds(timeout))") }
        if let timeout = self.idleInTransactionTimeout {
            options.append("-c idle_in_transaction_session_timeout=\(Self.milliseconds(timeout))")
        }
        if !options.isEmpty { defaults.append(("options", options.joined(separator: " "))) }
        if let attributes = self.multiHostTargetSessionAttributes, Self.namesSeveralHosts(self.connectionString),
           !self.connectionString.contains("target_session_attrs") {
            defaults.append(("target_session_attrs", attributes))
        }
        return defaults
    }

    /// Whole milliseconds within what the server and libpq accept (a 32-bit int).
    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return Int64(Int32.max) }
        return min(max(0, product + attoseconds / 1_000_000_000_000_000), Int64(Int32.max))
    }

    /// Whether a URL or key-value connection string lists more than one host (libpq failover).
    static func namesSeveralHosts(_ conninfo: String) -> Bool {
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            let afterScheme = conninfo[conninfo.range(of: "://")!.upperBound...]
            let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
            let hosts = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
            if hosts.contains(",") { return true }
            let query = afterScheme.drop { $0 != "?" }.dropFirst()
            return query.split(separator: "&").contains { pair in
                (pair.hasPrefix("host=") || pair.hasPrefix("hostaddr=")) && (pair.contains(",") || pair.contains("%2C") || pair.contains("%2c"))
            }
        }
        var index = conninfo.startIndex
        while let range = conninfo[index...].range(of: "host") {
            index = range.upperBound
            let before = range.lowerBound == conninfo.startIndex ? " " : conninfo[conninfo.index(before: range.lowerBound)]
            guard before == " " || before == "\t" else { continue }
            var rest = conninfo[range.upperBound...]
            if rest.hasPrefix("addr") { rest = rest.dropFirst(4) }
            rest = rest.drop { $0 == " " }
            guard rest.first == "=" else { continue }
            rest = rest.dropFirst().drop { $0 == " " }
            let value = rest.first == "'" ? rest.dropFirst().prefix { $0 != "'" } : rest.prefix { $0 != " " }
            if value.contains(",") { return true }
        }
        return false
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
