public import Foundation

/// A person who signs in to the console (`console_users`).
public struct ConsoleUser: Sendable, Hashable, CustomStringConvertible {
    public let id: UUID
    public let username: String
    public let role: ConsoleRole
    /// Set for partner users only: the one partner whose tenants they see.
    public let partnerID: UUID?
    /// The confirmed TOTP secret; nil until the user has enrolled.
    let totpSecret: [UInt8]?
    /// A secret shown during enrolment, not yet confirmed with a code.
    let pendingTOTPSecret: [UInt8]?
    /// The newest TOTP time step accepted (a code is never accepted twice).
    let totpLastStep: Int64?
    let passwordHash: String
    public let failedAttempts: Int
    public let lockedUntil: Date?
    public let createdAt: Date
    public let createdBy: String
    public let disabledAt: Date?

    public var totpEnrolled: Bool { totpSecret != nil }

    /// How the audit log names the user: `console:<username>`.
    public var actor: String { "console:\(username)" }

    /// Never the hash or the TOTP secret.
    public var description: String { "ConsoleUser(\(username), \(role.rawValue))" }
}
