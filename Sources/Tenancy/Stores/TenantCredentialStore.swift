import Audit
public import Cryptography
public import Foundation
public import Logging
public import Postgres

/// Tenants' credentials in `tenant_credentials`, sealed with each tenant's data key.
///
/// Secrets are opened only by `activeCredential`, in memory, when a token is needed; nothing this
/// type logs or returns in a summary holds a secret.
public struct TenantCredentialStore: Sendable {
    public let client: PostgresClient
    public let keys: TenantDataKeyStore
    public let logger: Logger

    public init(client: PostgresClient, keyRing: MasterKeyRing, logger: Logger) {
        self.client = client
        self.keys = TenantDataKeyStore(keyRing: keyRing)
        self.logger = logger
    }

    /// Stores `credential` as the tenant's active one for its client id, replacing (rotating) the
    /// previous one for that app in the same transaction; audited.
    @discardableResult
    public func store(_ credential: NewTenantCredential, tenantID: UUID, actor: String) async throws -> CredentialSummary {
        let sealed = try Self.Sealable(credential)
        if let expiresAt = credential.expiresAt ?? sealed.certificate?.notAfter, expiresAt <= Date() {
            throw TenancyError(.invalidCredential, "the credential expired at \(expiresAt); store a current one")
        }
        let summary = try await self.client.withTransaction { connection -> CredentialSummary in
            let dataKey = try await self.keys.currentDataKey(tenantID: tenantID, on: connection)
            let secret = try sealed.secret.map { try dataKey.seal($0, purpose: .clientSecret) }
            let privateKey = try sealed.privateKey.map { try dataKey.seal($0, purpose: .privateKey) }
            let replaced = try await connection.query("""
                UPDATE tenant_credentials SET replaced_at = now()
                WHERE tenant_id = \(tenantID) AND client_id = \(credential.clientID) AND replaced_at IS NULL
                RETURNING id
                """)
            let expiresAt = credential.expiresAt ?? sealed.certificate?.notAfter
            let row = try await connection.query("""
                INSERT INTO tenant_credentials AS c (tenant_id, app_kind, client_id, kind, data_key_id, sealed_secret, sealed_private_key,
                    certificate_der, certificate_sha1, certificate_sha256, expires_at, created_by)
                VALUES (\(tenantID), \(credential.appKind.rawValue), \(credential.clientID), \(credential.material.kind.rawValue),
                    \(dataKey.id), \(secret.map { PostgresBytes($0.serialized) }), \(privateKey.map { PostgresBytes($0.serialized) }),
                    \(sealed.certificate.map { PostgresBytes($0.der) }), \(sealed.certificate.map { Base64URL.encode($0.sha1Thumbprint) }),
                    \(sealed.certificate.map { Base64URL.encode($0.sha256Thumbprint) }), \(expiresAt), \(actor))
                RETURNING \(unescaped: Self.summaryColumns)
                """).first!
            let summary = try Self.summary(from: row)
            var details = ["credential_id": summary.id.uuidString.lowercased(), "client_id": credential.clientID.uuidString.lowercased(),
                           "kind": summary.kind.rawValue, "app_kind": summary.appKind.rawValue]
            if let expiresAt { details["expires_at"] = "\(expiresAt)" }
            if let sha256 = summary.certificateSHA256 { details["certificate_sha256"] = sha256 }
            if let old = replaced.first { details["replaces"] = try old.decode(String.self, "id") }
            try await AuditLog.record(actor: actor, action: replaced.isEmpty ? "credential.add" : "credential.rotate",
                                      tenantID: tenantID, details: details, on: connection)
            return summary
        }
        self.logger.info("stored tenant credential", metadata: [
            "tenant.id": "\(tenantID.uuidString.lowercased())", "credential.id": "\(summary.id.uuidString.lowercased())",
            "credential.kind": "\(summary.kind.rawValue)", "graph.client_id": "\(summary.clientID.uuidString.lowercased())",
        ])
        return summary
    }

