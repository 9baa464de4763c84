/// The one origin a tenant's bearer token may be sent to: the configured Graph base URL's scheme,
/// host and port, and paths below its version root.
///
/// Absolute URLs reach the client from Graph's responses (`@odata.nextLink`, `@odata.deltaLink`,
/// a 410's `Location`) and from the database (stored delta links). Each is checked here before a
/// token is attached, and the URL actually requested is rebuilt from the configured origin and the
/// checked path, so libcurl never parses an authority Holdfast did not choose.
struct GraphEndpoint: Sendable, Hashable {
    /// `https` (or `http` for a loopback graph-sim).
    let scheme: String
    /// Lower-cased host, IPv6 literals with their brackets.
    let host: String
    /// The port, explicit or the scheme's default.
    let port: Int
    /// The version root, `/v1.0`, without a trailing slash (may be empty).
    let root: String
    /// `scheme://host[:port]` as configured (used to rebuild URLs).
    let origin: String

    /// Parses the configured base URL. Plain `http` is allowed only for a loopback host (a local
    /// graph-sim): anywhere else a token would cross the network in clear.
    init(baseURL: String) throws {
        guard let parts = Self.split(baseURL) else {
            throw GraphError(code: .untrustedURL, message: "the configured Graph base URL is not an absolute http(s) URL")
        }
        guard !parts.hasUserInfo else {
            throw GraphError(code: .untrustedURL, message: "the configured Graph base URL must not hold user info")
        }
        guard parts.scheme == "https" || (parts.scheme == "http" && Self.isLoopback(parts.host)) else {
            throw GraphError(code: .untrustedURL, message:
                "the configured Graph base URL uses http on \(parts.host), which is not a loopback address: tokens are sent only over https")
        }
        guard !parts.rest.contains("?"), !parts.rest.contains("#") else {
            throw GraphError(code: .untrustedURL, message: "the configured Graph base URL must not have a query or fragment")
        }
        self.scheme = parts.scheme
        self.host = parts.host
        self.port = parts.port
        var root = parts.rest
        while root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.origin = String(baseURL.prefix(parts.scheme.count + 3)) + parts.authority
    }

    /// The URL to request for `path`: a path below the root (`/users?$top=5`), or an absolute URL
    /// on this endpoint. Any other scheme, host or port, user info, a path outside the version
    /// root, `..` segments, or a control character is refused with `untrustedURL` naming the host.
    func url(for path: String) throws -> String {
        guard !path.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0 == "\\" }) else {
            throw GraphError(code: .untrustedURL, message: "a Graph URL holds a space, control character or backslash; not requested")
        }
        guard Self.hasHTTPScheme(path) else {
            // A path below the base, built by Holdfast itself.
            let relative = path.hasPrefix("/") ? path : "/" + path
            try self.checkPath(relative, host: self.host)
            return self.origin + self.root + relative
        }
        guard let parts = Self.split(path) else {
            throw GraphError(code: .untrustedURL, message: "a Graph URL could not be parsed; not requested")
        }
        guard parts.scheme == self.scheme, parts.host == self.host, parts.port == self.port, !parts.hasUserInfo else {
            let shown = parts.hasUserInfo ? "\(parts.host) (with user info)" : "\(parts.scheme)://\(parts.host):\(parts.port)"
            throw GraphError(code: .untrustedURL, message:
                "Graph sent a link to \(shown), which is not the configured Graph endpoint \(self.scheme)://\(self.host):\(self.port); no token was sent there")
        }
        let pathAndQuery = parts.rest.isEmpty ? "/" : parts.rest
        guard pathAndQuery.hasPrefix(self.root + "/") || pathAndQuery.hasPrefix(self.root + "?") || pathAndQuery == self.root else {
            throw GraphError(code: .untrustedURL, message: "a link on \(self.host) is outside the Graph version root \(self.root); not requested")
        }
        let relative = String(pathAndQuery.dropFirst(self.root.count))
        try self.checkPath(relative, host: parts.host)
        return self.origin + self.root + relative
    }

    private func checkPath(_ relative: String, host: String) throws {
        let path = relative.prefix { $0 != "?" && $0 != "#" }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) {
            throw GraphError(code: .untrustedURL, message: "a link on \(host) has a '.' or '..' path segment; not requested")
        }
    }

    private struct Parts {
        var scheme: String
        var authority: String
        var host: String
        var port: Int
        var hasUserInfo: Bool
        /// Everything after the authority: path, query, fragment.
        var rest: String
    }

    static func hasHTTPScheme(_ url: String) -> Bool {
        let lowered = url.prefix(8).lowercased()
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
    }

    /// Splits `scheme://authority/rest` by hand (RFC 3986 section 3.2: the authority ends at the
    /// first `/`, `?` or `#`), so the check and the request agree on what the host is.
    private static func split(_ url: String) -> Parts? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = String(afterScheme[..<authorityEnd])
        let rest = String(afterScheme[authorityEnd...])
        let hasUserInfo = authority.contains("@")
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        var host: String
        var portText: String?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            host = String(hostPort[...close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { portText = String(after.dropFirst()) } else if !after.isEmpty { return nil }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            portText = String(hostPort[hostPort.index(after: colon)...])
        } else {
            host = hostPort
        }
        host = host.lowercased()
        while host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        let port: Int
        if let portText, !portText.isEmpty {
            guard portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber), portText.count <= 5,
                  let value = Int(portText), (1...65_535).contains(value) else { return nil }
            port = value
        } else {
            port = defaultPort
        }
        return Parts(scheme: scheme, authority: authority, host: host, port: port, hasUserInfo: hasUserInfo, rest: rest)
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
