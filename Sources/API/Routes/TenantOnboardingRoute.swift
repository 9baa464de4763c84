import Cryptography
import Foundation
import Graph
import Tenancy

/// `POST /v1/tenants` body. With a `credential`, the tenant is onboarded like `holdfast tenants
/// add`: sign-in, permission probe, `active` only when backups can run. Without one, it is only
/// registered (`onboarding`) and a credential is added later with the CLI.
struct OnboardTenantBody: APIRequestBody {
    static let fields: Set<String> = ["entra_tenant_id", "primary_domain", "display_name", "partner_id", "size_class", "policy_id", "credential", "scratch"]

    /// A client secret, or a certificate and its private key (PEM, base64-encoded in the JSON).
    struct Credential: Decodable, Sendable {
        var clientID: String
        var clientSecret: String?
        var certificatePEMBase64: String?
        var privateKeyPEMBase64: String?
        var appKind: String?
        var expiresAt: Date?

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", clientSecret = "client_secret", certificatePEMBase64 = "certificate_pem_base64",
                 privateKeyPEMBase64 = "private_key_pem_base64", appKind = "app_kind", expiresAt = "expires_at"
        }

        /// The credential to store; the messages never quote the secret or key.
        func material() throws -> NewTenantCredential {
            let clientID = try Validate.uuid(clientID, field: "credential.client_id")
            let appKind = try appKind.map { text in
                guard let kind = AppKind(rawValue: text) else {
                    throw APIError(.invalidRequest, "field 'credential.app_kind' must be tenant_app or shared_multitenant_app")
                }
                return kind
            } ?? .tenantApp
            switch (clientSecret, certificatePEMBase64, privateKeyPEMBase64) {
            case (let secret?, nil, nil):
                guard !secret.isEmpty else { throw APIError(.invalidRequest, "field 'credential.client_secret' must not be empty") }
                return NewTenantCredential(appKind: appKind, clientID: clientID,
                                           material: .clientSecret(SecretBytes(copying: Array(secret.utf8))), expiresAt: expiresAt)
            case (nil, let certificateText?, let keyText?):
                let certificatePEM = try Self.pem(certificateText, field: "credential.certificate_pem_base64")
                let keyPEM = try Self.pem(keyText, field: "credential.private_key_pem_base64")
                let certificate: Certificate
                let key: PrivateKey
                do { certificate = try Certificate(pem: certificatePEM) } catch {
                    throw APIError(.unprocessableRequest, "field 'credential.certificate_pem_base64' holds no readable PEM certificate")
                }
                do { key = try PrivateKey(pem: keyPEM, password: nil) } catch {
                    throw APIError(.unprocessableRequest, "field 'credential.private_key_pem_base64' holds no readable unencrypted PEM private key")
                }
                return NewTenantCredential(appKind: appKind, clientID: clientID, material: .certificate(privateKey: key, certificate: certificate),
                                           expiresAt: certificate.notAfter)
            default:
                throw APIError(.invalidRequest,
                               "field 'credential' needs either 'client_secret', or both 'certificate_pem_base64' and 'private_key_pem_base64'")
            }
        }

        private static func pem(_ base64: String, field: String) throws -> String {
            guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters), !data.isEmpty else {
                throw APIError(.unprocessableRequest, "field '\(field)' must be base64 (of the PEM text)")
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    var entraTenantID: String
    var primaryDomain: String?
    var displayName: String
    var partnerID: String?
    var sizeClass: String?
    var policyID: String?
    var credential: Credential?
    /// A scratch tenant for restore drills.
    var scratch: Bool?

    enum CodingKeys: String, CodingKey {
        case entraTenantID = "entra_tenant_id", primaryDomain = "primary_domain", displayName = "display_name",
             partnerID = "partner_id", sizeClass = "size_class", policyID = "policy_id", credential, scratch
    }

    func validate() throws {
        _ = try Validate.uuid(entraTenantID, field: "entra_tenant_id")
        try Validate.nonEmpty(displayName, field: "display_name")
        if let primaryDomain {
            try Validate.nonEmpty(primaryDomain, field: "primary_domain", maxLength: 253)
            // By code point, as the document's pattern reads it.
            guard primaryDomain.unicodeScalars.contains("."), !primaryDomain.unicodeScalars.contains(" ") else {
                throw APIError(.invalidRequest, "field 'primary_domain' must be a domain name such as contoso.onmicrosoft.com")
            }
        } else if credential == nil {
            throw APIError(.invalidRequest, "field 'primary_domain' is required without a credential (with one, it is read from the tenant)")
        }
        if let partnerID { _ = try Validate.uuid(partnerID, field: "partner_id") }
        if let policyID { _ = try Validate.uuid(policyID, field: "policy_id") }
        if let sizeClass, !["S", "M", "L"].contains(sizeClass) {
            throw APIError(.invalidRequest, "field 'size_class' must be S, M or L")
        }
        if let credential { _ = try credential.material() }
    }
}

/// What onboarding answers: the tenant's fields and, when a credential was given, `probe`.
struct OnboardingResource: Encodable, Sendable {
    struct Probe: Encodable, Sendable {
        struct Permission: Encodable, Sendable {
            var name: String
            var purpose: String
            /// Nil: the token's roles could not be read.
            var granted: Bool?
        }
        var probedAt: Date
        var clientID: String
        var backupReady: Bool
        var missingBackupPermissions: [String]
        var missingRestorePermissions: [String]
        var permissions: [Permission]
        /// Where a Global Administrator grants the missing permissions.
        var adminConsentURL: String