    /// Rotates the tenant's data key (`TenantDataKeyStore.rotateDataKey`) and re-seals its active
    /// credentials under the new one, in one transaction; audited. Returns the new data key's id.
    public func rotateDataKey(tenantID: UUID, actor: String) async throws -> String {
        let (previousID, newID, resealed) = try await self.client.withTransaction { connection -> (String, String, Int) in
            let previous = try await self.keys.currentDataKey(tenantID: tenantID, on: connection)
            let dataKey = try await self.keys.rotateDataKey(tenantID: tenantID, on: connection)
            let rows = try await connection.query("""
                SELECT id, data_key_id, sealed_secret, sealed_private_key FROM tenant_credentials
                WHERE tenant_id = \(tenantID) AND replaced_at IS NULL FOR UPDATE
                """)
            for row in rows {
                let oldKey = try await self.keys.dataKey(id: try row.decode(String.self, "data_key_id"), tenantID: tenantID, on: connection)
                func reseal(_ column: String, _ purpose: SecretPurpose) throws -> PostgresBytes? {
                    guard let bytes = try row.decode(PostgresBytes?.self, column) else { return nil }
                    let plaintext = try oldKey.open(try SealedSecret(serialized: bytes.bytes), purpose: purpose)
                    return PostgresBytes(try dataKey.seal(plaintext, purpose: purpose).serialized)
                }
                try await connection.query("""
                    UPDATE tenant_credentials SET data_key_id = \(dataKey.id), sealed_secret = \(try reseal("sealed_secret", .clientSecret)),
                        sealed_private_key = \(try reseal("sealed_private_key", .privateKey))
                    WHERE id = \(try row.decode(UUID.self, "id"))
                    """)
            }
            try await AuditLog.record(actor: actor, action: "keys.rotate-tenant", tenantID: tenantID,
                                      details: ["previous_data_key_id": previous.id, "data_key_id": dataKey.id,
                                                "credentials_resealed": "\(rows.count)"], on: connection)
            return (previous.id, dataKey.id, rows.count)
        }
        self.logger.notice("rotated tenant data key", metadata: [
            "tenant.id": "\(tenantID.uuidString.lowercased())", "keys.previous_data_key_id": "\(previousID)",
            "keys.data_key_id": "\(newID)", "keys.credentials_resealed": "\(resealed)",
        ])
        return newID
    }

