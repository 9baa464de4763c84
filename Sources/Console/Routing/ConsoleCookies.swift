import Hummingbird

/// The session cookie: `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page
/// sends it), `Secure` and `__Host-` prefixed when the console's origin is HTTPS. No `Max-Age`:
/// the browser drops it when it closes, and the server's idle and absolute expiry govern anyway.
struct ConsoleCookies: Sendable {
    let configuration: ConsoleConfiguration

    var name: String { configuration.cookieName }
    private var path: String { configuration.secureCookies ? "/" : "/console" }

    func session(_ token: String) -> Cookie {
        Cookie(name: name, value: token, path: path, secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func cleared() -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: path, secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// The session token the request carries, if any.
    func token(in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty else { return nil }
        return value
    }
}