        init(_ report: PermissionReport) {
            probedAt = report.probedAt
            clientID = report.clientID
            backupReady = report.backupReady
            missingBackupPermissions = report.missingBackupPermissions
            missingRestorePermissions = report.missingRestorePermissions
            permissions = report.permissions.map { Permission(name: $0.name, purpose: $0.purpose.rawValue, granted: $0.granted) }
            adminConsentURL = report.adminConsentURL
        }
    }

    var tenant: TenantResource
    /// Nil without a credential, or when sign-in failed (the tenant's `status_reason` says why).
    var probe: Probe?

    private enum CodingKeys: String, CodingKey { case probe }

    func encode(to encoder: any Encoder) throws {
        try tenant.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(probe, forKey: .probe)
    }
}

/// Onboarding for the API: with a credential through ``TenantOnboarding`` (as `holdfast tenants
/// add`), without one a plain registration.
struct TenantOnboardingRoute: Sendable {
    let services: APIServices

    func onboard(_ body: OnboardTenantBody, actor: String) async throws -> OnboardingResource {
        var policyName: String?
        if let policyID = body.policyID { policyName = try await self.policyName(id: policyID) }
        if let credential = body.credential {
            let onboarding = try services.requireOnboarding()
            var partnerName: String?
            if let partnerID = body.partnerID { partnerName = try await self.partnerName(id: partnerID) }
            let request = TenantOnboarding.Request(directory: body.entraTenantID, displayName: body.displayName, partnerName: partnerName,
                                                   policyName: policyName ?? "standard", sizeClass: body.sizeClass ?? "S",
                                                   credential: try credential.material(), scratch: body.scratch ?? false)
            let outcome: TenantOnboarding.Outcome
            do {
                outcome = try await onboarding.add(request, actor: actor)
            } catch let error as GraphAuthenticationError {
                // Nothing was stored: the credential could not sign in.
                throw APIError(.onboardingSignInFailed, "the credential could not sign in to tenant \(body.entraTenantID): \(error.description)",
                               underlying: error)
            }
            return OnboardingResource(tenant: TenantResource(outcome.tenant), probe: outcome.report.map(OnboardingResource.Probe.init))
        }
        let new = NewTenant(entraTenantID: try Validate.uuid(body.entraTenantID, field: "entra_tenant_id"), primaryDomain: body.primaryDomain ?? "",
                            displayName: body.displayName, partnerID: try body.partnerID.map { try Validate.uuid($0, field: "partner_id") },
                            sizeClass: body.sizeClass ?? "S", scratch: body.scratch ?? false)
        let tenant = try await services.tenants.addTenant(new, actor: actor)
        if let policyID = body.policyID {
            try await services.policies.assign(policyIDField: policyID, tenantID: tenant.id, actor: actor)
        }
        return OnboardingResource(tenant: TenantResource(try await services.tenants.tenant(id: tenant.id)), probe: nil)
    }

    func reprobe(tenantID: UUID, actor: String) async throws -> OnboardingResource {
        let outcome = try await services.requireOnboarding().reprobe(tenantID: tenantID, actor: actor)
        return OnboardingResource(tenant: TenantResource(outcome.tenant), probe: outcome.report.map(OnboardingResource.Probe.init))
    }

    /// Checked before anything is written, so a wrong policy id leaves no half-onboarded tenant.
    private func policyName(id text: String) async throws -> String {
        do {
            return try await services.policies.policy(id: try Validate.uuid(text, field: "policy_id")).name
        } catch let error as PolicyError where error.code == .policyNotFound {
            throw APIError(.unprocessableRequest, "field 'policy_id' names no policy (\(text))", underlying: error)
        }
    }

    private func partnerName(id text: String) async throws -> String {
        let id = try Validate.uuid(text, field: "partner_id")
        do {
            return try await services.tenants.partner(id: id).name
        } catch let error as TenancyError where error.code == .partnerNotFound {
            throw APIError(.unprocessableRequest, "field 'partner_id' names no partner (\(text))", underlying: error)
        }
    }
}

extension APIError.Code {
    /// The credential given at onboarding could not sign in; nothing was stored.
    static let onboardingSignInFailed = APIError.Code("onboarding_sign_in_failed", status: .unprocessableContent)
}
