import Foundation
import HoldfastTesting
import Queue
import Testing
@testable import Console

/// The workers and queue page: workers with slots used and liveness, the leader's lease, the queue
/// per kind from bounded counts; staff only.
@Suite struct ConsoleWorkersPageTests {
    @Test func staffSeeWorkersLeaderAndQueueAndPartnersAreRefused() async throws {
        try await ConsoleFixture.run { fixture in
            let logger = TestLogger.make(label: "console-workers")
            let registry = WorkerRegistry(client: fixture.client, logger: logger)
            let alive = UUID(), lost = UUID(), stopped = UUID()
            try await registry.register(id: alive, version: "9.8.7<b>", concurrency: 4, kinds: [.backup, .retention])
            try await registry.register(id: lost, version: "9.8.6", concurrency: 2, kinds: [.backup])
            try await registry.register(id: stopped, version: "9.0.0-stopped", concurrency: 1, kinds: [.backup])
            try await registry.stopped(id: stopped)
            let claimed = try await JobClaimer(client: fixture.client, logger: logger).claim(workerID: alive, limit: 1, lease: .seconds(60), kinds: [.backup])
            #expect(claimed.count == 1)
            #expect(try await LeaderElector(client: fixture.client, candidateID: UUID(), ttl: .seconds(30), logger: logger).acquireOrRenew())

            for role in [ConsoleFixture.Role.operatorUser, .readOnly] {
                let browser = try await fixture.signedIn(role)
                // Heartbeats and the lease by the page's clock (the fixture's clock, which signing in moves, is not the database's).
                let now = fixture.clock.now
                try await fixture.client.query("UPDATE workers SET last_seen_at = \(now.addingTimeInterval(-5)) WHERE id = \(alive)")
                try await fixture.client.query("UPDATE workers SET last_seen_at = \(now.addingTimeInterval(-600)) WHERE id = \(lost)")
                try await fixture.client.query("""
                    UPDATE leader_leases SET elected_at = \(now.addingTimeInterval(-3600)), expires_at = \(now.addingTimeInterval(25))
                    """)
                #expect(try await browser.get("/console").text.contains("<a href=\"/console/workers\">Workers</a>"), "\(role) nav")
                let page = try await browser.get("/console/workers")
                #expect(page.status == 200, "\(role): \(page.status)")
                let text = page.text
                // Alive with one of four slots used; markup in a version is text.
                #expect(text.contains("9.8.7&lt;b&gt;") && !text.contains("9.8.7<b>"))
                #expect(text.contains("<td>1 of 4</td>") && text.contains("<td>0 of 2</td>"), "\(text)")
                #expect(text.contains(#"<span class="worker-state alive">alive</span>"#) && text.contains(#"<span class="worker-state lost">lost</span>"#))
                #expect(!text.contains("9.0.0-stopped"))
                #expect(text.contains("expires in 25 s") && text.contains("(pid "))
                // Per kind: backup one waiting (B's) and one running (A's), retention one waiting.
                #expect(text.contains(#"<a href="/console/jobs?kind=backup&amp;state=available">1</a>"#))
                #expect(text.contains(#"<a href="/console/jobs?kind=backup&amp;state=running">1</a>"#))
                #expect(text.contains(#"<a href="/console/jobs?kind=retention&amp;state=available">1</a>"#))
                #expect(text.contains(#"<a href="/console/jobs?kind=restore&amp;state=available">0</a>"#))
                let all = try await browser.get("/console/workers?stopped=true")
                #expect(all.status == 200 && all.text.contains("9.0.0-stopped") && all.text.contains("Hide stopped workers"))
                for bad in ["/console/workers?stopped=%3Cscript%3E", "/console/workers?stopped=true&stopped=false",
                            "/console/workers?stopped=" + String(repeating: "t", count: 5000)] {
                    let refused = try await browser.get(bad)
                    #expect(refused.status == 400 && !refused.text.contains("<script>"), "\(bad.prefix(60)): \(refused.status)")
                }
            }
            for role in [ConsoleFixture.Role.partnerA, .partnerB] {
                let browser = try await fixture.signedIn(role)
                #expect(!(try await browser.get("/console").text.contains("/console/workers")), "\(role) nav")
                let before = try await fixture.audit("console.request.refused").count
                let refused = try await browser.get("/console/workers?stopped=true")
                #expect(refused.status == 403 && refused.text.contains("is for the MSP"), "\(role): \(refused.status)")
                #expect(!refused.text.contains("9.8.7") && !refused.text.contains("expires in"))
                #expect(try await fixture.audit("console.request.refused").count == before + 1)
            }
        }
    }

    /// The per-kind counts stop at the cap; the oldest wait comes from the gauges' query.
    @Test func queueByKindCountsAreBounded() async throws {
        try await ConsoleFixture.run { fixture in
            let jobs = JobAdministrator(client: fixture.client, logger: TestLogger.make(label: "console-workers"))
            let capped = try await jobs.queueByKind(kinds: [.backup, .restore], cap: 1)
            #expect(capped.map(\.kind) == [.backup, .restore, .retention])
            #expect(capped.map(\.waiting) == [1, 0, 1])
            let full = try await jobs.queueByKind(kinds: [.backup], cap: 1000)
            #expect(full.first { $0.kind == .backup }?.waiting == 2)
            #expect((full.first { $0.kind == .backup }?.oldestWaitSeconds ?? -1) >= 0)
            #expect(full.first { $0.kind == .restore } == nil)
        }
    }
}
