import Compliance
import Cryptography
import Foundation
import HoldfastTesting
import Testing
@testable import API

/// The SLA and compliance report routes: partners see only their own tenants in both, reports
/// served over the API verify with the Compliance verifier, and query parameters are validated.
@Suite struct APIComplianceRoutesTests {
    /// The fixture's tenants are onboarding; SLA and reports cover protected tenants.
    private func activate(_ tenants: [UUID], _ fixture: APIFixture) async throws {
        try await fixture.client.query("UPDATE tenants SET status = 'active' WHERE id = ANY(\(tenants.map { $0 })::uuid[])")
    }

    @Test func partnersSeeOnlyTheirOwnTenantsSLA() async throws {
        try await APIFixture.run { fixture in
            try await activate([fixture.tenantA, fixture.tenantB, fixture.tenantOwn], fixture)

            let fleet = try await fixture.send("GET", "/v1/sla")
            #expect(fleet.status == 200)
            #expect(Set(fleet.items.compactMap { $0["tenant_id"] as? String }) == [fixture.tenantA.lower, fixture.tenantB.lower, fixture.tenantOwn.lower])
            // Worst first: the tenants without a snapshot are at risk, bravo (fresh snapshot) is ok and last.
            #expect(fleet.items.last?["tenant_id"] as? String == fixture.tenantB.lower)
            #expect(fleet.items.last?["state"] as? String == "ok")

            let filtered = try await fixture.send("GET", "/v1/sla?partner_id=\(fixture.partnerA.lower)")
            #expect(filtered.items.compactMap { $0["tenant_id"] as? String } == [fixture.tenantA.lower])
            let ok = try await fixture.send("GET", "/v1/sla?state=ok", as: .readOnly)
            #expect(ok.items.compactMap { $0["tenant_id"] as? String } == [fixture.tenantB.lower])
            let paged = try await fixture.send("GET", "/v1/sla?limit=2")
            #expect(paged.items.count == 2 && paged.nextCursor != nil)
            let rest = try await fixture.send("GET", "/v1/sla?limit=2&cursor=\(paged.nextCursor ?? "")")
            #expect(rest.items.count == 1 && rest.nextCursor == nil)

            let partner = try await fixture.send("GET", "/v1/partner/sla", as: .partnerA)
            #expect(partner.status == 200)
            #expect(partner.items.compactMap { $0["tenant_id"] as? String } == [fixture.tenantA.lower])
            for leak in [fixture.tenantB.lower, fixture.tenantOwn.lower, fixture.partnerB.lower, "bravo", "charlie"] {
                #expect(!partner.text.lowercased().contains(leak), "partner A's SLA names \(leak)")
            }
            let other = try await fixture.send("GET", "/v1/partner/tenants/\(fixture.tenantB.lower)/sla", as: .partnerA)
            #expect(other.status == 404 && other.errorCode == "not_found")
            let own = try await fixture.send("GET", "/v1/partner/tenants/\(fixture.tenantA.lower)/sla", as: .partnerA)
            #expect(own.status == 200 && own.object["protected"] as? Bool == true)
        }
    }

    @Test func tenantSLAShowsStateAndRecordedTransitions() async throws {
        try await APIFixture.run { fixture in
            try await activate([fixture.tenantA], fixture)
            _ = try await SLAEvaluator(client: fixture.client, enqueueChecks: .unchecked, logger: TestLogger.make(label: "sla")).evaluateAndRecord(now: Date())

            let response = try await fixture.send("GET", "/v1/tenants/\(fixture.tenantA.lower)/sla")
            #expect(response.status == 200)
            let sla = try #require(response.object["sla"] as? [String: Any])
            #expect(sla["state"] as? String == "at_risk")
            #expect(sla["reasons"] as? [String] == ["no_snapshot"])
            let transitions = try #require(response.object["transitions"] as? [[String: Any]])
            #expect(transitions.count == 1)
            #expect(transitions.first?["to_state"] as? String == "at_risk")
            #expect(transitions.first.map { $0["from_state"] == nil } == true, "the first evaluation comes from no state")

            let before = try await fixture.send("GET", "/v1/tenants/\(fixture.tenantA.lower)/sla?from=2026-01-01&to=2026-02-01")
            #expect(before.status == 200 && (before.object["transitions"] as? [Any])?.isEmpty == true)

            // Onboarding: no SLA yet, which is an answer, not an error.
            let onboarding = try await fixture.send("GET", "/v1/tenants/\(fixture.tenantOwn.lower)/sla")
            #expect(onboarding.status == 200 && onboarding.object["protected"] as? Bool == false && onboarding.object["sla"] is NSNull)
            let missing = try await fixture.send("GET", "/v1/tenants/\(UUID().uuidString.lowercased())/sla")
            #expect(missing.status == 404)
        }
    }

