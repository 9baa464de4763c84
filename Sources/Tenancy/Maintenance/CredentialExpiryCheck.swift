public import Foundation
public import Logging
public import Postgres

/// Warns, in the log, about tenant credentials that expire within `window` (or have expired): an
/// expired secret or certificate is the most common way an MSP's backups silently stop.
///
/// The coordinator's leader runs it as a maintenance task (`CredentialExpiryTask`), which logs a
/// failed round and carries on.
public struct CredentialExpiryCheck: Sendable {
    public let client: PostgresClient
    /// How far ahead to warn. Default 30 days.
    public let window: Duration
    /// How often to check. Default 6 hours.
    public let interval: Duration
    public let logger: Logger

    public init(client: PostgresClient, window: Duration = .seconds(30 * 86_400), interval: Duration = .seconds(6 * 3_600),
                logger: Logger) {
        self.client = client
        self.window = window
        self.interval = interval
        self.logger = logger
    }

    /// Logs one warning per credential expiring within the window and returns them.
    @discardableResult
    public func runOnce(now: Date = Date()) async throws -> [CredentialExpiry] {
        let horizon = now.addingTimeInterval(self.window.seconds)
        let expiring = try await self.client.query("""
            SELECT c.tenant_id, t.display_name, c.id, c.client_id, c.kind, c.expires_at
            FROM tenant_credentials c JOIN tenants t ON t.id = c.tenant_id
            WHERE c.replaced_at IS NULL AND c.expires_at IS NOT NULL AND c.expires_at < \(horizon) AND t.status <> 'offboarded'
            ORDER BY c.expires_at, c.id
            """).rows.map { row in
            CredentialExpiry(tenantID: try row.decode(UUID.self, "tenant_id"), tenantName: try row.decode(String.self, "display_name"),
                             credentialID: try row.decode(UUID.self, "id"), clientID: try row.decode(UUID.self, "client_id"),
                             kind: try row.decode(String.self, "kind"), expiresAt: try row.decode(Date.self, "expires_at"))
        }
        for credential in expiring {
            let days = credential.expiresAt.timeIntervalSince(now) / 86_400
            self.logger.warning(days <= 0 ? "tenant credential has expired" : "tenant credential expires soon", metadata: [
                "tenant.id": "\(credential.tenantID.uuidString.lowercased())", "tenant.name": "\(credential.tenantName)",
                "credential.id": "\(credential.credentialID.uuidString.lowercased())", "credential.kind": "\(credential.kind)",
                "graph.client_id": "\(credential.clientID.uuidString.lowercased())",
                "credential.expires_at": "\(ISO8601DateFormatter().string(from: credential.expiresAt))",
                "credential.days_left": "\(Int(days.rounded(.down)))",
            ])
        }
        return expiring
    }
}

/// A credential close to (or past) its expiry.
public struct CredentialExpiry: Sendable, Hashable {
    public let tenantID: UUID
    public let tenantName: String
    public let credentialID: UUID
    public let clientID: UUID
    public let kind: String
    public let expiresAt: Date
}
