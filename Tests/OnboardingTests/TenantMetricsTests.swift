import Foundation
import HoldfastTesting
import Tenancy
import Testing

/// The per-tenant series a coordinator exports: its tenants' SLA states and the expiry of
/// credentials within the warning window, from the real `holdfast coordinator`.
@Suite("Tenant metrics", .timeLimit(.minutes(10)))
struct TenantMetricsTests {
    @Test func aCoordinatorExportsSLAStatesAndCredentialExpiryPerTenant() async throws {
        try await OnboardingHarness.run(tenants: ["contoso", "fabrikam"]) { harness in
            // Contoso's secret expires in 20 days (inside the 30-day window), Fabrikam's in a year.
            var tenantIDs: [UUID] = []
            for (name, days) in [("contoso", 20.0), ("fabrikam", 365.0)] {
                let (app, secret) = try harness.registerApp(in: name, validFor: days * 86_400)
                let added = try await harness.onboarding.add(TenantOnboarding.Request(
                    directory: "\(name).onmicrosoft.com", displayName: name.capitalized,
                    credential: OnboardingHarness.secret(secret.value, clientID: app.clientId, expiresAt: secret.endDateTime)), actor: "t")
                #expect(added.tenant.status == .active)
                tenantIDs.append(added.tenant.id)
            }
            let expiring = try #require(try await CredentialExpiryCheck(client: harness.schema.client, logger: harness.logger)
                .runOnce().first)
            let port = try ProcessRunner.freeTCPPort()
            let coordinator = try ProcessRunner.spawn(TenantsCommandTests.holdfast, [
                "coordinator", "--database-url", harness.schema.connectionString, "--metrics-port", String(port),
                "--metrics-host", "127.0.0.1", "--sla-interval", "1",
            ])
            defer { coordinator.signal(SIGKILL) }
            var lines: [Substring] = []
            // Until the first SLA round has been exported (a minute at most).
            for _ in 0..<600 {
                let result = try await ProcessRunner.capture("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
                lines = result.standardOutput.split(separator: "\n")
                if lines.contains(where: { $0.hasPrefix("holdfast_tenants{") }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            func value(_ prefix: String) -> Double? {
                lines.first { $0.hasPrefix(prefix + " ") }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
            }
            // Both tenants are counted once, in some SLA state (neither has a snapshot yet).
            let states = ["ok", "at_risk", "breached"].compactMap { value("holdfast_tenants{sla_state=\"\($0)\"}") }
            #expect(states.count == 3 && states.reduce(0, +) == 2)
            // Only the credential inside the warning window has a series, at its expiry time.
            let contoso = tenantIDs[0].uuidString.lowercased(), fabrikam = tenantIDs[1].uuidString.lowercased()
            let expiry = try #require(value("holdfast_tenant_credential_expiry_timestamp_seconds{tenant=\"\(contoso)\"}"))
            #expect(abs(expiry - expiring.expiresAt.timeIntervalSince1970) < 1)
            #expect(value("holdfast_tenant_credential_expiry_timestamp_seconds{tenant=\"\(fabrikam)\"}") == nil)
            // No snapshot yet: no newest-snapshot series.
            #expect(!lines.contains { $0.hasPrefix("holdfast_tenant_newest_snapshot_timestamp_seconds") })
            coordinator.signal(SIGTERM)
            #expect(await coordinator.wait() == 0)
        }
    }
}
