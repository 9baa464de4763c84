public import Cryptography

/// Settings of the operator console, with their defaults (docs/console.md).
public struct ConsoleConfiguration: Sendable {
    /// The origin browsers reach the console at (`https://holdfast.example.com`), as it appears in
    /// their `Origin` header. Set: a form post from any other origin is refused, and an `https`
    /// origin makes the session cookie `Secure` (named `__Host-holdfast-console`). Unset: the
    /// origin must name the host the request was sent to (`Host`), over plain HTTP (loopback and
    /// development).
    public var origin: String?
    /// The listener serves HTTPS itself (`HOLDFAST_API_TLS_CERTIFICATE`): the cookie is `Secure` too.
    public var servesTLS: Bool
    /// A session ends after this long without a request. Default 30 minutes.
    public var idleTimeout: Duration
    /// A session ends this long after sign-in, however busy. Default 12 hours.
    public var absoluteTimeout: Duration
    /// Between a right password and the TOTP code (or enrolment). Default 5 minutes.
    public var secondFactorTimeout: Duration
    /// Failed sign-ins (password or code) in a row that lock a user out. Default 5.
    public var lockoutThreshold: Int
    /// How long a lockout lasts. Default 15 minutes.
    public var lockoutDuration: Duration
    /// scrypt cost of new password hashes. Default ``Scrypt/Parameters/recommended``.
    public var passwordParameters: Scrypt.Parameters
    /// Rows per list page. Default 50.
    public var pageSize: Int

    public init(origin: String? = nil, servesTLS: Bool = false, idleTimeout: Duration = .seconds(30 * 60), absoluteTimeout: Duration = .seconds(12 * 3600),
                secondFactorTimeout: Duration = .seconds(5 * 60), lockoutThreshold: Int = 5, lockoutDuration: Duration = .seconds(15 * 60),
                passwordParameters: Scrypt.Parameters = .recommended, pageSize: Int = 50) {
        self.origin = origin
        self.servesTLS = servesTLS
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.secondFactorTimeout = secondFactorTimeout
        self.lockoutThreshold = lockoutThreshold
        self.lockoutDuration = lockoutDuration
        self.passwordParameters = passwordParameters
        self.pageSize = pageSize
    }

    /// Whether cookies carry `Secure` (the console is reached over HTTPS, through a proxy or directly).
    public var secureCookies: Bool { servesTLS || (origin?.hasPrefix("https://") ?? false) }

    /// The session cookie's name: the `__Host-` prefix makes browsers insist on `Secure`, `Path=/`
    /// and no `Domain`, so no other host or path can plant one.
    public var cookieName: String { secureCookies ? "__Host-holdfast-console" : "holdfast-console" }

    /// `scheme://host[:port]` with scheme http or https, no path, query, user or trailing slash;
    /// nil otherwise. Lower-cased, as browsers serialise origins.
    public static func normalisedOrigin(_ text: String) -> String? {
        let lowered = text.lowercased()
        for scheme in ["https://", "http://"] where lowered.hasPrefix(scheme) {
            let authority = lowered.dropFirst(scheme.count)
            guard !authority.isEmpty, authority.allSatisfy({ $0.isLetter || $0.isNumber || "-.:[]".contains($0) }),
                  authority.first != ":" else { return nil }
            return lowered
        }
        return nil
    }
}
