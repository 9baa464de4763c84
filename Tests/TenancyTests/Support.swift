@testable import Cryptography
import Foundation
import HoldfastTesting
import Logging
import Postgres
@testable import Tenancy

/// A tenant with a client secret, in one isolated schema.
struct TenancyFixture {
    let schema: IsolatedSchema
    let registry: TenantRegistry
    let logger: Logger

    init(schema: IsolatedSchema) {
        self.schema = schema
        self.logger = TestLogger.make()
        self.registry = TenantRegistry(client: schema.client, logger: self.logger)
    }

    func credentialStore(_ ring: MasterKeyRing) -> TenantCredentialStore {
        TenantCredentialStore(client: schema.client, keyRing: ring, logger: logger)
    }

    func addTenant(_ name: String, partner: Partner? = nil) async throws -> Tenant {
        try await registry.addTenant(
            NewTenant(entraTenantID: UUID(), primaryDomain: "\(name).onmicrosoft.com", displayName: name, partnerID: partner?.id),
            actor: "test")
    }

    func secretCredential(_ text: String, clientID: UUID = UUID(), expiresAt: Date? = nil) -> NewTenantCredential {
        NewTenantCredential(appKind: .tenantApp, clientID: clientID, material: .clientSecret(SecretBytes(copying: Array(text.utf8))),
                            expiresAt: expiresAt)
    }
}

func text(_ bytes: SecretBytes) -> String { bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

func clientSecret(of credential: TenantCredential) -> String? {
    if case .clientSecret(let bytes) = credential.material { return text(bytes) }
    return nil
}
