import Foundation
import HoldfastTesting
import Testing
import Vault
@testable import Console

/// A tenant's snapshots, one snapshot's types, the object browser and its search, an object's
/// history attribute by attribute, and the diff between snapshots; and what each does with bad
/// input. bravo-tenant's first snapshot (the fleet's) holds user u1 "Ann"; each test commits a
/// second one in which u1 is renamed and more users appear.
@Suite struct ConsoleSnapshotPagesTests {
    /// Commits a full snapshot of bravo-tenant holding `users` (id → JSON), as a backup would.
    static func commit(_ fixture: ConsoleFixture, jobID: Int64, users: [(String, String)], groups: [(String, String)] = []) async throws -> Int64 {
        let writer = try await fixture.fleet.vault.beginSnapshot(tenantID: fixture.tenantB, jobID: jobID)
        _ = try await writer.stage(type: "user", objects: try users.map { ($0.0, try CanonicalJSON.canonicalize(Array($0.1.utf8))) }, fullyRead: true)
        var types = ["user"]
        if !groups.isEmpty {
            _ = try await writer.stage(type: "group", objects: try groups.map { ($0.0, try CanonicalJSON.canonicalize(Array($0.1.utf8))) }, fullyRead: true)
            types.append("group")
        }
        return try await writer.commit(SnapshotCommit(kind: .full, startedAt: Date(), fullyReadTypes: types, deltaLinks: [:],
                                                      missingTypes: [], newBlobs: users.count + groups.count, bytesAdded: 100)).id
    }

