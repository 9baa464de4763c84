import Compliance
import Foundation
import HoldfastTesting
import Jobs
import Testing
@testable import Console

/// The SLA page (worst first, counts, state filter, pages by position, confined for partners) and
/// the tenant page's SLA history and validation evidence.
@Suite struct ConsoleSLAPageTests {
    /// The tenant ids a page's rows show, in order.
    static func rowTenants(_ html: String) -> [String] {
        html.components(separatedBy: #"<tr data-tenant=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// The fleet's tenants are onboarding (no credential): protected only once active. And the
    /// console's clock is moved from its fixed start (2030) to the present, where the fleet's
    /// snapshot was committed.
    static func activate(_ fixture: ConsoleFixture) async throws {
        fixture.clock.advance(seconds: Date().timeIntervalSince(fixture.clock.now))
        try await fixture.client.query("""
            UPDATE tenants SET status = 'active' WHERE id = ANY(\([fixture.tenantA, fixture.tenantB, fixture.tenantOwn])::uuid[])
            """)
    }

    static func evaluator(_ fixture: ConsoleFixture) -> SLAEvaluator {
        SLAEvaluator(client: fixture.client, enqueueChecks: .unchecked, logger: TestLogger.make(label: "sla"))
    }

    @Test func theFleetWorstFirstFilteredAndConfinedToAPartner() async throws {
        try await ConsoleFixture.run { fixture in
            try await Self.activate(fixture)
            // bravo has a fresh snapshot; alpha and charlie none: at risk now, breached past the RPO.
            let expected = try await Self.evaluator(fixture).assess(scope: .all, now: fixture.clock.now)
            try #require(expected.count == 3)
            #expect(Set(expected.map(\.state)) == [.ok, .atRisk])
            for role in [ConsoleFixture.Role.operatorUser, .readOnly] {
                let browser = try await fixture.signedIn(role)
                let page = try await browser.get("/console/sla")
                #expect(page.status == 200)
                #expect(Self.rowTenants(page.text) == expected.map { $0.tenantID.uuidString.lowercased() }, "\(role)")
                #expect(page.text.contains("<span class=\"n\">1</span> <span class=\"state ok\">protected</span>"))
                #expect(page.text.contains("<span class=\"n\">2</span> <span class=\"state at_risk\">at risk</span>"))
                #expect(page.text.contains("<span class=\"n\">0</span> <span class=\"state breached\">breached</span>"))
                let atRisk = try await browser.get("/console/sla?state=at_risk")
                #expect(Set(Self.rowTenants(atRisk.text)) == Set([fixture.tenantA, fixture.tenantOwn].map { $0.uuidString.lowercased() }))
                #expect(atRisk.text.contains("no snapshot yet"))
                let breached = try await browser.get("/console/sla?state=breached")
                #expect(Self.rowTenants(breached.text).isEmpty && breached.text.contains("No protected tenant is in this state"))
            }
            // Past the RPO (26 hours for the standard policy), the tenants without a snapshot are breached.
            fixture.clock.advance(seconds: 27 * 3600)
            let later = try await Self.evaluator(fixture).assess(scope: .all, now: fixture.clock.now)
            let operatorBrowser = try await fixture.signedIn(.operatorUser)
            let breached = try await operatorBrowser.get("/console/sla?state=breached")
            #expect(Self.rowTenants(breached.text) == later.filter { $0.state == .breached }.map { $0.tenantID.uuidString.lowercased() })
            #expect(Self.rowTenants(breached.text).count == 3, "every tenant is past its RPO 27 hours on")

            // A partner user sees only their partner's tenants: no other name, id, partner or count.
            for (role, own, others) in [(ConsoleFixture.Role.partnerA, fixture.tenantA, ["bravo-tenant", "charlie-tenant", "Partner Birch"]),
                                        (.partnerB, fixture.tenantB, ["alpha-tenant", "charlie-tenant", "Partner Amber"])] {
                let browser = try await fixture.signedIn(role)
                let page = try await browser.get("/console/sla")
                #expect(page.status == 200)
                #expect(Self.rowTenants(page.text) == [own.uuidString.lowercased()], "\(role)")
                for name in others { #expect(!page.text.contains(name), "\(role) sees \(name)") }
                #expect(page.text.contains("<span class=\"n\">1</span> <span class=\"state breached\">breached</span>"), "\(role)")
            }
        }
    }

    @Test func badFiltersGetAClearPageAndPagesWalkTheFleetOnce() async throws {
        try await ConsoleFixture.run(configuration: ConsoleConfiguration(pageSize: 1)) { fixture in
            try await Self.activate(fixture)
            let browser = try await fixture.signedIn(.readOnly)
            for path in ["/console/sla?state=bogus", "/console/sla?state=ok&state=breached", "/console/sla?offset=-1", "/console/sla?offset=x",
                         "/console/sla?offset=99999999", "/console/sla?offset=1000001", "/console/sla?offset=%D9%A1", "/console/sla?state=%00"] {
                let refused = try await browser.get(path)
                #expect(refused.status == 400, "\(path): \(refused.status)")
            }
            let markup = try await browser.get("/console/sla?state=%3Cb%3E")
            #expect(markup.status == 400 && markup.text.contains("&lt;b&gt;") && !markup.text.contains("<b>"))
            // Past the end: an empty page, not an error.
            #expect(Self.rowTenants(try await browser.get("/console/sla?offset=3").text).isEmpty)

            let expected = try await Self.evaluator(fixture).assess(scope: .all, now: fixture.clock.now).map { $0.tenantID.uuidString.lowercased() }
            var path: String? = "/console/sla"
            var seen: [String] = []
            while let next = path {
                let page = try await browser.get(next.replacingOccurrences(of: "&amp;", with: "&"))
                #expect(page.status == 200)
                seen += Self.rowTenants(page.text)
                path = page.text.range(of: #"">More tenants</a>"#).map { end in
                    let start = page.text[..<end.lowerBound].range(of: #"<a href=""#, options: .backwards)!.upperBound
                    return String(page.text[start..<end.lowerBound])
                }
                #expect(seen.count <= expected.count, "the pages repeat tenants")
                if seen.count > expected.count { break }
            }
            #expect(seen == expected && seen.count == 3)
            // The last page links back.
            let last = try await browser.get("/console/sla?offset=2")
            #expect(last.text.contains(#"href="/console/sla?offset=1">Previous tenants</a>"#))
        }
    }

    @Test func aTenantPageShowsItsSLAHistoryAndValidationEvidence() async throws {
        try await ConsoleFixture.run { fixture in
            try await Self.activate(fixture)
            let evaluator = Self.evaluator(fixture)
            let start = fixture.clock.now
            _ = try await evaluator.evaluateAndRecord(now: start)
            _ = try await evaluator.evaluateAndRecord(now: start.addingTimeInterval(27 * 3600))
            fixture.clock.advance(seconds: 27 * 3600)
            let failures = (0..<14).map { "user/u\($0): <b>tampered</b>" }
            _ = try await ValidationStore(client: fixture.client).record(ValidationResult(
                tenantID: fixture.tenantA, snapshotID: 77, jobID: nil, startedAt: start, finishedAt: start.addingTimeInterval(42),
                checks: [ValidationCheck(name: ValidationCheck.integrity, status: .failed, summary: "14 of 20 objects fail", failures: failures),
                         ValidationCheck(name: ValidationCheck.completeness, status: .passed, summary: "every type read", notes: ["group: not granted"]),
                         ValidationCheck(name: ValidationCheck.restoreDrill, status: .skipped, summary: "no scratch tenant")],
                restoreSeconds: nil))
            let tenantA = "/console/tenants/\(fixture.tenantA.uuidString.lowercased())"
            for role in [ConsoleFixture.Role.operatorUser, .partnerA] {
                let browser = try await fixture.signedIn(role)
                let page = try await browser.get(tenantA)
                #expect(page.status == 200)
                let history = try #require(page.text.range(of: "<h3>SLA history, 90 days</h3>").map { String(page.text[$0.upperBound...]) })
                // Newest first: at risk, then breached.
                let breached = try #require(history.range(of: "<td>at risk</td><td><span class=\"state breached\">breached</span></td>"))
                let first = try #require(history.range(of: "<td>first evaluation</td><td><span class=\"state at_risk\">at risk</span></td>"))
                #expect(breached.lowerBound < first.lowerBound)
                #expect(page.text.contains("snapshot 77, <span class=\"state breached\">failed: integrity</span>"))
                #expect(page.text.contains("<code>user/u0: &lt;b&gt;tampered&lt;/b&gt;</code>") && !page.text.contains("<b>tampered"))
                #expect(page.text.contains("<code>user/u9:") && !page.text.contains("<code>user/u10:"))
                #expect(page.text.contains("and 4 more: holdfast validations show \(fixture.tenantA.uuidString.lowercased()) --id"))
                #expect(page.text.contains("group: not granted") && page.text.contains("restore drill") && page.text.contains("check skipped"))
            }
            // Snapshots: bravo's one, listed for its partner; alpha has none yet.
            #expect(try await fixture.signedIn(.operatorUser).get(tenantA).text.contains("No snapshot yet."))
            let bravo = try await fixture.signedIn(.partnerB).get("/console/tenants/\(fixture.tenantB.uuidString.lowercased())")
            #expect(bravo.text.contains("<tr data-snapshot=\"\(fixture.fleet.snapshotB)\"><td>\(fixture.fleet.snapshotB)</td>"))
            #expect(bravo.text.contains("<td>full</td><td>complete</td><td>1</td>") && !bravo.text.contains("not read:"))
            // Another partner's user gets the tenant's page as if it did not exist, evidence and all.
            let other = try await fixture.signedIn(.partnerB)
            let refused = try await other.get(tenantA)
            #expect(refused.status == 404 && !refused.text.contains("tampered"))
            // A tenant with no validation and no recorded change says so.
            let charlie = try await fixture.signedIn(.operatorUser).get("/console/tenants/\(fixture.tenantOwn.uuidString.lowercased())")
            #expect(charlie.text.contains("No validation has run for this tenant."))
        }
    }
}
