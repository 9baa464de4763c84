import Audit
public import Foundation
public import Logging
public import Postgres
import Cryptography

/// Console users in `console_users`: added, listed, disabled and reset (`holdfast users`), and the
/// sign-in bookkeeping (failed attempts, lockout, TOTP enrolment and replay). Every change is
/// audited in the transaction that makes it.
public struct ConsoleUserStore: Sendable {
    public let client: PostgresClient
    public let hasher: PasswordHasher
    public let logger: Logger

    public init(client: PostgresClient, hasher: PasswordHasher = PasswordHasher(), logger: Logger) {
        self.client = client
        self.hasher = hasher
        self.logger = logger
    }

    /// A user and the password generated for them, shown once.
    public struct Issued: Sendable {
        public let user: ConsoleUser
        public let password: String
    }

    /// Lower-cased `[a-z0-9][a-z0-9._@-]{0,63}`; nil otherwise.
    public static func normalisedUsername(_ text: String) -> String? {
        let name = text.trimmingCharacters(in: .whitespaces).lowercased()
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count) else { return nil }
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "-"): !first
            default: false
            }
        }
        guard bytes.enumerated().allSatisfy({ allowed($0.element, first: $0.offset == 0) }) else { return nil }
        return name
    }

    /// A new random password: 18 bytes (144 bits) in base64url, 24 characters.
    static func generatePassword() -> String { Base64URL.encode(SecureRandom.bytes(18)) }

    /// Adds a user with a generated password; they enrol TOTP at their first sign-in.
    public func add(username: String, role: ConsoleRole, partnerID: UUID?, actor: String) async throws -> Issued {
        guard let name = Self.normalisedUsername(username) else {
            throw ConsoleError(.invalidInput, "a user name is 1 to 64 of a-z, 0-9, '.', '_', '@', '-', starting with a letter or digit (got '\(username.prefix(80))')")
        }
        switch (role, partnerID) {
        case (.partner, nil): throw ConsoleError(.invalidInput, "a partner user must be bound to a partner (--partner)")
        case (.operator, .some), (.readOnly, .some): throw ConsoleError(.invalidInput, "only partner users are bound to a partner")
        default: break
        }
        let password = Self.generatePassword()
        let hash = try await hasher.hash(password)
        do {
            let user = try await client.withTransaction { connection -> ConsoleUser in
                guard let row = try await connection.query("""
                    INSERT INTO console_users (username, role, partner_id, password_hash, created_by)
                    VALUES (\(name), \(role.rawValue), \(partnerID), \(hash), \(actor))
                    RETURNING \(unescaped: Self.columns)
                    """).first else { throw ConsoleError(.storage, "adding user \(name) returned no row") }
                let user = try Self.user(from: row)
                var details = ["username": name, "role": role.rawValue]
                if let partnerID { details["partner_id"] = partnerID.uuidString.lowercased() }
                try await AuditLog.record(actor: actor, action: "console.user.add", partnerID: partnerID, details: details, on: connection)
                return user
            }
            logger.notice("console user added", metadata: ["console.user": "\(name)", "console.role": "\(role.rawValue)"])
            return Issued(user: user, password: password)
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation {
            throw ConsoleError(.conflict, "a console user named \(name) already exists", underlying: error)
        } catch let error as PostgresError where error.sqlState == SQLState.foreignKeyViolation {
            throw ConsoleError(.invalidInput, "no partner has id \(partnerID?.uuidString.lowercased() ?? "-")", underlying: error)
        }
    }

    /// Users by name; disabled ones only with `includeDisabled`.
    public func list(includeDisabled: Bool = false) async throws -> [ConsoleUser] {
        try await client.query("""
            SELECT \(unescaped: Self.columns) FROM console_users WHERE \(includeDisabled) OR disabled_at IS NULL ORDER BY username
            """).rows.map(Self.user(from:))
    }

    /// The user with this name (any case), disabled or not; nil when there is none.
    public func user(named username: String) async throws -> ConsoleUser? {
        guard let name = Self.normalisedUsername(username) else { return nil }
        return try await client.query("SELECT \(unescaped: Self.columns) FROM console_users WHERE username = \(name)").first.map(Self.user(from:))
    }

    /// Disables a user and ends their sessions; audited.
    @discardableResult
    public func disable(username: String, actor: String) async throws -> ConsoleUser {
        try await change(username: username, action: "console.user.disable", actor: actor) { connection, user in
            if let disabledAt = user.disabledAt { throw ConsoleError(.conflict, "user \(user.username) was already disabled at \(disabledAt)") }
            return try await connection.query("""
                UPDATE console_users SET disabled_at = now(), disabled_by = \(actor) WHERE id = \(user.id) RETURNING \(unescaped: Self.columns)
                """).first
        }
    }

    /// Gives a user a new generated password, clears their TOTP enrolment (they enrol again at the
    /// next sign-in), lifts a lockout, re-enables them, and ends their sessions; audited.
    public func reset(username: String, actor: String) async throws -> Issued {
        let password = Self.generatePassword()
        let hash = try await hasher.hash(password)
        let user = try await change(username: username, action: "console.user.reset", actor: actor) { connection, user in
            try await connection.query("""
                UPDATE console_users SET password_hash = \(hash), totp_secret = NULL, pending_totp_secret = NULL, totp_last_step = NULL,
                    failed_attempts = 0, locked_until = NULL, disabled_at = NULL, disabled_by = NULL
                WHERE id = \(user.id) RETURNING \(unescaped: Self.columns)
                """).first
        }
        return Issued(user: user, password: password)
    }

    private func change(username: String, action: String, actor: String,
                        _ update: @Sendable (PostgresConnection, ConsoleUser) async throws -> PostgresRow?) async throws -> ConsoleUser {
        guard let name = Self.normalisedUsername(username) else { throw ConsoleError(.notFound, "no console user is named \(username.prefix(80))") }
        let user = try await client.withTransaction { connection -> ConsoleUser in
            guard let current = try await connection.query("SELECT \(unescaped: Self.columns) FROM console_users WHERE username = \(name) FOR UPDATE").first else {
                throw ConsoleError(.notFound, "no console user is named \(name)")
            }
            let before = try Self.user(from: current)
            guard let row = try await update(connection, before) else { throw ConsoleError(.storage, "\(action) of \(name) returned no row") }
            try await connection.query("DELETE FROM console_sessions WHERE user_id = \(before.id)")
            try await AuditLog.record(actor: actor, action: action, partnerID: before.partnerID, details: ["username": name], on: connection)
            return try Self.user(from: row)
        }
        logger.notice("console user changed", metadata: ["console.user": "\(name)", "console.action": "\(action)"])
        return user
    }

    // MARK: - Sign-in bookkeeping

    /// Counts a failed password or code. The `threshold`th failure in a row locks the user until
    /// `now + lockFor` and starts the count again. Audited (`console.sign_in.failed`, and
    /// `console.user.locked` when it locks). Returns the lockout's end when this failure caused one.
    @discardableResult
    public func recordFailure(_ user: ConsoleUser, reason: String, threshold: Int, lockFor: Duration, now: Date) async throws -> Date? {
        let lockedUntil = now.addingTimeInterval(Double(lockFor.components.seconds))
        return try await client.withTransaction { connection -> Date? in
            let row = try await connection.query("""
                UPDATE console_users SET
                    locked_until = CASE WHEN failed_attempts + 1 >= \(threshold) THEN \(lockedUntil)::timestamptz ELSE locked_until END,
                    failed_attempts = CASE WHEN failed_attempts + 1 >= \(threshold) THEN 0 ELSE failed_attempts + 1 END
                WHERE id = \(user.id)
                RETURNING failed_attempts, locked_until
                """).first
            let locked = try row?.decode(Date?.self, "locked_until").flatMap { $0 > now ? $0 : nil }
            try await AuditLog.record(actor: user.actor, action: "console.sign_in.failed", partnerID: user.partnerID,
                                      details: ["username": user.username, "reason": reason], on: connection)
            if let locked, user.lockedUntil.map({ $0 <= now }) ?? true {
                try await AuditLog.record(actor: "console", action: "console.user.locked", partnerID: user.partnerID,
                                          details: ["username": user.username, "until": ISO8601DateFormatter().string(from: locked)], on: connection)
            }
            return locked
        }
    }

    /// Records a sign-in for a name no user has; audited with the name as given (trimmed to 64
    /// characters), so guessing shows in the log.
    public func recordUnknownUser(_ username: String) async throws {
        let shown = String(username.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64).map(Character.init))
        try await client.withTransaction { connection in
            try await AuditLog.record(actor: "console", action: "console.sign_in.failed", details: ["username": shown, "reason": "unknown user"],
                                      on: connection)
        }
    }

    /// A completed sign-in: clears the failure count; audited `console.sign_in`.
    public func recordSignIn(_ user: ConsoleUser) async throws {
        try await client.withTransaction { connection in
            try await connection.query("UPDATE console_users SET failed_attempts = 0, locked_until = NULL WHERE id = \(user.id)")
            try await AuditLog.record(actor: user.actor, action: "console.sign_in", partnerID: user.partnerID,
                                      details: ["username": user.username, "role": user.role.rawValue], on: connection)
        }
    }

    /// The secret being enrolled: the pending one, or a new one stored as pending.
    public func pendingTOTPSecret(for user: ConsoleUser) async throws -> [UInt8] {
        let fresh = TOTP.generateSecret()
        guard let row = try await client.query("""
            UPDATE console_users SET pending_totp_secret = coalesce(pending_totp_secret, \(PostgresBytes(fresh)))
            WHERE id = \(user.id) AND totp_secret IS NULL
            RETURNING pending_totp_secret
            """).first else { throw ConsoleError(.conflict, "user \(user.username) has already enrolled an authenticator") }
        return try row.decode(PostgresBytes.self, "pending_totp_secret").bytes
    }

    /// Makes the pending secret the user's, with `step` as the newest step used; audited
    /// `console.totp.enrol`. False when there was nothing pending to confirm.
    public func confirmTOTP(for user: ConsoleUser, step: Int64) async throws -> Bool {
        try await client.withTransaction { connection -> Bool in
            let rows = try await connection.query("""
                UPDATE console_users SET totp_secret = pending_totp_secret, pending_totp_secret = NULL, totp_last_step = \(step)
                WHERE id = \(user.id) AND totp_secret IS NULL AND pending_totp_secret IS NOT NULL
                RETURNING id
                """).rows
            guard !rows.isEmpty else { return false }
            try await AuditLog.record(actor: user.actor, action: "console.totp.enrol", partnerID: user.partnerID,
                                      details: ["username": user.username], on: connection)
            return true
        }
    }

    /// Marks `step` used; false when it, or a later step, was used already (a replayed code).
    public func useTOTPStep(for user: ConsoleUser, step: Int64) async throws -> Bool {
        !(try await client.query("""
            UPDATE console_users SET totp_last_step = \(step)
            WHERE id = \(user.id) AND (totp_last_step IS NULL OR totp_last_step < \(step))
            RETURNING id
            """).rows.isEmpty)
    }

    static let columns = """
        id, username, role, partner_id, password_hash, totp_secret, pending_totp_secret, totp_last_step, failed_attempts, locked_until,
        created_at, created_by, disabled_at
        """

    static func user(from row: PostgresRow) throws -> ConsoleUser {
        let roleText = try row.decode(String.self, "role")
        guard let role = ConsoleRole(rawValue: roleText) else { throw ConsoleError(.storage, "console user has unknown role '\(roleText)'") }
        return ConsoleUser(
            id: try row.decode(UUID.self, "id"), username: try row.decode(String.self, "username"), role: role,
            partnerID: try row.decode(UUID?.self, "partner_id"), totpSecret: try row.decode(PostgresBytes?.self, "totp_secret")?.bytes,
            pendingTOTPSecret: try row.decode(PostgresBytes?.self, "pending_totp_secret")?.bytes,
            totpLastStep: try row.decode(Int64?.self, "totp_last_step"), passwordHash: try row.decode(String.self, "password_hash"),
            failedAttempts: try row.decode(Int.self, "failed_attempts"), lockedUntil: try row.decode(Date?.self, "locked_until"),
            createdAt: try row.decode(Date.self, "created_at"), createdBy: try row.decode(String.self, "created_by"),
            disabledAt: try row.decode(Date?.self, "disabled_at"))
    }
}
