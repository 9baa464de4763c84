/// Settings of the HTTP API server, with their defaults.
public struct APIConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 64 * 1024

    /// Address to listen on. Default `127.0.0.1`. Another address without ``tls`` is logged as a
    /// warning at start: bearer keys would cross the network in clear.
    public var host: String
    /// Port to listen on (0: any free port, for tests). Default 8080.
    public var port: Int
    /// Largest request body accepted (413 `body_too_large` beyond). Default 64 KiB.
    public var maxBodyBytes: Int
    /// Page size when a list request gives no `limit`. Default 50.
    public var defaultPageSize: Int
    /// Largest `limit` a list request may ask for. Default 200.
    public var maxPageSize: Int
    /// Shortest time between two writes of one key's `last_used_at`. Default 60 seconds.
    public var lastUseInterval: Duration
    /// Serve HTTPS with this certificate and key; nil: plain HTTP (behind a TLS proxy, or on loopback).
    public var tls: APITLSConfiguration?
    /// A request still running after this is cancelled and answers 503 `request_timeout`. Default 120 s.
    public var requestTimeout: Duration
    /// A connection that sends and receives nothing for this long is closed. Default 30 s.
    public var idleTimeout: Duration
    /// Expensive calls (live diffs, object histories, restore plans, reports, SLA history,
    /// onboarding and probes) one key may make at once. Default 20.
    public var expensiveRequestBurst: Int
    /// Expensive calls one key regains per minute. Default 20.
    public var expensiveRequestsPerMinute: Int
    /// `/readyz` asks the database at most once per this interval. Default 1 s.
    public var readinessInterval: Duration
    /// Accept keys whose stored hash is the unkeyed form of releases before keyed hashes (and
    /// re-hash each on its first use). Off by default: such a row can be written by anyone with
    /// write access to the database. See docs/api.md, "Upgrading API keys".
    public var acceptsLegacyKeyHashes: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = Self.defaultMaxBodyBytes,
                defaultPageSize: Int = 50, maxPageSize: Int = 200, lastUseInterval: Duration = .seconds(60),
                tls: APITLSConfiguration? = nil, requestTimeout: Duration = .seconds(120), idleTimeout: Duration = .seconds(30),
                expensiveRequestBurst: Int = 20, expensiveRequestsPerMinute: Int = 20, readinessInterval: Duration = .seconds(1),
                acceptsLegacyKeyHashes: Bool = false) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.defaultPageSize = defaultPageSize
        // Bounded so that offset arithmetic on pages stays far from overflow.
        self.maxPageSize = min(maxPageSize, 10_000)
        self.lastUseInterval = lastUseInterval
        self.tls = tls
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.expensiveRequestBurst = max(1, expensiveRequestBurst)
        self.expensiveRequestsPerMinute = max(1, expensiveRequestsPerMinute)
        self.readinessInterval = readinessInterval
        self.acceptsLegacyKeyHashes = acceptsLegacyKeyHashes
    }

    /// Parses `HOST:PORT` (`127.0.0.1:8080`, `[::1]:8080`); `:8080` alone means loopback
    /// (`127.0.0.1`): listening on every address must be asked for (`0.0.0.0:8080`).
    public static func parseListenAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        return (host, port)
    }

    /// Whether `host` is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
    public static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// The certificate chain and private key the API serves HTTPS with (PEM files).
public struct APITLSConfiguration: Sendable, Hashable {
    /// PEM file holding the server certificate, then any intermediates.
    public var certificateChainPath: String
    /// PEM file holding the certificate's private key; readable only by the service user.
    public var privateKeyPath: String

    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}
