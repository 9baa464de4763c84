import Foundation
import HoldfastTesting
import Tenancy
import Testing
@testable import Console

/// Policies in the console: read by staff, created and changed by operators through forms checked
/// as the API checks its bodies; refused (and audited) for everyone else and for bad input.
@Suite struct ConsolePolicyPagesTests {
    /// A complete, valid form (every field, as the page sends it).
    static func form(token: String, name: String?, overriding changes: [String: String] = [:]) -> [(String, String)] {
        var fields: [(String, String)] = [("form_token", token)]
        if let name { fields.append(("name", name)) }
        fields.append(("description", "Hourly backups"))
        let values = ["backup_interval_seconds": "3600", "rpo_target_seconds": "7200", "window_start": "", "window_end": "", "window_timezone": "UTC",
                      "keep_last": "24", "keep_daily": "7", "keep_weekly": "4", "keep_monthly": "3", "keep_yearly": "1",
                      "immutability_window_seconds": "0", "retention_interval_seconds": "3600", "validation_interval_seconds": "86400"]
        for (field, _, _) in OperatorConsole.policyFields { fields.append((field, changes[field] ?? values[field]!)) }
        for (field, value) in changes where !OperatorConsole.policyFields.contains(where: { $0.0 == field }) {
            if let index = fields.firstIndex(where: { $0.0 == field }) { fields[index].1 = value } else { fields.append((field, value)) }
        }
        return fields
    }

    static func policyCount(_ fixture: ConsoleFixture) async throws -> Int {
        try await fixture.client.query("SELECT count(*)::int AS n FROM policies").first!.decode(Int.self, "n")
    }

    @Test func staffReadPoliciesAndOnlyOperatorsGetForms() async throws {
        try await ConsoleFixture.run { fixture in
            let standard = try await fixture.console.services.policies.policy(named: "standard")
            let path = "/console/policies/\(standard.id.uuidString.lowercased())"
            for role in [ConsoleFixture.Role.operatorUser, .readOnly] {
                let browser = try await fixture.signedIn(role)
                #expect(try await browser.get("/console").text.contains("<a href=\"/console/policies\">Policies</a>"), "\(role) nav")
                let list = try await browser.get("/console/policies")
                #expect(list.status == 200 && list.text.contains(">standard</a>") && list.text.contains("86400 s (24 h)"))
                #expect(list.text.contains("/console/policies/new") == (role == .operatorUser), "\(role)")
                let page = try await browser.get(path)
                #expect(page.status == 200 && page.text.contains("last 7, daily 30, weekly 12, monthly 12, yearly 7"))
                #expect(page.text.contains("action=\"\(path)\"") == (role == .operatorUser) && page.text.contains("Save changes") == (role == .operatorUser))
                #expect(try await browser.get("/console/policies/new").status == (role == .operatorUser ? 200 : 403))
                for (bad, status) in [("/console/policies/not-a-uuid", 400), ("/console/policies/\(UUID().uuidString)", 404),
                                      ("/console/policies?after=%00", 400), ("/console/policies?after=" + String(repeating: "z", count: 500), 400)] {
                    #expect(try await browser.get(bad).status == status, "\(bad.prefix(50))")
                }
            }
            for role in [ConsoleFixture.Role.partnerA, .partnerB] {
                let browser = try await fixture.signedIn(role)
                #expect(!(try await browser.get("/console").text.contains("/console/policies")), "\(role) nav")
                let before = try await fixture.audit("console.request.refused").count
                for target in ["/console/policies", path, "/console/policies/new"] {
                    let refused = try await browser.get(target)
                    #expect(refused.status == 403 && !refused.text.contains("standard"), "\(role) \(target)")
                }
                #expect(try await fixture.audit("console.request.refused").count == before + 3)
            }
        }
    }

