import Cryptography
import Foundation
import Graph
import GraphSim
import GraphSimTesting
import HoldfastTesting
import Jobs
import Postgres
import Queue
import Restore
import Tenancy
import Testing
import Vault

/// F1 (docs/security.md): a worker that is alive but late. Real `holdfast worker` processes back up
/// and restore a graph-sim tenant; the one holding the job is stopped (SIGSTOP) past its lease,
/// another takes the job over, and the first is continued (SIGCONT). It must write nothing more:
/// one snapshot, the same as an undisturbed backup; no object created twice in Graph.
struct FencingTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

@Suite("Fencing: a worker stopped past its lease", .serialized, .timeLimit(.minutes(15)))
struct FencingProcessTests {
    static var holdfast: String { ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path }

    /// Six-second leases: a stopped worker fences itself four seconds after its last renewal.
    static func workerArguments(_ harness: OnboardingHarness, kind: String) -> [String] {
        ["worker", "--database-url", harness.schema.connectionString, "--concurrency", "1", "--lease", "6", "--heartbeat", "1",
         "--poll", "0.2", "--kinds", kind, "--retry-base", "0.2", "--log-level", "info"]
    }

    static func environment(_ harness: OnboardingHarness, masterKey: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOLDFAST_MASTER_KEY"] = masterKey
        environment["HOLDFAST_MASTER_KEY_FILE"] = nil
        environment["HOLDFAST_GRAPH_BASE_URL"] = harness.baseURL + "/v1.0"
        environment["HOLDFAST_LOGIN_BASE_URL"] = harness.baseURL
        // The blobs in the schema's table, as the test's own vault reads them.
        environment["HOLDFAST_BLOB_DIR"] = nil
        environment["HOLDFAST_S3_BUCKET"] = nil
        return environment
    }

    /// Onboards `contoso` with an app that may also write (restores).
    static func onboard(_ harness: OnboardingHarness) async throws -> UUID {
        let app = try harness.simulator.registerApplication(tenant: "contoso", displayName: "Holdfast",
                                                            permissions: ResourceCatalogue.requiredPermissions + RestorePermissions.writes)
        let secret = try harness.simulator.addClientSecret(clientId: app.clientId)
        return try await harness.onboarding.add(TenantOnboarding.Request(
            directory: "contoso.onmicrosoft.com", displayName: "Contoso",
            credential: OnboardingHarness.secret(secret.value, clientID: app.clientId)), actor: "test").tenant.id
    }

    static func vault(_ harness: OnboardingHarness) -> Vault {
        let keys = TenancyVaultKeyProvider(client: harness.schema.client, dataKeys: TenantDataKeyStore(keyRing: harness.keyRing))
        return Vault(client: harness.schema.client, blobStore: PostgresBlobStore(client: harness.schema.client), keyProvider: keys,
                     logger: harness.logger)
    }

    /// graph-sim and a schema under a master key the worker processes are given too, with
    /// `contoso` onboarded and backed up once (in this process).
    static func withBackedUpTenant(
        _ body: (OnboardingHarness, _ masterKey: String, UUID, Vault, GraphSession, SnapshotSummary) async throws -> Void
    ) async throws {
        let masterKey = Data(SecureRandom.bytes(32)).base64EncodedString()
        try await OnboardingHarness.run(masterKey: masterKey) { harness in
            let tenantID = try await Self.onboard(harness)
            let vault = Self.vault(harness)
            let session = try await TenancyGraphSessionProvider(client: harness.graph, credentials: harness.onboarding.credentials)
                .session(tenantID: tenantID, logger: harness.logger)
            let snapshot = try await BackupRun(vault: vault, session: session, tenantID: tenantID, jobID: 1_000_000, claim: nil,
                                               logger: harness.logger).run()
            try await body(harness, masterKey, tenantID, vault, session, snapshot)
        }
    }

