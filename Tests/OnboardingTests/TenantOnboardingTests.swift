import Audit
import Cryptography
import Foundation
import Graph
import GraphSim
import HoldfastTesting
import Postgres
import Tenancy
import Testing

@Suite("Tenant onboarding against graph-sim", .timeLimit(.minutes(10)))
struct TenantOnboardingTests {
    @Test func secretOnboardingByDomainActivatesTheTenantAndAuditsWithoutSecrets() async throws {
        try await OnboardingHarness.run { harness in
            let (app, secret) = try harness.registerApp(in: "contoso")
            let outcome = try await harness.onboarding.add(TenantOnboarding.Request(
                directory: "contoso.onmicrosoft.com", displayName: "Contoso", partnerName: "Acme MSP",
                credential: OnboardingHarness.secret(secret.value, clientID: app.clientId, app: .sharedMultitenantApp,
                                                     expiresAt: secret.endDateTime)), actor: "alice")

            let entraID = try harness.tenantID("contoso")
            #expect(outcome.tenant.status == .active)
            #expect(outcome.tenant.entraTenantID?.uuidString.lowercased() == entraID)
            #expect(outcome.tenant.primaryDomain == "contoso.onmicrosoft.com")
            let report = try #require(outcome.report)
            #expect(report.backupReady && report.missingBackupPermissions.isEmpty)
            #expect(Set(report.roles ?? []) == Set(ResourceCatalogue.requiredPermissions))
            #expect(report.adminConsentURL == "\(harness.baseURL)/\(entraID)/adminconsent?client_id=\(app.clientId)")
            // Every tenant-level catalogue entry was probed with a read and answered.
            let probed = report.requirements.filter { $0.probe != nil }
            #expect(probed.count == ResourceCatalogue.entries.filter { PermissionProbe.probePath(for: $0) != nil }.count)
            #expect(probed.allSatisfy { $0.outcome == .granted && $0.status == 200 })

            let stored = try await TenantProbeStore(client: harness.schema.client).lastReport(tenantID: outcome.tenant.id)
            #expect(stored?.roles == report.roles && stored?.backupReady == true)
            let overview = try #require(try await harness.onboarding.registry.overviews(tenantID: outcome.tenant.id).first)
            #expect(overview.partnerName == "Acme MSP" && overview.policyName == "standard")
            #expect(overview.credentialExpiresAt.map { abs($0.timeIntervalSince(secret.endDateTime)) < 1 } == true)
            #expect(try await harness.onboarding.registry.tenant(reference: "contoso.onmicrosoft.com").id == outcome.tenant.id)
            #expect(try await harness.onboarding.registry.tenant(reference: entraID).id == outcome.tenant.id)

            let audit = try await AuditLog.entries(tenantID: outcome.tenant.id, client: harness.schema.client)
            #expect(Set(audit.map(\.action)).isSuperset(of: ["tenant.add", "credential.add", "tenant.probe", "tenant.status"]))
            #expect(audit.allSatisfy { $0.actor == "alice" })
            // Neither the log nor the audit trail holds the secret or the token.
            let token = try await harness.graph.session(for: GraphIdentity(tenant: entraID, clientID: app.clientId)) {
                .clientSecret(SecretBytes(copying: Array(secret.value.utf8)))
            }.accessToken()
            #expect(harness.log.count > 0)
            #expect(harness.log.firstLeak(of: [secret.value, token.value]) == nil)
            // No JWT of any kind (a token, a client assertion): base64url JSON starts with "eyJ".
            #expect(!harness.log.text.contains("eyJ"))
            let auditText = audit.map { "\($0.details)" }.joined()
            #expect(!auditText.contains(secret.value) && !auditText.contains(token.value))
        }
    }

    @Test func certificateOnboardingTakesTheExpiryFromTheCertificate() async throws {
        try await OnboardingHarness.run(tenants: ["fabrikam"]) { harness in
            let permissions = ResourceCatalogue.requiredPermissions
            let app = try harness.simulator.registerApplication(tenant: "fabrikam", displayName: "Holdfast", permissions: permissions)
            let key = try PrivateKey.generateRSA(bits: 2048)
            let certificate = try Certificate.selfSigned(key: key, commonName: "Holdfast Fabrikam", validFor: 90 * 86_400)
            _ = try harness.simulator.addCertificate(clientId: app.clientId, certificate: certificate)
            let entraID = try harness.tenantID("fabrikam")
            let outcome = try await harness.onboarding.add(TenantOnboarding.Request(
                directory: entraID.uppercased(), displayName: "Fabrikam",
                credential: NewTenantCredential(appKind: .tenantApp, clientID: UUID(uuidString: app.clientId)!,
                                                material: .certificate(privateKey: key, certificate: certificate))), actor: "bob")
            #expect(outcome.tenant.status == .active)
            // Added by GUID: the default verified domain comes from /organization.
            let domain = try #require(outcome.tenant.primaryDomain)
            #expect(try await harness.onboarding.registry.tenant(reference: domain).id == outcome.tenant.id)
            let summary = try #require(outcome.credential)
            #expect(summary.kind == .certificate && summary.expiresAt == certificate.notAfter)
            #expect(summary.certificateSHA256 == Base64URL.encode(certificate.sha256Thumbprint))
            // The private key never reaches the log.
            let pemBody = try key.pemPKCS8().split(separator: "\n").filter { !$0.hasPrefix("-----") }
            #expect(pemBody.count > 3)
            #expect(harness.log.firstLeak(of: pemBody.map(String.init)) == nil)
            // Nor the signed client assertion or the token (JWTs: base64url JSON starts with "eyJ").
            #expect(!harness.log.text.contains("eyJ"))
        }
    }

