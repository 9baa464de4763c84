import Foundation
import GraphSimTesting
import Testing
@testable import Console

/// Every page as every role, cross-site and forged posts, read-only and partner refusals, hostile
/// input, and the security headers on every response.
@Suite struct ConsoleAccessTests {
    /// Every page the console has (`OperatorConsole.pages`) with its path parameters filled for each
    /// tenant and job; a partner user sees their own partner's rows and nothing of anyone else's.
    @Test func everyPageAsEveryRoleShowsOnlyWhatTheRoleMaySee() async throws {
        try await ConsoleFixture.run { fixture in
            let names = ["alpha-tenant": fixture.tenantA, "bravo-tenant": fixture.tenantB, "charlie-tenant": fixture.tenantOwn]
            let jobs = [fixture.tenantA: fixture.jobA, fixture.tenantB: fixture.jobB, fixture.tenantOwn: fixture.jobOwn]
            let standardPolicy = try await fixture.console.services.policies.policy(named: "standard").id.uuidString.lowercased()
            for role in ConsoleFixture.Role.allCases {
                let browser = try await fixture.signedIn(role)
                let visible: Set<UUID> = switch role {
                case .operatorUser, .readOnly: [fixture.tenantA, fixture.tenantB, fixture.tenantOwn]
                case .partnerA: [fixture.tenantA]
                case .partnerB: [fixture.tenantB]
                }
                let refusedBefore = try await fixture.audit("console.request.refused").count
                var refusals = 0
                for page in OperatorConsole.pages {
                    let targets: [(path: String, tenant: UUID?)] = if page.contains("/snapshots") || page.hasSuffix("/object") || page.hasSuffix("/diff") {
                        // Snapshot pages: bravo-tenant holds the fixture's snapshot (user u1).
                        [(page.replacingOccurrences(of: "{tenant_id}", with: fixture.tenantB.uuidString.lowercased())
                            .replacingOccurrences(of: "{snapshot_id}", with: String(fixture.fleet.snapshotB))
                            + (page.hasSuffix("/object") ? "?type=user&id=u1" : page.hasSuffix("/diff") ? "?from=\(fixture.fleet.snapshotB)&to=\(fixture.fleet.snapshotB)" : ""),
                          fixture.tenantB)]
                    } else if page.contains("{tenant_id}") {
                        names.values.map { (page.replacingOccurrences(of: "{tenant_id}", with: $0.uuidString.lowercased()), $0) }
                    } else if page.contains("{job_id}") {
                        jobs.map { (page.replacingOccurrences(of: "{job_id}", with: String($0.value)), $0.key) }
                    } else if page.contains("{policy_id}") {
                        [(page.replacingOccurrences(of: "{policy_id}", with: standardPolicy), nil)]
                    } else {
                        [(page, nil)]
                    }
                    let staffOnly = OperatorConsole.staffPages.contains(page) && role != .operatorUser && role != .readOnly
                        || OperatorConsole.operatorPages.contains(page) && role != .operatorUser
                    for target in targets {
                        let path = String(target.path.dropFirst("GET ".count))
                        let response = try await browser.get(path)
                        let allowed = target.tenant.map(visible.contains) ?? true
                        #expect(response.status == (staffOnly ? 403 : allowed ? 200 : 404), "\(role) \(path): \(response.status)")
                        if !allowed || staffOnly { refusals += 1 }
                        #expect(response.header("Content-Security-Policy") == ConsoleMiddleware.contentSecurityPolicy, "\(path)")
                        for (name, id) in names where !visible.contains(id) {
                            // A refusal repeats the id the URL gave, and nothing else about it.
                            let named = target.tenant == id
                            #expect(!response.text.contains(name) && (named || !response.text.contains(id.uuidString.lowercased())),
                                    "\(role) sees \(name) on \(path)")
                        }
                        if role == .partnerA { #expect(!response.text.contains("Partner Birch")) }
                        if role == .partnerB { #expect(!response.text.contains("Partner Amber")) }
                    }
                }
                // The job list filtered to another partner's tenant is refused the same way.
                for (_, id) in names where !visible.contains(id) {
                    #expect(try await browser.get("/console/jobs?tenant=\(id.uuidString.lowercased())").status == 404)
                    refusals += 1
                }
                #expect(try await fixture.audit("console.request.refused").count - refusedBefore == refusals, "\(role)")
                // Lists show what the role may see.
                let tenants = try await browser.get("/console/tenants")
                for (name, id) in names { #expect(tenants.text.contains(name) == visible.contains(id), "\(role) tenant list: \(name)") }
                let jobList = try await browser.get("/console/jobs")
                for (tenant, job) in jobs { #expect(jobList.text.contains("/console/jobs/\(job)\"") == visible.contains(tenant), "\(role) job list: \(job)") }
                // Only operators get buttons.
                let ownJob = try await browser.get("/console/jobs/\(jobs[visible.first!]!)")
                #expect(ownJob.text.contains("Cancel job") == (role == .operatorUser), "\(role)")
                let overview = try await browser.get("/console")
                #expect(overview.text.contains("workers alive") == (role == .operatorUser || role == .readOnly), "\(role)")
            }
        }
    }

    @Test func forgedAndCrossSitePostsAreRefusedAndChangeNothing() async throws {
        try await ConsoleFixture.run { fixture in
            let browser = try await fixture.signedIn(.operatorUser)
            let page = try await browser.get("/console/jobs/\(fixture.jobA)")
            let token = try #require(ConsoleBrowser.formToken(in: page.text))
            let path = "/console/jobs/\(fixture.jobA)/cancel"
            let crossSite = try await browser.post(path, [("form_token", token)], origin: "https://evil.example")
            #expect(crossSite.status == 403 && crossSite.text.contains("did not come from the console"))
            let noOrigin = try await browser.post(path, [("form_token", token)], origin: nil)
            #expect(noOrigin.status == 403)
            let noToken = try await browser.post(path, [])
            #expect(noToken.status == 403 && noToken.text.contains("stale"))
            let wrongToken = try await browser.post(path, [("form_token", String(token.reversed()))])
            #expect(wrongToken.status == 403)
            // Another session's token is no good in this one.
            let other = try await fixture.signedIn(.operatorUser)
            let otherToken = try #require(ConsoleBrowser.formToken(in: try await other.get("/console").text))
            #expect(otherToken != token)
            #expect(try await browser.post(path, [("form_token", otherToken)]).status == 403)
            #expect(try await fixture.jobState(fixture.jobA) == "available")
            let reasons = try await fixture.audit("console.request.refused").map { $0.details["reason"] ?? "" }
            #expect(reasons.filter { $0 == "wrong form token" }.count == 3 && reasons.contains("cross-origin post") && reasons.contains("no Origin header"))
            // The real form works, is audited, and says so.
            let done = try await browser.post(path, [("form_token", token)])
            #expect(done.status == 303 && done.header("Location") == "/console/jobs/\(fixture.jobA)?done=cancel")
            #expect(try await fixture.jobState(fixture.jobA) == "cancelled")
            #expect(try await browser.get(done.header("Location")!).text.contains("Cancellation requested."))
            #expect(try await fixture.audit("console.job.cancel").first?.details["job_id"] == String(fixture.jobA))
            // Cancelling again is a clear refusal, not an error.
            let again = try await browser.post(path, [("form_token", token)])
            #expect(again.status == 409 && again.text.contains("already cancelled"), "\(again.text.prefix(400))")
            // A post to sign in from another site is refused before any password is looked at.
            let anonymous = fixture.browser()
            let login = try await anonymous.post("/console/sign-in", [("username", "olive"), ("password", fixture.passwords[.operatorUser]!)],
                                                 origin: "https://evil.example")
            #expect(login.status == 403 && login.header("Set-Cookie") == nil)
        }
    }

    @Test func readOnlyAndPartnerUsersCannotAct() async throws {
        try await ConsoleFixture.run { fixture in
            for (role, job) in [(ConsoleFixture.Role.readOnly, fixture.jobOwn), (.partnerA, fixture.jobA)] {
                let browser = try await fixture.signedIn(role)
                let token = try #require(ConsoleBrowser.formToken(in: try await browser.get("/console").text))
                for action in ["cancel", "retry"] {
                    let refused = try await browser.post("/console/jobs/\(job)/\(action)", [("form_token", token)])
                    #expect(refused.status == 403 && refused.text.contains("nothing was changed"), "\(role) \(action)")
                }
                #expect(try await fixture.jobState(job) == "available")
            }
            #expect(try await fixture.audit("console.request.refused").filter { $0.details["reason"]?.contains("may not") == true }.count == 4)
            // A partner naming another partner's job gets what a missing job gets.
            let partner = try await fixture.signedIn(.partnerA)
            #expect(try await partner.get("/console/jobs/\(fixture.jobB)").status == 404)
            #expect(try await partner.get("/console/jobs/99999999").status == 404)
        }
    }

    @Test func hostileInputGetsAClearPage() async throws {
        try await ConsoleFixture.run { fixture in
            let browser = try await fixture.signedIn(.operatorUser)
            let token = try #require(ConsoleBrowser.formToken(in: try await browser.get("/console").text))
            for (path, expected) in [("/console/tenants/not-a-uuid", 400), ("/console/tenants/\(UUID().uuidString)", 404),
                                     ("/console/jobs/-3", 400), ("/console/jobs/abc", 400), ("/console/jobs?state=exploded", 400),
                                     ("/console/jobs?kind=%3Cscript%3E", 400), ("/console/jobs?tenant=x", 400), ("/console/jobs?before=0", 400),
                                     ("/console/jobs?state=running&state=completed", 400), ("/console/tenants?status=gone", 400),
                                     ("/console/tenants?after_id=\(UUID().uuidString)", 400), ("/console/nothing-here", 404)] {
                let response = try await browser.get(path)
                #expect(response.status == expected, "\(path): \(response.status) \(response.text.prefix(200))")
                #expect(response.header("Content-Type")?.hasPrefix("text/html") == true, "\(path)")
                #expect(response.header("Content-Security-Policy") == ConsoleMiddleware.contentSecurityPolicy, "\(path)")
                #expect(!response.text.contains("<script"), "\(path)")
            }
            // Markup in a search is shown as text.
            let search = try await browser.get("/console/tenants?q=%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(search.status == 200 && search.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !search.text.contains("<script>"))
            // Broken forms: repeated fields, bad escapes, not a form, too large.
            let path = "/console/jobs/\(fixture.jobA)/cancel"
            for body in ["form_token=\(token)&form_token=\(token)", "form_token=%ZZ", "form_token=\(token)&x=%00"] {
                let response = try await browser.post(path, [], rawBody: body)
                #expect(response.status == 400, "\(body): \(response.status)")
            }
            #expect(try await browser.post(path, [], rawBody: "{\"form_token\":\"\(token)\"}", contentType: "application/json").status == 400)
            let large = try await browser.post(path, [], rawBody: "form_token=\(token)&pad=" + String(repeating: "a", count: 20_000))
            #expect(large.status == 413 || large.status == 400, "\(large.status)")
            #expect(try await fixture.jobState(fixture.jobA) == "available")
            // Keyset pages: a page size of 1 walks every tenant once, in name order.
        }
    }

    @Test func tenantAndJobListsPageByKeyset() async throws {
        try await ConsoleFixture.run(configuration: ConsoleConfiguration(pageSize: 1)) { fixture in
            let browser = try await fixture.signedIn(.operatorUser)
            var path: String? = "/console/tenants"
            var seen: [String] = []
            while let next = path {
                let page = try await browser.get(next.replacingOccurrences(of: "&amp;", with: "&"))
                #expect(page.status == 200)
                for name in ["alpha-tenant", "bravo-tenant", "charlie-tenant"] where page.text.contains(">\(name)<") { seen.append(name) }
                path = page.text.range(of: #"<p class="pager"><a href=""#).map { String(page.text[$0.upperBound...].prefix { $0 != "\"" }) }
            }
            #expect(seen == ["alpha-tenant", "bravo-tenant", "charlie-tenant"])
            let search = try await browser.get("/console/tenants?q=BRAVO")
            #expect(search.text.contains("bravo-tenant") && !search.text.contains("alpha-tenant"))
            let first = try await browser.get("/console/jobs")
            #expect(first.text.contains("/console/jobs/\(fixture.jobOwn)\"") && first.text.contains("before=\(fixture.jobOwn)"))
            let second = try await browser.get("/console/jobs?before=\(fixture.jobOwn)")
            #expect(second.text.contains("/console/jobs/\(fixture.jobB)\"") && !second.text.contains("/console/jobs/\(fixture.jobOwn)\""))
        }
    }

    @Test func stylesheetIsServedAsAFileAndPagesHaveNoInlineCode() async throws {
        try await ConsoleFixture.run { fixture in
            let browser = fixture.browser()
            let css = try await browser.get(ConsoleRenderer.stylesheetPath)
            #expect(css.status == 200 && css.header("Content-Type")?.hasPrefix("text/css") == true && css.text.contains("body"))
            #expect(css.header("Cache-Control")?.contains("immutable") == true)
            let icon = try await browser.get(ConsoleRenderer.faviconPath)
            #expect(icon.status == 200 && icon.header("Content-Type") == "image/svg+xml" && icon.text.hasPrefix("<svg"))
            let signed = try await fixture.signedIn(.operatorUser)
            for path in ["/console", "/console/tenants", "/console/jobs", "/console/jobs/\(fixture.jobA)", "/console/tenants/\(fixture.tenantA.uuidString)"] {
                let page = try await signed.get(path)
                #expect(page.text.contains("<link rel=\"stylesheet\" href=\"\(ConsoleRenderer.stylesheetPath)\">"))
                for inline in ["<script", "<style", "style=\"", " onclick=", " onload=", "javascript:"] {
                    #expect(!page.text.contains(inline), "\(path) contains \(inline)")
                }
                #expect(page.header("X-Frame-Options") == "DENY" && page.header("X-Content-Type-Options") == "nosniff")
                #expect(page.header("Cache-Control") == "no-store")
            }
        }
    }
}
