import Foundation
import Graph
import GraphSim
import GraphSimTesting
import HoldfastTesting
import Jobs
import Postgres
import Testing
import Vault

/// Stored delta links are the next backup's first URLs: a database writer must not be able to
/// choose where the tenant's token goes, nor to make a backup skip changes (review F2, F7).
@Suite("Delta links stored in the database", .serialized)
struct DeltaLinkTrustTests {
    func rewriteLinks(_ harness: BackupHarness, snapshot: SnapshotSummary, to link: String) async throws {
        let links = snapshot.deltaLinks.mapValues { _ in link }
        let json = String(decoding: try JSONEncoder().encode(links), as: UTF8.self)
        try await harness.schema.client.query("UPDATE snapshots SET delta_links = \(json)::jsonb WHERE id = \(snapshot.id)")
    }

    /// Requests of the second backup that resumed from a delta token (none after a full read).
    func resumedRounds(_ harness: BackupHarness, after sequence: Int) -> [String] {
        harness.fixture.tenant.requestLog.records().filter { $0.sequence > sequence && $0.path.contains("$deltatoken=") }.map(\.path)
    }

    @Test func linksRewrittenToAnotherHostReceiveNoRequestAndTheBackupReadsInFull() async throws {
        try await StubUpstream.withRunning(respond: { _ in .json(#"{"value":[]}"#) }) { foreign in
            try await BackupHarness.run { harness in
                let first = try await harness.backup(jobID: 1)
                #expect(!first.deltaLinks.isEmpty)
                try await self.rewriteLinks(harness, snapshot: first, to: foreign.baseURL + "/v1.0/users/delta?$deltatoken=steal")
                let before = harness.fixture.tenant.requestLog.records().last?.sequence ?? 0
                _ = try harness.simulator.apply(.deleteUsers(count: 1), tenant: "contoso")
                let second = try await harness.backup(jobID: 2)
                #expect(second.status == .complete)
                #expect(self.resumedRounds(harness, after: before).isEmpty)
                #expect(second.deltaLinks.values.allSatisfy { $0.hasPrefix(harness.fixture.baseURL + "/v1.0/") })
                #expect(try await harness.vault.trustedDeltaLinks(of: second) == second.deltaLinks)
            }
            #expect(foreign.requests.isEmpty, "the foreign listener received \(foreign.requests.map(\.target))")
        }
    }

    @Test func aLinkRewrittenOnGraphItselfIsNotTrusted() async throws {
        try await BackupHarness.run { harness in
            let first = try await harness.backup(jobID: 1)
            // `latest` would skip every change since: a deleted user would stay in the snapshot.
            try await self.rewriteLinks(harness, snapshot: first, to: harness.fixture.baseURL + "/v1.0/users/delta?$deltatoken=latest")
            let tampered = try await harness.vault.snapshot(id: first.id)
            #expect(try await harness.vault.trustedDeltaLinks(of: tampered).isEmpty)
            let deleted = try harness.simulator.apply(.deleteUsers(count: 1), tenant: "contoso")
            let second = try await harness.backup(jobID: 2)
            let users = try await harness.storedObjects("user", in: second)
            #expect(!users.isEmpty)
            for id in deleted.affectedIds { #expect(users[id] == nil, "deleted user \(id) is still in the snapshot") }
        }
    }

    @Test func linksWithoutATagFromBeforeTheMigrationAreReadInFull() async throws {
        try await BackupHarness.run { harness in
            let first = try await harness.backup(jobID: 1)
            #expect(try await harness.vault.trustedDeltaLinks(of: first) == first.deltaLinks)
            try await harness.schema.client.query("UPDATE snapshots SET delta_links_mac = NULL WHERE id = \(first.id)")
            let untagged = try await harness.vault.snapshot(id: first.id)
            #expect(try await harness.vault.trustedDeltaLinks(of: untagged).isEmpty)
            let before = harness.fixture.tenant.requestLog.records().last?.sequence ?? 0
            let second = try await harness.backup(jobID: 2)
            #expect(second.status == .complete)
            #expect(self.resumedRounds(harness, after: before).isEmpty)
        }
    }
}