    @Test func aMissingPermissionIsReportedAndKeepsTheTenantOnboardingUntilGranted() async throws {
        try await OnboardingHarness.run(tenants: ["northwind"]) { harness in
            let withheld = "Policy.Read.All"
            let (app, secret) = try harness.registerApp(in: "northwind", withhold: [withheld])
            let outcome = try await harness.onboarding.add(TenantOnboarding.Request(
                directory: "northwind.onmicrosoft.com", displayName: "Northwind",
                credential: OnboardingHarness.secret(secret.value, clientID: app.clientId)), actor: "carol")
            #expect(outcome.tenant.status == .onboarding)
            let reason = try #require(outcome.tenant.statusReason)
            #expect(reason.contains(withheld) && reason.contains("adminconsent?client_id=\(app.clientId)"))
            let report = try #require(outcome.report)
            #expect(!report.backupReady && report.missingBackupPermissions == [withheld])
            // Graph says so on the request: 403 Authorization_RequestDenied.
            let conditionalAccess = try #require(report.requirements.first { $0.name == "conditionalAccessPolicy" })
            #expect(conditionalAccess.outcome == .missing && conditionalAccess.status == 403)
            #expect(conditionalAccess.detail?.hasPrefix("Authorization_RequestDenied") == true)
            #expect(report.permissions.first { $0.name == withheld }?.granted == false)

            // The administrator consents; a re-probe activates the tenant.
            try harness.simulator.grantPermissions([withheld], clientId: app.clientId, tenant: "northwind")
            let again = try await harness.onboarding.reprobe(tenantID: outcome.tenant.id, actor: "carol")
            #expect(again.tenant.status == .active && again.report?.backupReady == true)
        }
    }

