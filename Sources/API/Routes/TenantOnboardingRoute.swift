import Cryptography
import Foundation
import Tenancy

/// `POST /v1/tenants` body.
struct OnboardTenantBody: APIRequestBody {
    static let fields: Set<String> = ["entra_tenant_id", "primary_domain", "display_name", "partner_id", "size_class", "policy_id", "credential"]

    /// A client secret credential (certificates go through the CLI, which reads PEM/PKCS#12 files).
    struct Credential: Decodable, Sendable {
        var clientID: String
        var clientSecret: String
        var appKind: String?
        var expiresAt: Date?

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", clientSecret = "client_secret", appKind = "app_kind", expiresAt = "expires_at"
        }
    }

    var entraTenantID: String
    var primaryDomain: String
    var displayName: String
    var partnerID: String?
    var sizeClass: String?
    var policyID: String?
    var credential: Credential?

    enum CodingKeys: String, CodingKey {
        case entraTenantID = "entra_tenant_id", primaryDomain = "primary_domain", displayName = "display_name",
             partnerID = "partner_id", sizeClass = "size_class", policyID = "policy_id", credential
    }

    func validate() throws {
        _ = try Validate.uuid(entraTenantID, field: "entra_tenant_id")
        try Validate.nonEmpty(displayName, field: "display_name")
        try Validate.nonEmpty(primaryDomain, field: "primary_domain", maxLength: 253)
        guard primaryDomain.contains("."), !primaryDomain.contains(" ") else {
            throw APIError(.invalidRequest, "field 'primary_domain' must be a domain name such as contoso.onmicrosoft.com")
        }
        if let partnerID { _ = try Validate.uuid(partnerID, field: "partner_id") }
        if let policyID { _ = try Validate.uuid(policyID, field: "policy_id") }
        if let sizeClass, !["S", "M", "L"].contains(sizeClass) {
            throw APIError(.invalidRequest, "field 'size_class' must be S, M or L")
        }
        if let credential {
            _ = try Validate.uuid(credential.clientID, field: "credential.client_id")
            guard !credential.clientSecret.isEmpty else { throw APIError(.invalidRequest, "field 'credential.client_secret' must not be empty") }
            if let appKind = credential.appKind, AppKind(rawValue: appKind) == nil {
                throw APIError(.invalidRequest, "field 'credential.app_kind' must be tenant_app or shared_multitenant_app")
            }
        }
    }
}

/// Onboarding over the Tenancy stores: add the tenant, store its credential, assign its policy.
/// Kept thin on purpose: once Tenancy has an onboarding library (consent check, permission
/// check, activation), this route calls that instead and this type goes away.
struct TenantOnboardingRoute: Sendable {
    let services: APIServices

    func onboard(_ body: OnboardTenantBody, actor: String) async throws -> Tenant {
        if body.credential != nil, services.credentials == nil {
            throw APIError(.unavailable, "this coordinator has no master key, so it cannot store credentials; set HOLDFAST_MASTER_KEY_FILE")
        }
        let new = NewTenant(entraTenantID: try Validate.uuid(body.entraTenantID, field: "entra_tenant_id"), primaryDomain: body.primaryDomain,
                            displayName: body.displayName, partnerID: try body.partnerID.map { try Validate.uuid($0, field: "partner_id") },
                            sizeClass: body.sizeClass ?? "S")
        // Checked before anything is written, so a wrong policy id leaves no half-onboarded tenant.
        if let policyID = body.policyID {
            do {
                _ = try await services.policies.policy(id: try Validate.uuid(policyID, field: "policy_id"))
            } catch let error as APIError where error.code == .notFound {
                throw APIError(.invalidRequest, "field 'policy_id' names no policy (\(policyID))")
            }
        }
        let tenant = try await services.tenants.addTenant(new, actor: actor)
        if let policyID = body.policyID {
            try await services.policies.assign(policyID: try Validate.uuid(policyID, field: "policy_id"), tenantID: tenant.id, actor: actor)
        }
        if let credential = body.credential, let store = services.credentials {
            let material = CredentialMaterial.clientSecret(SecretBytes(copying: Array(credential.clientSecret.utf8)))
            try await store.store(
                NewTenantCredential(appKind: credential.appKind.flatMap(AppKind.init(rawValue:)) ?? .tenantApp,
                                    clientID: try Validate.uuid(credential.clientID, field: "credential.client_id"),
                                    material: material, expiresAt: credential.expiresAt),
                tenantID: tenant.id, actor: actor)
        }
        return tenant
    }
}
