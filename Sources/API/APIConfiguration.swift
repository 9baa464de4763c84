/// Settings of the HTTP API server, with their defaults.
public struct APIConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 64 * 1024

    /// Address to listen on. Default `127.0.0.1`: expose the API through a TLS-terminating proxy.
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

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = Self.defaultMaxBodyBytes,
                defaultPageSize: Int = 50, maxPageSize: Int = 200, lastUseInterval: Duration = .seconds(60)) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.lastUseInterval = lastUseInterval
    }

    /// Parses `HOST:PORT` (`127.0.0.1:8080`, `[::1]:8080`, `:8080` for every address).
    public static func parseListenAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        return (host, port)
    }
}