    @Test func badInputsGiveClearErrorsAndStoreNothing() async throws {
        try await OnboardingHarness.run(tenants: ["contoso", "fabrikam"]) { harness in
            let (app, secret) = try harness.registerApp(in: "contoso")
            let entraID = try harness.tenantID("contoso")
            func request(_ directory: String, secret value: String = secret.value, policy: String = "standard") -> TenantOnboarding.Request {
                TenantOnboarding.Request(directory: directory, displayName: "Contoso", policyName: policy,
                                         credential: OnboardingHarness.secret(value, clientID: app.clientId))
            }
            await #expect(throws: TenancyError(.invalidRequest, "")) {
                try await harness.onboarding.add(request("not a tenant"), actor: "t")
            }
            await #expect(throws: TenancyError(.policyNotFound, "")) {
                try await harness.onboarding.add(request(entraID, policy: "gold"), actor: "t")
            }
            let wrongSecret = try await #require(throws: GraphAuthenticationError.self) {
                try await harness.onboarding.add(request(entraID, secret: "not-the-secret"), actor: "t")
            }
            #expect(wrongSecret.code == .invalidClientSecret && wrongSecret.message.contains("AADSTS7000215"))
            let unknownTenant = try await #require(throws: GraphAuthenticationError.self) {
                try await harness.onboarding.add(request(UUID().uuidString), actor: "t")
            }
            #expect(unknownTenant.code == .tenantNotFound && unknownTenant.message.contains("AADSTS90002"))
            // The app exists in contoso but was never consented in fabrikam.
            let notConsented = try await #require(throws: GraphAuthenticationError.self) {
                try await harness.onboarding.add(request("fabrikam.onmicrosoft.com"), actor: "t")
            }
            #expect(notConsented.code == .applicationNotFound && notConsented.message.contains("AADSTS700016"))
            // A certificate the app registration does not know.
            let unregistered = try PrivateKey.generateRSA(bits: 2048)
            let unregisteredCertificate = try Certificate.selfSigned(key: unregistered, commonName: "unknown", validFor: 86_400)
            let badAssertion = try await #require(throws: GraphAuthenticationError.self) {
                try await harness.onboarding.add(TenantOnboarding.Request(
                    directory: entraID, displayName: "Contoso",
                    credential: NewTenantCredential(appKind: .tenantApp, clientID: UUID(uuidString: app.clientId)!,
                                                    material: .certificate(privateKey: unregistered, certificate: unregisteredCertificate))),
                    actor: "t")
            }
            #expect(badAssertion.code == .invalidClientAssertion && badAssertion.isCredentialInvalid)
            let key = try PrivateKey.generateRSA(bits: 2048)
            let otherCertificate = try Certificate.selfSigned(key: try PrivateKey.generateRSA(bits: 2048), commonName: "other", validFor: 86_400)
            await #expect(throws: TenancyError(.invalidCredential, "")) {
                try await harness.onboarding.add(TenantOnboarding.Request(
                    directory: entraID, displayName: "Contoso",
                    credential: NewTenantCredential(appKind: .tenantApp, clientID: UUID(uuidString: app.clientId)!,
                                                    material: .certificate(privateKey: key, certificate: otherCertificate))), actor: "t")
            }
            #expect(try await harness.onboarding.registry.tenants().isEmpty)

            _ = try await harness.onboarding.add(request(entraID), actor: "t")
            await #expect(throws: TenancyError(.duplicateTenant, "")) {
                try await harness.onboarding.add(request(entraID), actor: "t")
            }
            await #expect(throws: TenancyError(.duplicateTenant, "")) {
                try await harness.onboarding.add(request("contoso.onmicrosoft.com"), actor: "t")
            }
            #expect(try await harness.onboarding.registry.tenants().count == 1)
        }
    }

    @Test func anExpiredSecretMarksTheTenantCredentialsInvalid() async throws {
        try await OnboardingHarness.run { harness in
            let (app, secret) = try harness.registerApp(in: "contoso", validFor: 30 * 86_400)
            let added = try await harness.onboarding.add(TenantOnboarding.Request(
                directory: "contoso.onmicrosoft.com", displayName: "Contoso",
                credential: OnboardingHarness.secret(secret.value, clientID: app.clientId, expiresAt: secret.endDateTime)), actor: "t")
            #expect(added.tenant.status == .active)
            // Expiry warnings see it coming.
            let check = CredentialExpiryCheck(client: harness.schema.client, window: .seconds(31 * 86_400), logger: harness.logger)
            #expect(try await check.runOnce().map(\.tenantID) == [added.tenant.id])
            #expect(harness.log.text.contains("tenant credential expires soon"))
            #expect(try await harness.onboarding.registry.overviews(expiringBefore: Date().addingTimeInterval(31 * 86_400)).count == 1)
            #expect(try await harness.onboarding.registry.overviews(expiringBefore: Date().addingTimeInterval(7 * 86_400)).isEmpty)

            harness.simulator.advanceClock(by: 31 * 86_400)
            let error = try await #require(throws: GraphAuthenticationError.self) {
                try await harness.onboarding.reprobe(tenantID: added.tenant.id, actor: "t")
            }
            #expect(error.code == .expiredClientSecret)
            let tenant = try await harness.onboarding.registry.tenant(id: added.tenant.id)
            #expect(tenant.status == .credentialsInvalid)
            #expect(tenant.statusReason?.contains("AADSTS7000222") == true)
        }
    }

    @Test func suspendResumeAndOffboardAreAudited() async throws {
        try await OnboardingHarness.run { harness in
            let (app, secret) = try harness.registerApp(in: "contoso")
            let added = try await harness.onboarding.add(TenantOnboarding.Request(
                directory: "contoso.onmicrosoft.com", displayName: "Contoso",
                credential: OnboardingHarness.secret(secret.value, clientID: app.clientId)), actor: "dave")
            let id = added.tenant.id
            #expect(try await harness.onboarding.suspend(tenantID: id, reason: "invoice unpaid", actor: "dave").status == .suspended)
            #expect(try await harness.onboarding.resume(tenantID: id, actor: "dave").tenant.status == .active)
            try await harness.onboarding.registry.update(tenantID: id, displayName: "Contoso Ltd", partnerName: "Reseller", actor: "dave")
            let offboarded = try await harness.onboarding.offboard(tenantID: id, reason: "contract ended", actor: "dave")
            #expect(offboarded.status == .offboarded && offboarded.displayName == "Contoso Ltd")
            #expect(try await harness.onboarding.credentials.credentials(tenantID: id).isEmpty)
            await #expect(throws: TenancyError(.invalidStatusChange, "")) {
                try await harness.onboarding.resume(tenantID: id, actor: "dave")
            }
            let actions = try await AuditLog.entries(tenantID: id, client: harness.schema.client).map(\.action)
            #expect(actions.filter { $0 == "tenant.status" }.count >= 4)
            #expect(actions.contains("tenant.update") && actions.contains("credential.retire"))
        }
    }
}