    @Test func aReportFetchedOverTheAPIVerifies() async throws {
        try await APIFixture.run { fixture in
            try await activate([fixture.tenantA, fixture.tenantB], fixture)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("api-report-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }

            for format in ReportFormat.allCases {
                let response = try await fixture.send("GET", "/v1/reports/compliance?partner_id=\(fixture.partnerB.lower)&from=2026-01-01&format=\(format.rawValue)")
                #expect(response.status == 200, "\(format): \(response.text.prefix(200))")
                #expect(response.raw.header("Content-Type") == format.mediaType)
                #expect(response.raw.header("Holdfast-Signing-Key-Id") == fixture.reportKey.keyID)
                #expect(response.text.contains("bravo"))
                let header = try #require(response.raw.header("Holdfast-Signature"))
                let signatureBytes = try #require(Base64URL.decode(header))

                // As an auditor would: save both files and run the verifier behind `holdfast report verify`.
                let file = directory.appendingPathComponent("report.\(format.fileExtension)").path
                try Data(response.raw.body).write(to: URL(fileURLWithPath: file))
                try Data(signatureBytes).write(to: URL(fileURLWithPath: ComplianceReportWriter.signaturePath(for: file)))
                let verification = try ComplianceReportWriter.verify(path: file, publicKeyPEM: fixture.reportKey.publicKey.pem())
                #expect(verification.keyID == fixture.reportKey.keyID && verification.trustedKey)

                var tampered = response.raw.body
                tampered[tampered.count / 2] ^= 0x01
                try Data(tampered).write(to: URL(fileURLWithPath: file))
                #expect(throws: ComplianceError(.signatureMismatch, "")) {
                    try ComplianceReportWriter.verify(path: file, publicKeyPEM: fixture.reportKey.publicKey.pem())
                }
            }
        }
    }

    @Test func withoutASigningKeyReportsAreServedUnsigned() async throws {
        try await APIFixture.run(signsReports: false) { fixture in
            let response = try await fixture.send("GET", "/v1/reports/compliance?tenant_id=\(fixture.tenantB.lower)&format=html")
            #expect(response.status == 200 && response.raw.header("Content-Type") == "text/html; charset=utf-8")
            #expect(response.raw.header("Holdfast-Signature") == nil && response.raw.header("Holdfast-Signing-Key-Id") == nil)
            #expect(response.raw.header("Content-Disposition")?.contains("compliance-tenant-\(fixture.tenantB.lower)-") == true)
        }
    }

    @Test func aPartnersReportHoldsOnlyItsOwnTenants() async throws {
        try await APIFixture.run { fixture in
            try await activate([fixture.tenantA, fixture.tenantB, fixture.tenantOwn], fixture)
            let own = try await fixture.send("GET", "/v1/partner/reports/compliance?from=2026-01-01", as: .partnerA)
            #expect(own.status == 200)
            let report = own.object
            #expect((report["scope"] as? [String: Any])?["id"] as? String == fixture.partnerA.lower)
            #expect(own.text.contains("alpha"))
            for leak in [fixture.tenantB.lower, fixture.tenantOwn.lower, fixture.partnerB.lower, "bravo", "charlie"] {
                #expect(!own.text.lowercased().contains(leak), "partner A's report names \(leak)")
            }
            let ownTenant = try await fixture.send("GET", "/v1/partner/reports/compliance?tenant_id=\(fixture.tenantA.lower)&format=csv", as: .partnerA)
            #expect(ownTenant.status == 200 && ownTenant.text.contains("alpha"))

            let otherTenant = try await fixture.send("GET", "/v1/partner/reports/compliance?tenant_id=\(fixture.tenantB.lower)", as: .partnerA)
            #expect(otherTenant.status == 404 && otherTenant.errorCode == "not_found")
            #expect(!otherTenant.text.contains("bravo"))
            let otherPartner = try await fixture.send("GET", "/v1/partner/reports/compliance?partner_id=\(fixture.partnerB.lower)", as: .partnerA)
            #expect(otherPartner.status == 400 && otherPartner.errorCode == "invalid_parameter")
            let staffRoute = try await fixture.send("GET", "/v1/reports/compliance?partner_id=\(fixture.partnerB.lower)", as: .partnerA)
            #expect(staffRoute.status == 403)
        }
    }

    @Test func queryParametersAreValidated() async throws {
        try await APIFixture.run { fixture in
            let partner = "partner_id=\(fixture.partnerA.lower)"
            let cases: [(String, String)] = [
                ("/v1/reports/compliance?\(partner)&from=yesterday", "from must be a date"),
                ("/v1/reports/compliance?\(partner)&from=2026-03-01&to=2026-02-01", "from must be before to"),
                ("/v1/reports/compliance?\(partner)&from=2024-01-01&to=2026-01-01", "longer than 400 days"),
                ("/v1/reports/compliance?\(partner)&format=pdf", "format must be one of json, csv, html"),
                ("/v1/reports/compliance?\(partner)&tenant_id=\(fixture.tenantA.lower)", "exactly one of partner_id and tenant_id"),
                ("/v1/reports/compliance", "exactly one of partner_id and tenant_id"),
                ("/v1/reports/compliance?partner_id=A", "partner_id must be a UUID"),
                ("/v1/sla?state=fine", "state must be one of ok, at_risk, breached"),
                ("/v1/tenants/\(fixture.tenantA.lower)/sla?to=2026-13-01", "to must be a date"),
            ]
            for (target, message) in cases {
                let response = try await fixture.send("GET", target)
                #expect(response.status == 400 && response.errorCode == "invalid_parameter", "\(target): \(response.text)")
                #expect(response.errorMessage?.contains(message) == true, "\(target): \(response.errorMessage ?? "")")
            }
            let unknown = try await fixture.send("GET", "/v1/reports/compliance?partner_id=\(UUID().uuidString.lowercased())")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found")
        }
    }
}
