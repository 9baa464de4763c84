import Audit
import Foundation
import Testing
@testable import Console

/// The audit log page: filters by actor, action and tenant, keyset pages, hostile filters; staff only.
@Suite struct ConsoleAuditPageTests {
    /// Records `count` entries by `actor` with markup in their details, the first `tenantCount` of them on `tenant`.
    static func record(_ fixture: ConsoleFixture, actor: String, action: String, tenant: UUID?, count: Int) async throws {
        for index in 0..<count {
            try await fixture.client.withTransaction { connection in
                try await AuditLog.record(actor: actor, action: action, tenantID: tenant, details: ["note": "<script>n\(index)</script>"],
                                          on: connection)
            }
        }
    }

    /// The ids of the entries a page shows, in order.
    static func entryIDs(_ html: String) -> [Int64] {
        html.components(separatedBy: #"<tr data-entry=""#).dropFirst().compactMap { Int64($0.prefix { $0 != "\"" }) }
    }

    @Test func staffFilterTheLogAndPartnersAreRefused() async throws {
        try await ConsoleFixture.run { fixture in
            try await Self.record(fixture, actor: "tester", action: "test.note", tenant: fixture.tenantA, count: 2)
            try await Self.record(fixture, actor: "tester", action: "test.other", tenant: fixture.tenantB, count: 1)
            for role in [ConsoleFixture.Role.operatorUser, .readOnly] {
                let browser = try await fixture.signedIn(role)
                #expect(try await browser.get("/console").text.contains("<a href=\"/console/audit\">Audit log</a>"), "\(role) nav")
                let all = try await browser.get("/console/audit")
                #expect(all.status == 200)
                // Details are text, never markup; tenants link to their pages by name.
                #expect(all.text.contains("note=&lt;script&gt;n0&lt;/script&gt;") && !all.text.contains("<script>"))
                #expect(all.text.contains(">alpha-tenant</a>") && all.text.contains(">bravo-tenant</a>"))
                let ids = Self.entryIDs(all.text)
                #expect(!ids.isEmpty && ids == ids.sorted(by: >))
                let byAction = try await browser.get("/console/audit?action=test.note")
                #expect(Self.entryIDs(byAction.text).count == 2 && !byAction.text.contains("test.other"))
                let byTenant = try await browser.get("/console/audit?tenant=\(fixture.tenantB.uuidString.lowercased())")
                let expected = try await AuditLog.entries(tenantID: fixture.tenantB, limit: 100, client: fixture.client).map(\.id)
                #expect(Self.entryIDs(byTenant.text) == expected && byTenant.text.contains("test.other") && !byTenant.text.contains("test.note"))
                let byActor = try await browser.get("/console/audit?actor=tester&action=test.other")
                #expect(Self.entryIDs(byActor.text).count == 1)
                let own = try await browser.get("/console/audit?actor=console:\(role.rawValue)&action=console.sign_in")
                #expect(Self.entryIDs(own.text).count >= 1 && !own.text.contains("test.note"))
                // Hostile filters get a clear page; markup in a filter is shown as text and matches nothing.
                for (path, status) in [("/console/audit?actor=%00", 400), ("/console/audit?action=a%0Ab", 400),
                                       ("/console/audit?actor=" + String(repeating: "a", count: 5000), 400), ("/console/audit?tenant=x", 400),
                                       ("/console/audit?before=0", 400), ("/console/audit?before=-1", 400), ("/console/audit?actor=a&actor=b", 400)] {
                    let refused = try await browser.get(path)
                    #expect(refused.status == status, "\(path.prefix(60)): \(refused.status)")
                }
                let markup = try await browser.get("/console/audit?actor=%3Cscript%3Ealert(1)%3C/script%3E")
                #expect(markup.status == 200 && markup.text.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"")
                        && markup.text.contains("No entries match these filters"))
            }
            for role in [ConsoleFixture.Role.partnerA, .partnerB] {
                let browser = try await fixture.signedIn(role)
                #expect(!(try await browser.get("/console").text.contains("/console/audit")), "\(role) nav")
                let before = try await fixture.audit("console.request.refused").count
                let refused = try await browser.get("/console/audit?tenant=\(fixture.tenantA.uuidString.lowercased())")
                #expect(refused.status == 403 && !refused.text.contains("test.note") && !refused.text.contains("tester"), "\(role)")
                #expect(try await fixture.audit("console.request.refused").count == before + 1)
            }
        }
    }

    @Test func pagesWalkTheWholeLogOnceNewestFirst() async throws {
        try await ConsoleFixture.run(configuration: ConsoleConfiguration(pageSize: 2)) { fixture in
            try await Self.record(fixture, actor: "tester", action: "test.note", tenant: fixture.tenantOwn, count: 5)
            let browser = try await fixture.signedIn(.operatorUser)
            let expected = try await AuditLog.entries(tenantID: nil, actor: "tester", beforeID: nil, limit: 100, client: fixture.client).map(\.id)
            #expect(expected.count == 5)
            var path: String? = "/console/audit?actor=tester"
            var seen: [Int64] = []
            while let next = path {
                let page = try await browser.get(next.replacingOccurrences(of: "&amp;", with: "&"))
                #expect(page.status == 200)
                seen += Self.entryIDs(page.text)
                path = page.text.range(of: #"<p class="pager"><a href=""#).map { String(page.text[$0.upperBound...].prefix { $0 != "\"" }) }
                #expect(path.map { $0.contains("actor=tester") } ?? true)
            }
            #expect(seen == expected)
        }
    }
}