    @Test func operatorsCreateAndChangePoliciesAndBadFormsChangeNothing() async throws {
        try await ConsoleFixture.run { fixture in
            let browser = try await fixture.signedIn(.operatorUser)
            let token = try #require(ConsoleBrowser.formToken(in: try await browser.get("/console/policies/new").text))
            let created = try await browser.post("/console/policies", Self.form(token: token, name: "hourly"))
            #expect(created.status == 303, "\(created.status) \(created.text.prefix(300))")
            let location = try #require(created.header("Location"))
            let policy = try await fixture.console.services.policies.policy(named: "hourly")
            #expect(location == "/console/policies/\(policy.id.uuidString.lowercased())?done=created")
            #expect(policy.backupInterval == 3600 && policy.retention.last == 24 && policy.description == "Hourly backups")
            #expect(try await fixture.audit("policy.create").first?.actor == "console:olive")
            #expect(try await browser.get(location).text.contains("The policy was created."))

            let count = try await Self.policyCount(fixture)
            let refusedBefore = try await fixture.audit("console.request.refused").count
            let cases: [(String, [String: String], Int, String)] = [
                ("<b>bad</b>", [:], 400, "field &#39;name&#39; must be letters"),
                ("abc", ["keep_last": "many"], 400, "must be a whole number"),
                ("abc", ["keep_last": "0"], 400, "keep_last"),
                ("abc", ["backup_interval_seconds": "99999999999999999999999"], 400, "must be a whole number"),
                ("abc", ["backup_interval_seconds": "-5"], 400, "backup_interval_seconds"),
                ("abc", ["window_start": "25:00", "window_end": "01:00"], 400, "time of day"),
                ("abc", ["window_start": "01:00"], 400, "go together"),
                ("abc", ["window_timezone": "Mars/Olympus"], 400, "names no IANA time zone"),
                ("abc", ["description": String(repeating: "d", count: 1500)], 400, "description"),
                ("standard", [:], 409, "already exists"),
            ]
            for (name, changes, status, message) in cases {
                let response = try await browser.post("/console/policies", Self.form(token: token, name: name, overriding: changes))
                #expect(response.status == status, "\(name) \(changes.keys): \(response.status)")
                #expect(response.text.contains(message) && response.text.contains("Nothing was changed"), "\(name) \(changes.keys): \(response.text.prefix(2000))")
                // What was typed is shown again, as text.
                #expect(!response.text.contains("<b>bad</b>") && response.text.contains("name=\"form_token\""), "\(name)")
            }
            #expect(try await Self.policyCount(fixture) == count)
            let unknown = try await browser.post("/console/policies", [], rawBody: "form_token=\(token)&name=abc&surprise=1")
            #expect(unknown.status == 400 && unknown.text.contains("unknown field &#39;surprise&#39;"), "\(unknown.text.prefix(2000))")
            #expect(try await Self.policyCount(fixture) == count)
            #expect(try await fixture.audit("console.request.refused").count == refusedBefore + cases.count + 1)
            // NUL and a repeated field are refused by the form parser.
            for body in ["form_token=\(token)&name=x%00y", "form_token=\(token)&name=a&name=b"] {
                #expect(try await browser.post("/console/policies", [], rawBody: body).status == 400)
            }

            // Change: every tenant's schedule follows (the store's business); the name stays.
            let edit = "/console/policies/\(policy.id.uuidString.lowercased())"
            let changed = try await browser.post(edit, Self.form(token: token, name: nil, overriding: ["keep_daily": "10", "description": ""]))
            #expect(changed.status == 303 && changed.header("Location") == edit + "?done=updated", "\(changed.status) \(changed.text.prefix(300))")
            let after = try await fixture.console.services.policies.policy(id: policy.id)
            #expect(after.retention.daily == 10 && after.description.isEmpty && after.name == "hourly")
            #expect(try await fixture.audit("policy.update").first?.actor == "console:olive")
            let renamed = try await browser.post(edit, Self.form(token: token, name: "other"))
            #expect(renamed.status == 400 && renamed.text.contains("cannot be changed"))
            let badEdit = try await browser.post(edit, Self.form(token: token, name: nil, overriding: ["keep_weekly": "-1"]))
            #expect(badEdit.status == 400 && badEdit.text.contains("keep_weekly") && badEdit.text.contains("value=\"-1\""))
            #expect(try await fixture.console.services.policies.policy(id: policy.id) == after)
            #expect(try await browser.post("/console/policies/\(UUID().uuidString)", Self.form(token: token, name: nil)).status == 404)
            // Forged: no token, another origin.
            #expect(try await browser.post(edit, Self.form(token: "forged", name: nil, overriding: ["keep_daily": "1"])).status == 403)
            #expect(try await browser.post(edit, Self.form(token: token, name: nil, overriding: ["keep_daily": "1"]), origin: "https://evil.example").status == 403)
            #expect(try await fixture.console.services.policies.policy(id: policy.id) == after)
        }
    }

    @Test func readOnlyAndPartnerUsersCannotCreateOrChangePolicies() async throws {
        try await ConsoleFixture.run { fixture in
            let standard = try await fixture.console.services.policies.policy(named: "standard")
            let count = try await Self.policyCount(fixture)
            for role in [ConsoleFixture.Role.readOnly, .partnerA] {
                let browser = try await fixture.signedIn(role)
                let token = try #require(ConsoleBrowser.formToken(in: try await browser.get("/console").text))
                let create = try await browser.post("/console/policies", Self.form(token: token, name: "sneaky"))
                #expect(create.status == 403 && create.text.contains("nothing was changed"), "\(role) create: \(create.status)")
                let change = try await browser.post("/console/policies/\(standard.id.uuidString.lowercased())",
                                                    Self.form(token: token, name: nil, overriding: ["keep_last": "1"]))
                #expect(change.status == 403 && change.text.contains("nothing was changed"), "\(role) change: \(change.status)")
            }
            #expect(try await Self.policyCount(fixture) == count)
            #expect(try await fixture.console.services.policies.policy(id: standard.id) == standard)
            #expect(try await fixture.audit("console.request.refused").filter { $0.details["reason"]?.contains("policies") == true }.count == 4)
        }
    }

    @Test func thePolicyListPagesByName() async throws {
        try await ConsoleFixture.run(configuration: ConsoleConfiguration(pageSize: 1)) { fixture in
            for name in ["alpha", "zulu"] {
                _ = try await fixture.console.services.policies.create(name: name, settings: PolicySettings(), actor: "test")
            }
            let browser = try await fixture.signedIn(.readOnly)
            var path: String? = "/console/policies"
            var seen: [String] = []
            while let next = path {
                let page = try await browser.get(next)
                #expect(page.status == 200)
                for name in ["alpha", "standard", "zulu"] where page.text.contains(">\(name)</a>") { seen.append(name) }
                path = page.text.range(of: #"<p class="pager"><a href=""#).map { String(page.text[$0.upperBound...].prefix { $0 != "\"" }) }
            }
            #expect(seen == ["alpha", "standard", "zulu"])
        }
    }
}