    static let secondUsers = [
        ("u1", #"{"id":"u1","displayName":"Ann Lee","userPrincipalName":"ann@bravo.example","jobTitle":"CFO"}"#),
        ("u2", #"{"id":"u2","displayName":"Bob <script>alert(1)</script>","userPrincipalName":"bob@bravo.example"}"#),
        ("u3", #"{"id":"u3","displayName":"Cleo","mail":"cleo@bravo.example"}"#),
    ]

    /// The ids of the objects a browser page lists, in order.
    static func objectRows(_ html: String) -> [String] {
        html.components(separatedBy: #"<tr data-object=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func anOperatorWalksSnapshotsObjectsHistoryAndChanges() async throws {
        try await ConsoleFixture.run { fixture in
            let first = fixture.fleet.snapshotB
            let second = try await Self.commit(fixture, jobID: 9_100_001, users: Self.secondUsers,
                                               groups: [("g1", #"{"id":"g1","displayName":"Finance"}"#)])
            let tenant = fixture.tenantB.uuidString.lowercased()
            let browser = try await fixture.signedIn(.readOnly)

            // The tenant page links its snapshots; the list links each to the changes since the one before.
            let tenantPage = try await browser.get("/console/tenants/\(tenant)")
            #expect(tenantPage.text.contains("/console/tenants/\(tenant)/snapshots/\(second)\"") && tenantPage.text.contains("all snapshots"))
            let list = try await browser.get("/console/tenants/\(tenant)/snapshots")
            #expect(list.status == 200)
            #expect(list.text.contains("<tr data-snapshot=\"\(second)\"") && list.text.contains("<tr data-snapshot=\"\(first)\""))
            #expect(list.text.contains("/console/tenants/\(tenant)/diff?from=\(first)&amp;to=\(second)"))

            // The snapshot: its types with live objects and what it opened and closed.
            let snapshot = try await browser.get("/console/tenants/\(tenant)/snapshots/\(second)")
            #expect(snapshot.status == 200)
            #expect(snapshot.text.contains(#"<tr data-type="user"><td><a href="/console/tenants/\#(tenant)/snapshots/\#(second)/objects?type=user">user</a></td><td>3</td><td>3</td><td>1</td></tr>"#),
                    "\(snapshot.text)")
            #expect(snapshot.text.contains(#"<tr data-type="group">"#))
            #expect(snapshot.text.contains("<option value=\"\(first)\" selected>"), "the previous snapshot is offered to compare with")
            #expect(!snapshot.text.contains("Compare with the live tenant"), "no Graph credentials in this fixture")
            let counts = try await fixture.fleet.vault.typeCounts(of: try await fixture.fleet.vault.snapshot(id: second))
            #expect(counts.map(\.type) == ["group", "user"] && counts.map(\.objects) == [1, 3])

            // The browser lists names (decrypted from the vault), escaped; search reads names and addresses.
            let objects = try await browser.get("/console/tenants/\(tenant)/snapshots/\(second)/objects?type=user")
            #expect(Self.objectRows(objects.text) == ["u1", "u2", "u3"])
            #expect(objects.text.contains("Ann Lee") && objects.text.contains("ann@bravo.example") && objects.text.contains("cleo@bravo.example"))
            #expect(objects.text.contains("Bob &lt;script&gt;") && !objects.text.contains("<script>"))
            #expect(Self.objectRows(try await browser.get("/console/tenants/\(tenant)/snapshots/\(second)/objects?type=user&q=BRAVO.EXAMPLE").text) == ["u1", "u2", "u3"])
            #expect(Self.objectRows(try await browser.get("/console/tenants/\(tenant)/snapshots/\(second)/objects?type=user&q=ANN").text) == ["u1"])
            #expect(Self.objectRows(try await browser.get("/console/tenants/\(tenant)/snapshots/\(second)/objects?type=user&q=cleo").text) == ["u3"])
            let none = try await browser.get("/console/tenants/\(tenant)/snapshots/\(second)/objects?type=user&q=zelda")
            #expect(none.status == 200 && Self.objectRows(none.text).isEmpty && none.text.contains("No user matches."))
            #expect(Self.objectRows(try await browser.get("/console/tenants/\(tenant)/snapshots/\(first)/objects").text) == ["u1"],
                    "without a type, the first type the snapshot holds")

            // u1's history: created in the first snapshot, renamed and given a title in the second.
            let history = try await browser.get("/console/tenants/\(tenant)/object?type=user&id=u1")
            #expect(history.status == 200)
            let changed = try #require(history.text.range(of: #"data-kind="changed""#))
            let created = try #require(history.text.range(of: #"data-kind="created""#))
            #expect(changed.lowerBound < created.lowerBound, "newest first")
            #expect(history.text.contains(#"<td><code>displayName</code></td><td><code>&quot;Ann&quot;</code></td><td><code>&quot;Ann Lee&quot;</code></td>"#),
                    "\(history.text)")
            #expect(history.text.contains(#"<td><code>jobTitle</code></td><td><span class="muted">not set</span></td><td><code>&quot;CFO&quot;</code></td>"#))
            #expect(history.text.contains("&quot;jobTitle&quot;: &quot;CFO&quot;"), "the newest version in full")
            let asFirst = try await browser.get("/console/tenants/\(tenant)/object?type=user&id=u1&snapshot=\(first)")
            #expect(asFirst.text.contains("as snapshot \(first) holds it") && !asFirst.text.contains("&quot;jobTitle&quot;: &quot;CFO&quot;"))

            // The diff: grouped by type, attribute by attribute, each object linked to its history.
            let diff = try await browser.get("/console/tenants/\(tenant)/diff?from=\(first)&to=\(second)")
            #expect(diff.status == 200)
            #expect(diff.text.contains("<strong>4</strong> changed objects"), "u1 changed, u2, u3 and g1 added")
            #expect(diff.text.contains("<tr><td><a href=\"#type-user\">user</a></td><td>2</td><td>0</td><td>1</td></tr>"))
            #expect(diff.text.contains("<tr><td><a href=\"#type-group\">group</a></td><td>1</td><td>0</td><td>0</td></tr>"))
            #expect(diff.text.contains("/console/tenants/\(tenant)/object?type=user&amp;id=u2&amp;snapshot=\(second)"))
            #expect(diff.text.contains(#"<td><code>displayName</code></td><td><code>&quot;Ann&quot;</code></td><td><code>&quot;Ann Lee&quot;</code></td>"#))
            let groupsOnly = try await browser.get("/console/tenants/\(tenant)/diff?from=\(first)&to=\(second)&type=group")
            #expect(groupsOnly.text.contains("<strong>1</strong> changed objects") && !groupsOnly.text.contains("#type-user"))
            let backwards = try await browser.get("/console/tenants/\(tenant)/diff?from=\(second)&to=\(first)")
            #expect(backwards.text.contains("<tr><td><a href=\"#type-user\">user</a></td><td>0</td><td>2</td><td>1</td></tr>"))
            let same = try await browser.get("/console/tenants/\(tenant)/diff?from=\(second)&to=\(second)")
            #expect(same.status == 200 && same.text.contains("Nothing changed."))
        }
    }

    @Test func pagesAndSearchesGoOnWhereTheyStopped() async throws {
        try await ConsoleFixture.run(configuration: ConsoleConfiguration(pageSize: 2)) { fixture in
            let second = try await Self.commit(fixture, jobID: 9_100_002, users: Self.secondUsers)
            let tenant = fixture.tenantB.uuidString.lowercased()
            let browser = try await fixture.signedIn(.operatorUser)
            let base = "/console/tenants/\(tenant)/snapshots/\(second)/objects"
            let page1 = try await browser.get("\(base)?type=user")
            #expect(Self.objectRows(page1.text) == ["u1", "u2"])
            let next = try #require(page1.text.components(separatedBy: #"<p class="pager"><a href=""#).dropFirst().first.map { String($0.prefix { $0 != "\"" }) })
            let page2 = try await browser.get(next.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(Self.objectRows(page2.text) == ["u3"] && !page2.text.contains(#"class="pager""#))
            // A search fills a page, then goes on after the last match.
            let search1 = try await browser.get("\(base)?type=user&q=bravo")
            #expect(Self.objectRows(search1.text) == ["u1", "u2"])
            let more = try #require(search1.text.components(separatedBy: #"<p class="pager"><a href=""#).dropFirst().first.map { String($0.prefix { $0 != "\"" }) })
            #expect(more.contains("q=bravo") && more.contains("after=u2"))
            let search2 = try await browser.get(more.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(Self.objectRows(search2.text) == ["u3"], "cleo@bravo.example")
            // Snapshot lists page by id.
            let list = try await browser.get("/console/tenants/\(tenant)/snapshots")
            #expect(list.text.contains("<tr data-snapshot=\"\(second)\"") && list.text.contains("<tr data-snapshot=\"\(fixture.fleet.snapshotB)\""))
            #expect(!list.text.contains("Older snapshots"))
        }
    }

    @Test func badAddressesGetAClearPageAndChangeNothing() async throws {
        try await ConsoleFixture.run { fixture in
            let tenant = fixture.tenantB.uuidString.lowercased()
            let other = fixture.tenantA.uuidString.lowercased()
            let snapshot = fixture.fleet.snapshotB
            let browser = try await fixture.signedIn(.operatorUser)
            let cases: [(String, Int, String)] = [
                ("/console/tenants/\(tenant)/snapshots/abc", 400, "is not a snapshot id"),
                ("/console/tenants/\(tenant)/snapshots/0", 400, "is not a snapshot id"),
                ("/console/tenants/\(tenant)/snapshots/99999999999999999999", 400, "is not a snapshot id"),
                ("/console/tenants/\(tenant)/snapshots/%D9%A1", 400, "is not a snapshot id"),
                ("/console/tenants/\(tenant)/snapshots/9223372036854775807", 404, "has no snapshot"),
                // Another tenant's snapshot is not this tenant's.
                ("/console/tenants/\(other)/snapshots/\(snapshot)", 404, "has no snapshot"),
                ("/console/tenants/\(other)/snapshots/\(snapshot)/objects?type=user", 404, "has no snapshot"),
                ("/console/tenants/\(tenant)/snapshots/\(snapshot)/objects?type=group", 404, "holds no object of type"),
                ("/console/tenants/\(tenant)/snapshots/\(snapshot)/objects?type=user%00", 400, "control character"),
                ("/console/tenants/\(tenant)/snapshots/\(snapshot)/objects?type=user;drop", 400, "catalogue type"),
                ("/console/tenants/\(tenant)/snapshots/\(snapshot)/objects?type=user&q=" + String(repeating: "x", count: 201), 400, "longer than"),
                ("/console/tenants/\(tenant)/snapshots?before=-1", 400, "damaged"),
                ("/console/tenants/\(tenant)/object?id=u1", 400, "type is missing"),
                ("/console/tenants/\(tenant)/object?type=user", 400, "object id is missing"),
                ("/console/tenants/\(tenant)/object?type=user&id=nobody", 404, "No snapshot of bravo-tenant holds user nobody"),
                ("/console/tenants/\(other)/object?type=user&id=u1", 404, "No snapshot of alpha-tenant holds"),
                ("/console/tenants/\(tenant)/object?type=user&id=u1&snapshot=x", 400, "must be a snapshot id"),
                ("/console/tenants/\(tenant)/diff?to=\(snapshot)", 400, "Choose the snapshot to compare from"),
                ("/console/tenants/\(tenant)/diff?from=\(snapshot)", 400, "Choose what to compare with"),
                ("/console/tenants/\(tenant)/diff?from=\(snapshot)&to=tomorrow", 400, "is not a snapshot id"),
                ("/console/tenants/\(other)/diff?from=\(snapshot)&to=\(snapshot)", 404, "has no snapshot"),
                ("/console/tenants/\(tenant)/diff?from=\(snapshot)&to=\(snapshot)&who=2", 400, "who must be 1"),
                ("/console/tenants/\(tenant)/diff?from=\(snapshot)&to=live", 503, "cannot read the live tenant"),
                ("/console/tenants/\(tenant)/diff?from=\(snapshot)&to=\(snapshot)&who=1", 503, "directory audit log"),
            ]
            for (path, status, message) in cases {
                let response = try await browser.get(path)
                #expect(response.status == status, "\(path): \(response.status) \(response.text.prefix(300))")
                #expect(response.text.contains(message), "\(path): \(response.text.prefix(600))")
            }
            // Nothing above changed the vault.
            #expect(try await fixture.fleet.vault.snapshots(tenantID: fixture.tenantB).map(\.id) == [snapshot])
        }
    }

    @Test func operatorsPlaceAndReleaseLegalHoldsOthersCannot() async throws {
        try await ConsoleFixture.run { fixture in
            let tenant = fixture.tenantB.uuidString.lowercased()
            let snapshot = fixture.fleet.snapshotB
            let vault = fixture.fleet.vault
            let policies = fixture.console.services.policies
            let browser = try await fixture.signedIn(.operatorUser)
            let snapshotPath = "/console/tenants/\(tenant)/snapshots/\(snapshot)"
            let page = try await browser.get(snapshotPath)
            #expect(page.text.contains("Place under legal hold"))
            let token = try #require(ConsoleBrowser.formToken(in: page.text))

            // Bad reasons change nothing.
            for reason in ["", "   ", "line one\nline two", String(repeating: "r", count: 501)] {
                let refused = try await browser.post(snapshotPath + "/hold", [("form_token", token), ("reason", reason)])
                #expect(refused.status == 400 && refused.text.contains("nothing was changed"), "\(reason.prefix(20)): \(refused.status)")
            }
            #expect(try await vault.legalHold(snapshotID: snapshot).held == false)

            // A snapshot hold, shown and audited, then released.
            let held = try await browser.post(snapshotPath + "/hold", [("form_token", token), ("reason", "  Case 2026-114 <b>  ")])
            #expect(held.status == 303 && held.header("Location") == snapshotPath + "?done=hold")
            #expect(try await vault.legalHold(snapshotID: snapshot) == (true, "Case 2026-114 <b>"))
            let shown = try await browser.get(snapshotPath + "?done=hold")
            #expect(shown.text.contains("<strong>held</strong>: Case 2026-114 &lt;b&gt;") && shown.text.contains("The legal hold is in place"))
            #expect(shown.text.contains("Release the legal hold"))
            let audit = try #require(try await fixture.audit("snapshot.legal_hold").first)
            #expect(audit.actor == "console:olive" && audit.details["snapshot_id"] == String(snapshot) && audit.tenantID == fixture.tenantB)
            #expect(try await browser.post(snapshotPath + "/release", [("form_token", token)]).status == 303)
            #expect(try await vault.legalHold(snapshotID: snapshot).held == false)
            #expect(try await fixture.audit("snapshot.legal_hold_release").first?.actor == "console:olive")

            // A tenant hold from the tenant page.
            let tenantPath = "/console/tenants/\(tenant)"
            #expect(try await browser.post(tenantPath + "/hold", [("form_token", token), ("reason", "Litigation hold LH-7")]).status == 303)
            #expect(try await policies.legalHold(tenantID: fixture.tenantB) == (true, "Litigation hold LH-7"))
            let tenantPage = try await browser.get(tenantPath + "?done=hold")
            #expect(tenantPage.text.contains("<strong>held</strong>: Litigation hold LH-7") && tenantPage.text.contains("Release the legal hold"))
            #expect(try await fixture.audit("tenant.legal_hold").first?.actor == "console:olive")

            // Another tenant's snapshot through this tenant's path, and a forged post: refused, nothing changed.
            let other = fixture.tenantA.uuidString.lowercased()
            #expect(try await browser.post("/console/tenants/\(other)/snapshots/\(snapshot)/hold", [("form_token", token), ("reason", "x")]).status == 404)
            #expect(try await browser.post(snapshotPath + "/hold", [("form_token", "forged"), ("reason", "x")]).status == 403)
            #expect(try await vault.legalHold(snapshotID: snapshot).held == false)

            // Read-only and partner users see the state, get no form, and are refused (audited).
            for role in [ConsoleFixture.Role.readOnly, .partnerB] {
                let viewer = try await fixture.signedIn(role)
                let view = try await viewer.get(tenantPath)
                #expect(view.text.contains("<strong>held</strong>") && !view.text.contains("Release the legal hold"), "\(role)")
                let viewerToken = try #require(ConsoleBrowser.formToken(in: view.text))
                let refusedBefore = try await fixture.audit("console.request.refused").count
                let refused = try await viewer.post(tenantPath + "/release", [("form_token", viewerToken)])
                #expect(refused.status == 403, "\(role): \(refused.status)")
                #expect(try await fixture.audit("console.request.refused").count == refusedBefore + 1)
            }
            #expect(try await policies.legalHold(tenantID: fixture.tenantB).held)
        }
    }
}
