import Foundation
import Graph
import GraphSim
import HoldfastTesting
import Jobs
import Postgres
import Queue
import ServiceLifecycle
import Tenancy
import Testing
import Vault
import Worker

/// Sign-in failures through the real worker and queue: the job is discarded after one attempt
/// (not retried forever) and the tenant says why; a missing permission still backs up the rest.
@Suite("Credential failures through the worker", .timeLimit(.minutes(10)))
struct CredentialFailureWorkerTests {
    enum Failure: String, CaseIterable, Sendable {
        case wrongSecret, expiredSecret, unknownTenant, missingPermission
    }

    @Test(arguments: Failure.allCases)
    func backupOfABrokenTenant(_ failure: Failure) async throws {
        try await OnboardingHarness.run { harness in
            let withhold: Set<String> = failure == .missingPermission ? ["UserAuthenticationMethod.Read.All"] : []
            let (app, secret) = try harness.registerApp(in: "contoso", withhold: withhold, validFor: 30 * 86_400)
            let registry = harness.onboarding.registry
            let tenantID: UUID
            switch failure {
            case .unknownTenant:
                // A directory id the token service does not know (a typo, a deleted tenant).
                let tenant = try await registry.addTenant(NewTenant(entraTenantID: UUID(), primaryDomain: "gone.example",
                                                                    displayName: "Gone"), actor: "t")
                try await harness.onboarding.credentials.store(OnboardingHarness.secret(secret.value, clientID: app.clientId),
                                                               tenantID: tenant.id, actor: "t")
                try await registry.setStatus(.active, reason: "test", tenantID: tenant.id, actor: "t")
                tenantID = tenant.id
            default:
                let outcome = try await harness.onboarding.add(TenantOnboarding.Request(
                    directory: "contoso.onmicrosoft.com", displayName: "Contoso",
                    credential: OnboardingHarness.secret(secret.value, clientID: app.clientId)), actor: "t")
                tenantID = outcome.tenant.id
            }
            switch failure {
            case .wrongSecret:
                try await harness.onboarding.replaceCredential(OnboardingHarness.secret("wrong-secret", clientID: app.clientId),
                                                               tenantID: tenantID, actor: "t")
            case .expiredSecret:
                harness.simulator.advanceClock(by: 31 * 86_400)
            case .unknownTenant, .missingPermission:
                break
            }

            let (state, attempt) = try await Self.runBackup(harness: harness, tenantID: tenantID)
            let tenant = try await registry.tenant(id: tenantID)
            switch failure {
            case .missingPermission:
                #expect(state == "completed")
                #expect(tenant.status == .onboarding)
                let vault = Self.vault(harness)
                let snapshot = try #require(try await vault.snapshots(tenantID: tenantID).first)
                #expect(snapshot.status == .partial)
                #expect(snapshot.missingTypes.map(\.type).contains("user.authenticationMethods"))
            case .wrongSecret, .expiredSecret, .unknownTenant:
                #expect(state == "discarded" && attempt == 1, "a credential failure must not be retried")
                #expect(tenant.status == .credentialsInvalid)
                let code = [Failure.wrongSecret: "AADSTS7000215", .expiredSecret: "AADSTS7000222", .unknownTenant: "AADSTS90002"][failure]!
                #expect(tenant.statusReason?.contains(code) == true, "reason: \(tenant.statusReason ?? "nil")")
                let errors = try await harness.schema.client.query("SELECT errors::text AS e FROM jobs").first?.decode(String.self, "e") ?? ""
                #expect(errors.contains("tenant credentials are invalid") && errors.contains(code))
            }
            // Nothing the worker logged holds the secret.
            #expect(harness.log.firstLeak(of: [secret.value]) == nil)
        }
    }

    static func vault(_ harness: OnboardingHarness) -> Vault {
        let keys = TenancyVaultKeyProvider(client: harness.schema.client, dataKeys: TenantDataKeyStore(keyRing: harness.keyRing))
        return Vault(client: harness.schema.client, blobStore: PostgresBlobStore(client: harness.schema.client), keyProvider: keys,
                     logger: harness.logger)
    }

    /// Enqueues a backup (five attempts allowed) and runs a worker until the job is finished or
    /// waits for a retry; returns its state and attempt.
    static func runBackup(harness: OnboardingHarness, tenantID: UUID) async throws -> (String, Int) {
        let client = harness.schema.client
        let handler = BackupJobHandler(vault: vault(harness),
                                       sessions: TenancyGraphSessionProvider(client: harness.graph, credentials: harness.onboarding.credentials),
                                       tenants: harness.onboarding.registry)
        let worker = WorkerService(client: client, handlers: HandlerRegistry([handler]),
                                   configuration: WorkerConfiguration(concurrency: 1, pollInterval: .milliseconds(100)),
                                   logger: harness.logger)
        let group = ServiceGroup(services: [worker], logger: harness.logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            let job = try await JobEnqueuer(client: client, logger: harness.logger, checks: .unchecked)
                .enqueue(EnqueueRequest(kind: .backup, tenantID: tenantID, maxAttempts: 5)).job
            // Settled: a retry would show as retryable.
            let settled = try await client.waitForJob(job.id, until: .settled)
            await group.triggerGracefulShutdown()
            return (settled.state.rawValue, settled.attempt)
        }
    }
}
