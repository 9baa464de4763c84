public import Foundation
import Cryptography

/// A browser session, as read for one request.
public struct ConsoleSession: Sendable {
    public enum Stage: String, Sendable {
        /// The password was right; a TOTP code (or enrolment) is awaited.
        case password
        /// Signed in.
        case active
    }

    public let user: ConsoleUser
    public let stage: Stage
    /// The cookie's value: the only copy of the session secret outside the browser.
    let token: String
    public let createdAt: Date
    public let expiresAt: Date

    /// The per-session form token every form posts back (`form_token`): an HMAC of the session
    /// secret, so it needs no storage, differs per session and cannot be derived without the cookie.
    public var formToken: String {
        Base64URL.encode(HMACSHA256.authenticate(Array(token.utf8), key: Self.formTokenKey))
    }

    /// Whether `candidate` is this session's form token (constant time).
    public func acceptsFormToken(_ candidate: String?) -> Bool {
        guard let candidate else { return false }
        return HMAC.constantTimeEquals(Array(candidate.utf8), Array(formToken.utf8))
    }

    private static let formTokenKey = Array("holdfast.console.form_token.v1".utf8)
}
