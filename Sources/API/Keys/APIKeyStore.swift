import Audit
public import Foundation
public import Logging
public import Postgres
import Cryptography
import Synchronization

/// API keys in `api_keys`: created (the token is returned once), listed, revoked, and checked on
/// every request. Creation and revocation are audited.
///
/// Creating and checking keys needs the ``APIKeyHasher`` (the master key): a stored hash is keyed
/// by it, so writing a row into `api_keys` without the master key yields no working key. Listing
/// and revoking need only the database.
public struct APIKeyStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// Shortest time between two `last_used_at` writes for one key.
    public let lastUseInterval: Duration
    let hasher: APIKeyHasher?
    /// Accept (and re-hash on use) rows hashed the unkeyed way of earlier releases.
    let acceptsLegacyHashes: Bool
    private let lastUseWrites: LastUseThrottle

    public init(client: PostgresClient, hasher: APIKeyHasher?, acceptsLegacyHashes: Bool = false,
                lastUseInterval: Duration = .seconds(60), logger: Logger) {
        self.client = client
        self.logger = logger
        self.hasher = hasher
        self.acceptsLegacyHashes = acceptsLegacyHashes
        self.lastUseInterval = lastUseInterval
        self.lastUseWrites = LastUseThrottle()
    }

    private func requireHasher() throws -> APIKeyHasher {
        guard let hasher else {
            throw APIError(.unavailable, "API keys are keyed by the master key, which this process does not have; set HOLDFAST_MASTER_KEY_FILE")
        }
        return hasher
    }

    /// Why a token was refused.
    public enum Rejection: Error, Sendable, Hashable {
        /// Not a token of ours, unknown key id, or wrong secret: indistinguishable on purpose.
        case invalid
        case revoked
    }

    /// Creates a key; the returned token is the only copy of its secret.
    public func create(name: String, role: APIKeyRole, partnerID: UUID?, actor: String) async throws -> CreatedAPIKey {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError(.invalidRequest, "a key needs a name")
        }
        switch (role, partnerID) {
        case (.partner, nil): throw APIError(.invalidRequest, "a partner key must be bound to a partner")
        case (.operator, .some), (.readOnly, .some): throw APIError(.invalidRequest, "only partner keys are bound to a partner")
        default: break
        }
        let generated = APIKeyToken.generate()
        let hashed = try requireHasher().hash(secret: generated.secret)
        do {
            let key = try await client.withTransaction { connection -> APIKey in
                let row = try await connection.query("""
                    INSERT INTO api_keys (key_id, secret_hash, hash_key_id, name, role, partner_id, created_by)
                    VALUES (\(generated.keyID), \(PostgresBytes(hashed.hash)), \(hashed.keyID), \(name), \(role.rawValue), \(partnerID), \(actor))
                    RETURNING \(unescaped: Self.columns)
                    """).first!
                let key = try Self.key(from: row)
                var details = ["key_id": key.keyID, "name": name, "role": role.rawValue]
                if let partnerID { details["partner_id"] = partnerID.uuidString.lowercased() }
                try await AuditLog.record(actor: actor, action: "apikey.create", partnerID: partnerID, details: details, on: connection)
                return key
            }
            logger.notice("API key created", metadata: ["api_key.id": "\(key.keyID)", "api_key.role": "\(role.rawValue)"])
            return CreatedAPIKey(key: key, token: generated.token)
        } catch let error as PostgresError where error.sqlState == SQLState.foreignKeyViolation {
            throw APIError(.invalidRequest, "no partner has id \(partnerID?.uuidString.lowercased() ?? "-")", underlying: error)
        }
    }

    /// Keys, newest first; revoked ones only with `includeRevoked`.
    public func list(includeRevoked: Bool = false) async throws -> [APIKey] {
        try await client.query("""
            SELECT \(unescaped: Self.columns) FROM api_keys WHERE \(includeRevoked) OR revoked_at IS NULL ORDER BY created_at DESC, key_id
            """).rows.map(Self.key(from:))
    }

    /// Revokes a key by its key id; audited. Revoking a revoked key is an error that says when.
    @discardableResult
    public func revoke(keyID: String, actor: String) async throws -> APIKey {
        try await client.withTransaction { connection -> APIKey in
            guard let current = try await connection.query("SELECT \(unescaped: Self.columns) FROM api_keys WHERE key_id = \(keyID) FOR UPDATE").first else {
                throw APIError(.notFound, "no API key has id \(keyID)")
            }
            let key = try Self.key(from: current)
            if let revokedAt = key.revokedAt { throw APIError(.invalidState, "API key \(keyID) was already revoked at \(revokedAt)") }
            let row = try await connection.query("""
                UPDATE api_keys SET revoked_at = now(), revoked_by = \(actor) WHERE id = \(key.id) RETURNING \(unescaped: Self.columns)
                """).first!
            try await AuditLog.record(actor: actor, action: "apikey.revoke", partnerID: key.partnerID,
                                      details: ["key_id": keyID, "name": key.name, "role": key.role.rawValue], on: connection)
            return try Self.key(from: row)
        }
    }

    /// The key a token names, if the secret matches and it is not revoked; records its use.
    public func authenticate(token: String, logger: Logger? = nil) async throws -> Result<APIKey, Rejection> {
        let logger = logger ?? self.logger
        guard let parsed = APIKeyToken.parse(token) else { return .failure(.invalid) }
        let hasher = try requireHasher()
        guard let row = try await client.query("""
            SELECT \(unescaped: Self.columns), secret_hash, hash_key_id FROM api_keys WHERE key_id = \(parsed.keyID)
            """, logger: logger).first else {
            // Spend the same work as a known key, so timing does not tell which key ids exist.
            hasher.spendEquivalentWork(secret: parsed.secret)
            return .failure(.invalid)
        }
        let storedHash = try row.decode(PostgresBytes.self, "secret_hash").bytes
        let hashKeyID = try row.decode(String?.self, "hash_key_id")
        let verdict = hasher.verify(secret: parsed.secret, storedHash: storedHash, keyID: hashKeyID, acceptLegacy: acceptsLegacyHashes)
        guard verdict != .invalid else {
            if hashKeyID == nil {
                logger.warning("API key refused: its stored hash predates keyed hashes; re-create the key, or upgrade it (docs/api.md, Upgrading API keys)",
                               metadata: ["api_key.id": "\(parsed.keyID)"])
            }
            return .failure(.invalid)
        }
        let key = try Self.key(from: row)
        if key.isRevoked { return .failure(.revoked) }
        if verdict == .validUnderOlderKey {
            try await rehash(key: key, secret: parsed.secret, previousKeyID: hashKeyID, hasher: hasher, logger: logger)
        }
        try await recordUse(of: key, logger: logger)
        return .success(key)
    }

    /// Stores the hash again under the current master key (after a rotation, or a legacy row
    /// accepted for upgrade); conditional on the row still holding the hash just checked.
    private func rehash(key: APIKey, secret: [UInt8], previousKeyID: String?, hasher: APIKeyHasher, logger: Logger) async throws {
        let hashed = hasher.hash(secret: secret)
        try await client.query("""
            UPDATE api_keys SET secret_hash = \(PostgresBytes(hashed.hash)), hash_key_id = \(hashed.keyID)
            WHERE id = \(key.id) AND hash_key_id IS NOT DISTINCT FROM \(previousKeyID)
            """, logger: logger)
        logger.notice("API key re-hashed under the current master key",
                      metadata: ["api_key.id": "\(key.keyID)", "master_key.id": "\(hashed.keyID)", "previous": "\(previousKeyID ?? "legacy")"])
    }

    /// Writes `last_used_at` at most once per `lastUseInterval` per key: skipped in memory when this
    /// process wrote it recently, and conditional in SQL so several coordinators do not all write.
    private func recordUse(of key: APIKey, logger: Logger? = nil) async throws {
        guard lastUseWrites.shouldWrite(key.id, interval: lastUseInterval) else { return }
        let seconds = Double(lastUseInterval.components.seconds) + Double(lastUseInterval.components.attoseconds) / 1e18
        try await client.query("""
            UPDATE api_keys SET last_used_at = now()
            WHERE id = \(key.id) AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => \(seconds)))
            """, logger: logger)
    }

    static let columns = "id, key_id, name, role, partner_id, created_at, created_by, last_used_at, revoked_at"

    static func key(from row: PostgresRow) throws -> APIKey {
        let roleText = try row.decode(String.self, "role")
        guard let role = APIKeyRole(rawValue: roleText) else {
            throw APIError(.internalError, "an API key row has an unknown role '\(roleText)'")
        }
        return APIKey(
            id: try row.decode(UUID.self, "id"), keyID: try row.decode(String.self, "key_id"), name: try row.decode(String.self, "name"),
            role: role, partnerID: try row.decode(UUID?.self, "partner_id"), createdAt: try row.decode(Date.self, "created_at"),
            createdBy: try row.decode(String.self, "created_by"), lastUsedAt: try row.decode(Date?.self, "last_used_at"),
            revokedAt: try row.decode(Date?.self, "revoked_at"))
    }
}

/// When this process last wrote each key's `last_used_at`.
final class LastUseThrottle: Sendable {
    private let lastWrites = Mutex<[UUID: ContinuousClock.Instant]>([:])

    func shouldWrite(_ id: UUID, interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return lastWrites.withLock { writes in
            if let last = writes[id], now - last < interval { return false }
            writes[id] = now
            return true
        }
    }
}
