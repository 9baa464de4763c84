public import Foundation
public import Logging
public import Postgres
import Cryptography

/// Sessions in `console_sessions`, looked up by the SHA-256 of the cookie's 256-bit secret.
public struct ConsoleSessionStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let tokenByteCount = 32
    /// A session's `last_seen_at` is written at most this often (idle expiry is minutes, not seconds).
    static let touchInterval: TimeInterval = 30

    /// Starts a session for `user` in `stage`, ending at `now + lifetime`; returns it with its
    /// token (the cookie's value). Expired sessions of every user are removed on the way.
    public func create(user: ConsoleUser, stage: ConsoleSession.Stage, lifetime: Duration, userAgent: String, now: Date) async throws -> ConsoleSession {
        let secret = SecureRandom.bytes(Self.tokenByteCount)
        let token = Base64URL.encode(secret)
        let expiresAt = now.addingTimeInterval(Double(lifetime.components.seconds))
        let agent = String(userAgent.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(256).map(Character.init))
        try await client.query("DELETE FROM console_sessions WHERE expires_at < \(now)")
        try await client.query("""
            INSERT INTO console_sessions (id_hash, user_id, stage, created_at, last_seen_at, expires_at, user_agent)
            VALUES (\(PostgresBytes(SHA256.hash(secret))), \(user.id), \(stage.rawValue), \(now), \(now), \(expiresAt), \(agent))
            """)
        return ConsoleSession(user: user, stage: stage, token: token, createdAt: now, expiresAt: expiresAt)
    }

    /// The live session `token` names: not past its absolute expiry, seen within `idleTimeout`,
    /// of a user not disabled. nil for anything else, including a token of the wrong shape.
    public func session(token: String, idleTimeout: Duration, now: Date) async throws -> ConsoleSession? {
        guard let secret = Base64URL.decode(token), secret.count == Self.tokenByteCount else { return nil }
        let idleSince = now.addingTimeInterval(-Double(idleTimeout.components.seconds))
        let columns = ConsoleUserStore.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
        guard let row = try await client.query("""
            SELECT \(unescaped: columns), s.stage, s.created_at AS session_created_at, s.expires_at AS session_expires_at, s.last_seen_at
            FROM console_sessions s JOIN console_users u ON u.id = s.user_id
            WHERE s.id_hash = \(PostgresBytes(SHA256.hash(secret))) AND s.expires_at > \(now) AND s.last_seen_at > \(idleSince)
              AND u.disabled_at IS NULL
            """).first else { return nil }
        guard let stage = ConsoleSession.Stage(rawValue: try row.decode(String.self, "stage")) else { return nil }
        let lastSeen = try row.decode(Date.self, "last_seen_at")
        if now.timeIntervalSince(lastSeen) >= Self.touchInterval {
            try await client.query("UPDATE console_sessions SET last_seen_at = \(now) WHERE id_hash = \(PostgresBytes(SHA256.hash(secret)))")
        }
        return ConsoleSession(user: try ConsoleUserStore.user(from: row), stage: stage, token: token,
                              createdAt: try row.decode(Date.self, "session_created_at"), expiresAt: try row.decode(Date.self, "session_expires_at"))
    }

    /// Ends the session `token` names (sign-out, or the step from password to signed in).
    public func end(token: String) async throws {
        guard let secret = Base64URL.decode(token), secret.count == Self.tokenByteCount else { return }
        try await client.query("DELETE FROM console_sessions WHERE id_hash = \(PostgresBytes(SHA256.hash(secret)))")
    }
}