    /// Opens the tenant's active credential (for `clientID`, or its only one) in memory.
    public func activeCredential(tenantID: UUID, clientID: UUID? = nil, logger: Logger? = nil) async throws -> TenantCredential {
        let logger = logger ?? self.logger
        return try await self.client.withConnection(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.summaryColumns), c.data_key_id, c.sealed_secret, c.sealed_private_key, c.certificate_der,
                       t.entra_tenant_id, t.size_class
                FROM tenant_credentials c JOIN tenants t ON t.id = c.tenant_id
                WHERE c.tenant_id = \(tenantID) AND c.replaced_at IS NULL
                  AND (\(clientID)::uuid IS NULL OR c.client_id = \(clientID))
                ORDER BY c.created_at DESC LIMIT 2
                """)
            guard let row = rows.first else {
                throw TenancyError(.credentialNotFound, "tenant \(tenantID.uuidString.lowercased()) has no active credential"
                    + (clientID.map { " for client id \($0.uuidString.lowercased())" } ?? ""))
            }
            guard rows.count == 1 else {
                throw TenancyError(.credentialNotFound, "tenant \(tenantID.uuidString.lowercased()) has credentials for several apps; name the client id")
            }
            let summary = try Self.summary(from: row)
            let dataKey = try await self.keys.dataKey(id: try row.decode(String.self, "data_key_id"), tenantID: tenantID, on: connection)
            let material: CredentialMaterial
            switch summary.kind {
            case .clientSecret:
                let sealed = try SealedSecret(serialized: try row.decode(PostgresBytes.self, "sealed_secret").bytes)
                material = .clientSecret(try dataKey.open(sealed, purpose: .clientSecret))
            case .certificate:
                let sealed = try SealedSecret(serialized: try row.decode(PostgresBytes.self, "sealed_private_key").bytes)
                let pem = try dataKey.open(sealed, purpose: .privateKey)
                let privateKey = try pem.withTemporaryArray { try PrivateKey(pem: String(decoding: $0, as: UTF8.self)) }
                let certificate = try Certificate(der: try row.decode(PostgresBytes.self, "certificate_der").bytes)
                material = .certificate(privateKey: privateKey, certificate: certificate)
            }
            var credential = TenantCredential(summary: summary, entraTenantID: try row.decode(UUID?.self, "entra_tenant_id"), material: material)
            credential.tenantSizeClass = try row.decode(String.self, "size_class")
            return credential
        }
    }

    /// The tenant's active credentials, without secrets.
    public func credentials(tenantID: UUID) async throws -> [CredentialSummary] {
        try await Self.credentials(tenantID: tenantID, client: self.client)
    }

    /// The tenant's active credentials, without secrets: metadata needs no master key, so
    /// `holdfast tenants show` lists them on a host that has none.
    public static func credentials(tenantID: UUID, client: PostgresClient) async throws -> [CredentialSummary] {
        try await client.query("""
            SELECT \(unescaped: Self.summaryColumns) FROM tenant_credentials c
            WHERE c.tenant_id = \(tenantID) AND c.replaced_at IS NULL ORDER BY c.created_at
            """).rows.map(Self.summary(from:))
    }

    /// Active credentials of non-offboarded tenants that expire before `now + days`, soonest first
    /// (already expired ones included): what the expiry warning lists.
    public func credentialsExpiring(withinDays days: Int, now: Date = Date()) async throws -> [CredentialSummary] {
        let horizon = now.addingTimeInterval(TimeInterval(days) * 86_400)
        return try await self.client.query("""
            SELECT \(unescaped: Self.summaryColumns) FROM tenant_credentials c JOIN tenants t ON t.id = c.tenant_id
            WHERE c.replaced_at IS NULL AND c.expires_at IS NOT NULL AND c.expires_at < \(horizon) AND t.status <> 'offboarded'
            ORDER BY c.expires_at, c.id
            """).rows.map(Self.summary(from:))
    }

    static let summaryColumns = """
        c.id, c.tenant_id, c.app_kind, c.client_id, c.kind, c.certificate_sha1, c.certificate_sha256, c.expires_at, c.created_at, c.created_by
        """

    static func summary(from row: PostgresRow) throws -> CredentialSummary {
        let appKind = try row.decode(String.self, "app_kind")
        let kind = try row.decode(String.self, "kind")
        guard let app = AppKind(rawValue: appKind), let credentialKind = CredentialKind(rawValue: kind) else {
            throw TenancyError(.corruptRow, "credential kinds '\(appKind)'/'\(kind)' are unknown")
        }
        return CredentialSummary(
            id: try row.decode(UUID.self, "id"),
            tenantID: try row.decode(UUID.self, "tenant_id"),
            appKind: app,
            clientID: try row.decode(UUID.self, "client_id"),
            kind: credentialKind,
            certificateSHA1: try row.decode(String?.self, "certificate_sha1"),
            certificateSHA256: try row.decode(String?.self, "certificate_sha256"),
            expiresAt: try row.decode(Date?.self, "expires_at"),
            createdAt: try row.decode(Date.self, "created_at"),
            createdBy: try row.decode(String.self, "created_by")
        )
    }

    /// A credential's parts ready to seal, checked.
    struct Sealable {
        var secret: SecretBytes?
        var privateKey: SecretBytes?
        var certificate: Certificate?

        init(_ credential: NewTenantCredential) throws {
            switch credential.material {
            case .clientSecret(let secret):
                guard secret.count > 0 else { throw TenancyError(.invalidCredential, "the client secret is empty") }
                self.secret = secret
            case .certificate(let key, let certificate):
                guard certificate.publicKey == key.publicKey else {
                    throw TenancyError(.invalidCredential, "the certificate does not belong to the private key")
                }
                guard key.kind == .rsa else {
                    throw TenancyError(.invalidCredential, "Entra client assertions need an RSA key, not \(key.kind)")
                }
                var pem = Array(try key.pemPKCS8().utf8)
                self.privateKey = SecretBytes(consuming: &pem)
                self.certificate = certificate
            }
        }
    }
}
