public import Foundation
public import Graph
public import Logging
public import Tenancy

/// Opens a Graph session for a tenant with its stored credential.
public protocol GraphSessionProvider: Sendable {
    /// `logger`: the caller's (a job's, an API request's): the session's requests, token fetches
    /// and credential reads log with its metadata.
    func session(tenantID: UUID, logger: Logger) async throws -> GraphSession
}

/// Sessions from the sealed credentials in PostgreSQL. The credential is opened again whenever a
/// token is needed, and dropped right after.
public struct TenancyGraphSessionProvider: GraphSessionProvider {
    let client: GraphClient
    let credentials: TenantCredentialStore

    public init(client: GraphClient, credentials: TenantCredentialStore) {
        self.client = client
        self.credentials = credentials
    }

    public func session(tenantID: UUID, logger: Logger) async throws -> GraphSession {
        let active = try await self.credentials.activeCredential(tenantID: tenantID, logger: logger)
        guard let identity = active.graphIdentity else {
            throw BackupError(.tenantNotOnboarded, "tenant \(tenantID.uuidString.lowercased()) has no Entra tenant id; onboard it first")
        }
        let store = self.credentials
        let clientID = active.summary.clientID
        // Raise only: a backup that counted more users than the tenant was registered with has
        // already told the pacer, and the registered class catches up after its commit.
        if let sizeClass = ResourceUnitPacer.SizeClass(rawValue: active.tenantSizeClass) {
            self.client.pacer.raiseSizeClass(to: sizeClass, for: identity)
        }
        return self.client.session(for: identity, sharedApp: active.summary.appKind == .sharedMultitenantApp, logger: logger) {
            try await store.activeCredential(tenantID: tenantID, clientID: clientID, logger: logger).graphCredential()
        }
    }
}
