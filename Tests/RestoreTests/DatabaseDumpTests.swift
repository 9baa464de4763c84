import Foundation
import GraphSim
import HoldfastTesting
import Logging
import Postgres
import Restore
import Testing
import Vault

/// What an attacker with a database dump but not the master key learns (review F8, F12): ids and
/// statuses, never directory content and never a recreated user's temporary password.
@Suite("Database dump")
struct DatabaseDumpTests {
    @Test func aDumpAfterBackupsAnAlertAndARestoreHoldsNoDirectoryContentAndNoTemporaryPassword() async throws {
        let capture = LogCapture()
        try await RestoreHarness.run(logger: capture.logger(label: "dump-test")) { harness in
            let contoso = try harness.tenantID("contoso")
            let session = try harness.session("contoso")
            // A value only one user's attribute holds, before and after a change.
            let marker = "hfmarker" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
            let changed = try harness.simulator.apply(.changeAttribute(type: "user", count: 1, property: "jobTitle", value: .string(marker + "before")),
                                                      tenant: "contoso")
            let userID = try #require(changed.affectedIds.first)
            try await WatchRuleStore(client: harness.schema.client).add(
                WatchRule(name: "any-user-change", tenantID: contoso, kind: .objectChanged, options: ["type": "user"]), actor: "test")
            _ = try await harness.backup("contoso")
            _ = try harness.simulator.apply(.changeAttribute(type: "user", count: 1, ids: [userID], property: "jobTitle",
                                                             value: .string(marker + "after")), tenant: "contoso")
            let second = try await harness.backup("contoso")
            let alerts = try await ChangeAlertEvaluator(vault: harness.vault, enqueueChecks: .unchecked, logger: harness.logger)
                .evaluate(snapshot: second)
            #expect(alerts.count == 1 && alerts.first?.changes.contains { $0.key == userID } == true)

            // The user is purged and comes back with a new temporary password.
            _ = try harness.simulator.apply(.hardDeleteUsers(count: 1, ids: [userID]), tenant: "contoso")
            let plan = try await harness.planner().plan(snapshotID: second.id, targetTenantID: contoso, target: session,
                                                        scope: RestoreScope(types: ["user"], ids: [userID]), actor: "test")
            let outcome = try await harness.executor().apply(planID: plan.id, target: session, actor: "test")
            #expect(outcome.plan.status == .applied, "\(outcome.failedSteps.map { $0.detail ?? "" })")
            let passwords = outcome.temporaryPasswords.map(\.password)
            #expect(passwords.count == 1)

            // Holdfast itself still reads what it sealed.
            let stored = try await harness.store.plan(id: plan.id)
            let created = try #require(stored.steps.first { $0.action == .create && $0.type == "user" })
            #expect(String(decoding: try #require(created.after).canonicalBytes(), as: UTF8.self).contains(marker + "after"))
            #expect(created.naturalKey?.isEmpty == false)

            let dump = try harness.schema.dataDump()
            #expect(dump.contains(userID), "the dump lacks the rows it should hold: \(dump.prefix(500))")
            let leaks = dump.split(separator: "\n").filter { $0.contains(marker) }
            #expect(leaks.isEmpty, "directory content in the dump:\n\(leaks.prefix(5).joined(separator: "\n"))")
            for password in passwords {
                #expect(!dump.contains(password), "a temporary password is in the dump")
            }
            #expect(!dump.contains("passwordProfile"))

            // Nor in any log line of the backups, the alert and the restore (Graph and SQL lines included).
            let lines = capture.records.map { "\($0.message) \($0.metadata)" }
            #expect(lines.count > 20)
            for password in passwords {
                #expect(!lines.contains { $0.contains(password) }, "a temporary password was logged")
            }
        }
    }
}