    /// Polls until `condition` holds. Not a timing assertion: a hang detector, far above what any
    /// step takes on a starved machine, that says which step hung and what the workers printed
    /// (the suite's time limit alone would say neither).
    static func until(_ what: String, diagnostics: @autoclosure () -> String = "", _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        while !(try await condition()) {
            guard ContinuousClock.now < deadline else {
                throw FencingTestError(message: "gave up waiting until \(what) (300 s)\n\(diagnostics())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func outputs(_ first: SpawnedProcess, _ second: SpawnedProcess?) -> String {
        "first worker:\n\(first.output.suffix(4000))\nsecond worker:\n\(second?.output.suffix(4000) ?? "not started")"
    }

    static func job(_ id: Int64, _ client: PostgresClient) async throws -> (state: String, attempt: Int, progress: String?) {
        let row = try #require(try await client.query("SELECT state, attempt, progress::text AS p FROM jobs WHERE id = \(id)").first)
        return (try row.decode(String.self, "state"), try row.decode(Int.self, "attempt"), try row.decode(String?.self, "p"))
    }

    /// Stops `first` once `ready` says its handler is mid-way, lets the rescuer hand the job to a
    /// second worker, continues `first` while the second is at work, and waits for the job to end.
    static func stopTakeOverContinue(_ harness: OnboardingHarness, jobID: Int64, arguments: [String], environment: [String: String],
                                     first: SpawnedProcess, ready: () async throws -> Bool) async throws -> SpawnedProcess {
        let client = harness.schema.client
        try await until("the first worker is mid-way", diagnostics: Self.outputs(first, nil)) {
            let job = try await Self.job(jobID, client)
            guard job.state == "running" || job.state == "available" else {
                throw FencingTestError(message: "job \(jobID) is \(job.state) (attempt \(job.attempt)) before the first worker could be stopped; progress \(job.progress ?? "none"); worker output:\n\(first.output.suffix(3000))")
            }
            return try await ready()
        }
        first.signal(SIGSTOP)
        // The rescuer (the coordinator's leader task, run here) returns the job once its lease expired.
        let rescuer = JobRescuer(client: client, logger: harness.logger)
        try await until("the lease expired and the job was rescued", diagnostics: Self.outputs(first, nil)) { try await rescuer.runOnce() == 1 }
        let second = try ProcessRunner.spawn(Self.holdfast, arguments, environment: environment)
        try await until("the second worker holds attempt 2", diagnostics: Self.outputs(first, second)) {
            let job = try await Self.job(jobID, client)
            return job.attempt == 2 && job.state == "running"
        }
        first.signal(SIGCONT)
        try await until("the first worker fenced itself", diagnostics: Self.outputs(first, second)) {
            first.output.contains("lease not renewed in time") || first.output.contains("its lease was lost")
        }
        try await until("the job ended", diagnostics: Self.outputs(first, second)) {
            let job = try await Self.job(jobID, client)
            if job.state == "retryable" || job.state == "available" { _ = try await rescuer.runOnce() }
            return ["completed", "discarded", "cancelled"].contains(job.state)
        }
        return second
    }

    @Test func aBackupWorkerStoppedPastItsLeaseCommitsNothingAndTheSnapshotMatchesAnUndisturbedOne() async throws {
        try await Self.withBackedUpTenant { harness, masterKey, tenantID, vault, session, _ in
            let client = harness.schema.client
            // The tenant has a snapshot, so the queued backup stages (the path that attempts used to share).
            _ = try harness.simulator.apply(.changeAttribute(type: "user", count: 5, property: "jobTitle", value: .string("Moved")), tenant: "contoso")
            // Slow enough that the worker can be stopped in the middle.
            try harness.simulator.setFaults(FaultProfile(addedLatency: 0.25), tenant: "contoso")

            let arguments = Self.workerArguments(harness, kind: "backup")
            let environment = Self.environment(harness, masterKey: masterKey)
            let first = try ProcessRunner.spawn(Self.holdfast, arguments, environment: environment)
            defer { first.signal(SIGCONT); first.signal(SIGKILL) }
            let job = try await JobEnqueuer(client: client, logger: harness.logger, checks: .unchecked).enqueue(EnqueueRequest(
                kind: .backup, tenantID: tenantID, arguments: #"{"full":true}"#, maxAttempts: 5)).job
            let second = try await Self.stopTakeOverContinue(harness, jobID: job.id, arguments: arguments, environment: environment,
                                                             first: first) {
                // Its first progress report: the snapshot begun, its reading under way.
                try await Self.job(job.id, client).progress != nil
            }
            defer { second.signal(SIGKILL) }
            let ended = try await Self.job(job.id, client)
            #expect(ended.state == "completed" && ended.attempt == 2, "worker output:\n\(second.output)")

            // One snapshot for the job, committed by attempt 2, whole and verifiable.
            let snapshots = try await vault.snapshots(tenantID: tenantID).filter { $0.jobID == job.id }
            try #require(snapshots.count == 1)
            let disturbed = snapshots[0]
            #expect(disturbed.status == .complete)
            #expect(try await vault.verify(snapshotID: disturbed.id).passed)
            #expect(!first.output.contains("snapshot committed"), "the stopped worker committed:\n\(first.output)")
            #expect(!first.output.contains("job completed"))

            // The same as an undisturbed backup of the same tenant: a full one finds nothing changed.
            try harness.simulator.setFaults(nil, tenant: "contoso")
            let undisturbed = try await BackupRun(vault: vault, session: session, tenantID: tenantID, jobID: 1_000_001, claim: nil,
                                                  forceFull: true, logger: harness.logger).run()
            #expect(undisturbed.changedCount == 0, "objects differ from an undisturbed backup")
            #expect(undisturbed.objectCount == disturbed.objectCount && undisturbed.rootHash == disturbed.rootHash)

            // Whatever attempt 1 staged after it lost the job never reached a commit, and goes with its attempt.
            first.signal(SIGKILL)
            _ = await first.wait()
            _ = try await BlobGarbageCollector(client: client, blobStore: vault.blobStore, attempts: JobAttempts(), logger: harness.logger)
                .collect(tenantID: tenantID)
            #expect(try await client.query("SELECT count(*)::int AS n FROM snapshot_staging").first?.decode(Int.self, "n") == 0)
            #expect(try await vault.verify(snapshotID: disturbed.id).passed)
        }
    }

    @Test func aRestoreWorkerStoppedPastItsLeaseSendsNothingMoreAndNothingIsCreatedTwice() async throws {
        try await Self.withBackedUpTenant { harness, masterKey, tenantID, vault, session, snapshot in
            let client = harness.schema.client
            // Conditional access policies purged: recreated one at a time (Graph allows one write a
            // second), so the worker can be stopped between two creates.
            let deleted = try harness.simulator.apply(.deleteConditionalAccessPolicies(count: 3), tenant: "contoso")
            _ = try harness.simulator.apply(.purgeDeletedItems(types: ["conditionalAccessPolicy"]), tenant: "contoso")
            let store = RestoreStore(vault: vault)
            let plan = try await RestorePlanner(vault: vault, store: store, logger: harness.logger).plan(
                snapshotID: snapshot.id, targetTenantID: tenantID, target: session,
                scope: RestoreScope(types: ["conditionalAccessPolicy"]), actor: "test")
            let creates = plan.steps.filter { $0.action == .create && $0.type == "conditionalAccessPolicy" }
            try #require(creates.count == 3)
            let names = Set(creates.compactMap { $0.after?["displayName"]?.stringValue })
            let log = try #require(harness.simulator.tenant(named: "contoso")).requestLog
            let logStart = log.totalCount

            let arguments = Self.workerArguments(harness, kind: "restore")
            let environment = Self.environment(harness, masterKey: masterKey)
            let first = try ProcessRunner.spawn(Self.holdfast, arguments, environment: environment)
            defer { first.signal(SIGCONT); first.signal(SIGKILL) }
            let job = try await JobEnqueuer(client: client, logger: harness.logger, checks: .unchecked).enqueue(EnqueueRequest(
                kind: .restore, tenantID: tenantID,
                arguments: #"{"planId":"\#(plan.id.uuidString.lowercased())","confirmLockout":true,"confirmBlastRadius":true}"#,
                maxAttempts: 5)).job
            let second = try await Self.stopTakeOverContinue(harness, jobID: job.id, arguments: arguments, environment: environment,
                                                             first: first) {
                try await client.query("""
                    SELECT count(*)::int AS n FROM restore_steps WHERE plan_id = \(plan.id) AND status = 'done'
                      AND type = 'conditionalAccessPolicy'
                    """).first?.decode(Int.self, "n") ?? 0 >= 1
            }
            defer { second.signal(SIGKILL) }
            #expect(try await Self.job(job.id, client).state == "completed", "worker output:\n\(second.output)")
            let applied = try await store.plan(id: plan.id)
            #expect(applied.status == .applied)

            // Each purged policy exists once, created by exactly one successful request.
            let policies = try CanonicalJSON.parse(try await session.send(.get("/identity/conditionalAccess/policies")).body)
            let live = (policies["value"]?.arrayValue ?? []).compactMap { $0["displayName"]?.stringValue }
            for name in names {
                #expect(live.filter { $0 == name }.count == 1, "policy '\(name)' exists \(live.filter { $0 == name }.count) times")
            }
            let posts = log.records(after: logStart).filter {
                $0.method == "POST" && $0.path.hasPrefix("/identity/conditionalAccess/policies") && (200..<300).contains($0.status)
            }
            #expect(posts.count == deleted.affectedIds.count, "\(posts.count) policies created for \(deleted.affectedIds.count) purged")
        }
    }
}
