public import Foundation
public import Graph
public import Tenancy

/// Opens a Graph session for a tenant with its stored credential.
public protocol GraphSessionProvider: Sendable {
    func session(tenantID: UUID) async throws -> GraphSession
}

/// Sessions from the tenant registry and the sealed credentials in PostgreSQL. The credential is
/// opened only when a token is needed, and dropped right after.
public struct TenancyGraphSessionProvider: GraphSessionProvider {
    let client: GraphClient
    let registry: TenantRegistry
    let credentials: TenantCredentialStore

    public init(client: GraphClient, registry: TenantRegistry, credentials: TenantCredentialStore) {
        self.client = client
        self.registry = registry
        self.credentials = credentials
    }

    public func session(tenantID: UUID) async throws -> GraphSession {
        let tenant = try await self.registry.tenant(id: tenantID)
        let active = try await self.credentials.activeCredential(tenantID: tenantID)
        guard let entraTenantID = active.entraTenantID ?? tenant.entraTenantID else {
            throw BackupError(.tenantNotOnboarded, "tenant \(tenantID.uuidString.lowercased()) has no Entra tenant id; onboard it first")
        }
        let entraTenant = entraTenantID.uuidString.lowercased()
        let identity = GraphIdentity(tenant: entraTenant, clientID: active.summary.clientID.uuidString.lowercased())
        let store = self.credentials
        let clientID = active.summary.clientID
        return self.client.session(for: identity) {
            switch try await store.activeCredential(tenantID: tenantID, clientID: clientID).material {
            case .clientSecret(let secret): return .clientSecret(secret)
            case .certificate(let key, let certificate): return .certificate(privateKey: key, certificate: certificate, signature: .ps256)
            }
        }
    }
}
