public import Foundation

/// A bearer token for Graph. `description` redacts it, so logging one by mistake leaks nothing.
public struct AccessToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The token itself: send it, never log it.
    public let value: String
    public let expiresAt: Date

    public init(value: String, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }

    public var description: String { "AccessToken(redacted, expires \(self.expiresAt))" }
    public var debugDescription: String { self.description }
}
