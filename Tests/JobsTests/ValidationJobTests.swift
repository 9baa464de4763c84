import Foundation
import Graph
import HoldfastTesting
import Jobs
import Logging
import Postgres
import Queue
import ServiceLifecycle
import Tenancy
import Testing
import Vault
import Worker

/// A restore drill that reports what it is told to, and remembers what it drilled.
struct ScriptedDrill: RestoreDrilling {
    var differences: [String] = []

    func drill(tenantID: UUID, snapshotID: Int64, job: JobContext?, logger: Logger) async throws -> RestoreDrillOutcome {
        RestoreDrillOutcome(scratchTenant: "scratch-\(snapshotID)", restoreSeconds: 2.5, objectsRestored: 12, differences: differences)
    }
}

@Suite("Validation job")
struct ValidationJobTests {
    static func failures(_ result: ValidationResult, _ check: String) -> [String] { result.check(check)?.failures ?? [] }

    @Test func aFreshBackupPassesAndTamperingAMissingTypeAndADanglingReferenceAreEachNamed() async throws {
        try await BackupHarness.run { harness in
            let client = harness.schema.client
            let snapshot = try await harness.backup(jobID: 1)
            let run = ValidationRun(vault: harness.vault, live: GraphLiveTenant(session: harness.session), drill: ScriptedDrill(),
                                    logger: harness.logger)
            let clean = try await run.run(snapshot: snapshot, jobID: nil)
            for check in clean.checks { #expect(check.status == .passed, "\(check.name): \(check.summary) \(check.failures)") }
            #expect(clean.restoreSeconds == 2.5)

            // A member whose user goes missing from the map: a dangling reference.
            let membership = try #require(try await client.query("""
                SELECT m.object_id FROM object_versions m JOIN object_versions u
                  ON u.tenant_id = m.tenant_id AND u.type = 'user' AND u.object_id = split_part(m.object_id, '/', 2)
                WHERE m.tenant_id = \(harness.tenantID) AND m.type = 'group.members' ORDER BY m.object_id LIMIT 1
                """).first?.decode(String.self, "object_id"))
            let danglingUser = String(membership.split(separator: "/")[1])
            try await client.query("DELETE FROM object_versions WHERE tenant_id = \(harness.tenantID) AND type = 'user' AND object_id = \(danglingUser)")
            // A whole type gone without a recorded reason.
            let missingType = try #require(try await client.query("""
                SELECT type FROM object_versions WHERE tenant_id = \(harness.tenantID)
                  AND type = ANY (ARRAY['device', 'application', 'administrativeUnit', 'namedLocation'])
                GROUP BY type ORDER BY type LIMIT 1
                """).first?.decode(String.self, "type"))
            try await client.query("DELETE FROM object_versions WHERE tenant_id = \(harness.tenantID) AND type = \(missingType)")
            // One byte of another user's sealed blob changed.
            let tampered = try #require(try await client.query("""
                SELECT object_id, encode(blob_id, 'hex') AS blob FROM object_versions
                WHERE tenant_id = \(harness.tenantID) AND type = 'user' ORDER BY object_id LIMIT 1
                """).first)
            let tamperedUser = try tampered.decode(String.self, "object_id")
            try await client.query("""
                UPDATE vault_blobs SET body = set_byte(body, length(body) - 1, (get_byte(body, length(body) - 1) + 1) % 256)
                WHERE tenant_id = \(harness.tenantID) AND blob_id = decode(\(try tampered.decode(String.self, "blob")), 'hex')
                """)

            let broken = try await ValidationRun(vault: harness.vault, live: GraphLiveTenant(session: harness.session),
                                                 drill: ScriptedDrill(differences: ["user/x: displayName differs"]), logger: harness.logger)
                .run(snapshot: snapshot, jobID: nil)
            #expect(!broken.passed)
            #expect(Set(broken.failedChecks) == [ValidationCheck.integrity, ValidationCheck.completeness, ValidationCheck.references,
                                                 ValidationCheck.restoreDrill])
            #expect(Self.failures(broken, ValidationCheck.integrity).contains("user/\(tamperedUser): tampered"))
            #expect(Self.failures(broken, ValidationCheck.integrity).contains { $0.hasPrefix("root hash") })
            #expect(Self.failures(broken, ValidationCheck.completeness).contains { $0.hasPrefix("\(missingType): missing from the snapshot without a recorded reason") })
            #expect(Self.failures(broken, ValidationCheck.references).contains { $0.hasPrefix("group.members/\(membership): id = \(danglingUser)") })
            #expect(Self.failures(broken, ValidationCheck.restoreDrill) == ["user/x: displayName differs"])

            // Stored as evidence, and read back with every failure named.
            let stored = try await ValidationStore(client: client).record(broken)
            let storedID = try #require(stored.id)
            let loaded = try #require(try await ValidationStore(client: client).validation(id: storedID))
            #expect(loaded.checks == broken.checks && !loaded.passed)
            #expect(try await client.query("SELECT failed_checks::text AS f FROM validations WHERE id = \(storedID)").first?
                .decode(String.self, "f") == "{integrity,completeness,references,restore_drill}")
        }
    }

    /// A user deleted in the tenant itself, still named by the admin consent policy's reviewers (a
    /// query path, `/users/{id}`) and by other objects: the tenant's own dangling reference, noted
    /// after a live lookup, not a failure of the backup.
    @Test func referencesTheTenantItselfLeavesDanglingAreNotedNotFailed() async throws {
        try await BackupHarness.run(grant: ["User.ReadWrite.All"]) { harness in
            let policy = try await harness.session.send(.get("/policies/adminConsentRequestPolicy")).json()
            let queries = (policy["reviewers"]?.arrayValue ?? []).compactMap { $0["query"]?.stringValue }
            let reviewer = try #require(queries.compactMap { query -> String? in
                let parts = query.split(separator: "/")
                return parts.count == 2 && parts[0] == "users" ? String(parts[1]) : nil
            }.first, "graph-sim seeds a user among the consent policy's reviewers: \(queries)")
            _ = try await harness.session.send(GraphRequest(method: "DELETE", path: "/users/\(reviewer)"))
            let snapshot = try await harness.backup(jobID: 1)
            let result = try await ValidationRun(vault: harness.vault, live: GraphLiveTenant(session: harness.session), drill: nil,
                                                 logger: harness.logger).run(snapshot: snapshot, jobID: nil)
            let references = try #require(result.check(ValidationCheck.references))
            #expect(references.status == .passed, "\(references.failures)")
            #expect(references.notes.contains { $0.hasPrefix("adminConsentRequestPolicy/") && $0.contains("/users/\(reviewer) dangles in the live tenant too") },
                    "\(references.notes)")
        }
    }

    @Test func typesMissingWithARecordedReasonPassCompleteness() async throws {
        try await BackupHarness.run(withhold: ["OnPremDirectorySynchronization.Read.All"]) { harness in
            let snapshot = try await harness.backup(jobID: 1)
            #expect(snapshot.missingTypes.map(\.type) == ["onPremisesSynchronization"])
            let result = try await ValidationRun(vault: harness.vault, live: GraphLiveTenant(session: harness.session), drill: nil,
                                                 logger: harness.logger).run(snapshot: snapshot, jobID: nil)
            let completeness = try #require(result.check(ValidationCheck.completeness))
            #expect(completeness.status == .passed, "\(completeness.failures)")
            #expect(completeness.notes.contains { $0.hasPrefix("onPremisesSynchronization missing with a recorded reason") })
            let drill = try #require(result.check(ValidationCheck.restoreDrill))
            #expect(drill.status == .skipped && drill.summary == "no restore drill configured")
        }
    }

    @Test func workerRunsRetentionAndValidationJobs() async throws {
        try await BackupHarness.run { harness in
            let client = harness.schema.client
            let first = try await harness.backup(jobID: 1)
            let second = try await harness.backup(jobID: 2)
            let policies = PolicyStore(client: client, logger: harness.logger)
            var settings = PolicySettings()
            settings.retention = RetentionRules(last: 1)
            _ = try await policies.create(name: "one", settings: settings, actor: "test")
            _ = try await policies.assign(policyName: "one", tenantID: harness.tenantID, actor: "test")
            let sessions = FixedSessionProvider(session: harness.session)
            let handlers = HandlerRegistry([
                RetentionJobHandler(vault: harness.vault, policies: policies),
                ValidationJobHandler(vault: harness.vault, sessions: sessions, drill: nil),
            ])
            let worker = WorkerService(client: client, handlers: handlers,
                                       configuration: WorkerConfiguration(concurrency: 1, pollInterval: .milliseconds(100)), logger: harness.logger)
            let group = ServiceGroup(services: [worker], logger: harness.logger)
            let enqueuer = JobEnqueuer(client: client, logger: harness.logger, checks: .unchecked)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                defer { tasks.cancelAll() }
                let retention = try await enqueuer.enqueue(EnqueueRequest(kind: .retention, tenantID: harness.tenantID)).job
                try await client.waitForJob(retention.id, until: [.completed])
                let validation = try await enqueuer.enqueue(EnqueueRequest(kind: .validation, tenantID: harness.tenantID)).job
                try await client.waitForJob(validation.id, until: [.completed])
                await group.triggerGracefulShutdown()
            }
            // Retention kept the newest and deleted the other (both complete, out of any window).
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).map(\.id) == [second.id])
            #expect(try await client.query("SELECT jsonb_array_length(deleted) AS d FROM retention_runs").first?.decode(Int.self, "d") == 1)
            #expect(first.id != second.id)
            let validations = try await ValidationStore(client: client).validations(tenantID: harness.tenantID)
            let validation = try #require(validations.first)
            #expect(validations.count == 1 && validation.snapshotID == second.id && validation.jobID != nil)
            #expect(validation.passed, "\(validation.checks.filter { $0.status == .failed })")
            #expect(validation.check(ValidationCheck.restoreDrill)?.status == .skipped)
        }
    }
}
