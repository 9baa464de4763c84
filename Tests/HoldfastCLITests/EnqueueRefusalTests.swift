import Foundation
@testable import HoldfastCLI
import HoldfastTesting
import Logging
import Postgres
import Queue
import Tenancy
import Testing

/// What every enqueue of Holdfast's (CLI, API, coordinator, workers) is checked against:
/// `EnqueueChecks.holdfast`. A bad argument of each kind, and a job for a tenant that may not
/// have one, is refused when it is enqueued, with the field or the reason.
@Suite("Enqueue refuses what a worker could not run")
struct EnqueueRefusalTests {
    private func refusal(_ request: EnqueueRequest, client: PostgresClient) async throws -> QueueError? {
        do {
            _ = try await JobEnqueuer(client: client, logger: TestLogger.make(), checks: .holdfast).enqueue(request)
            return nil
        } catch let error as QueueError {
            return error
        }
    }

    @Test("a bad argument of each job kind is refused, naming the field")
    func badArgumentOfEachKind() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let tenant = try await TenantRegistry(client: schema.client, logger: TestLogger.make())
                .addTenant(NewTenant(entraTenantID: UUID(), primaryDomain: "contoso.onmicrosoft.com", displayName: "Contoso"), actor: "test")
            _ = try await TenantRegistry(client: schema.client, logger: TestLogger.make())
                .setStatus(.active, reason: "test", tenantID: tenant.id, actor: "test")
            let bad: [(JobKind, UUID?, String, String)] = [
                (.backup, tenant.id, #"{"full": "yes"}"#, "'full' must be true or false"),
                (.backup, tenant.id, #"{"fulll": true}"#, "unknown field 'fulll'"),
                (.validation, tenant.id, #"{"snapshot_id": 0}"#, "argument 'snapshot_id'"),
                (.validation, tenant.id, #"{"snapshot_id": "latest"}"#, "'snapshot_id' must be an integer"),
                (.retention, tenant.id, #"{"keep": 3}"#, "unknown field 'keep'"),
                (.restore, tenant.id, #"{"planId": "not-a-plan"}"#, "'planId' is invalid"),
                (.restore, tenant.id, #"{}"#, "'planId' is required"),
                (.diagnostic, nil, #"{"fail": "sometimes"}"#, "argument 'fail'"),
                (.diagnostic, nil, #"{"sleep_ms": -1}"#, "argument 'sleep_ms'"),
                ("webhook", nil, #"{"event": "", "payload": {}}"#, "argument 'event'"),
                ("webhook", nil, #"{"event": "x", "payload": [1]}"#, "'payload' must be"),
                ("webhook", nil, #"{"event": "x", "tenant_id": "nobody"}"#, "'tenant_id' is invalid"),
            ]
            for (kind, tenantID, arguments, text) in bad {
                let error = try await refusal(EnqueueRequest(kind: kind, tenantID: tenantID, arguments: arguments), client: schema.client)
                #expect(error?.code == .invalidArguments, "\(kind) \(arguments): \(String(describing: error))")
                #expect(error?.message.contains(text) == true, "\(kind) \(arguments): \(error?.message ?? "accepted"), expected \(text)")
            }
            let unknown = try await refusal(EnqueueRequest(kind: "backups", tenantID: tenant.id), client: schema.client)
            #expect(unknown?.code == .unknownKind)
            let missingTenant = try await refusal(EnqueueRequest(kind: .backup), client: schema.client)
            #expect(missingTenant?.code == .invalidRequest && missingTenant?.message.contains("needs a tenant") == true)
            #expect(try await schema.client.query("SELECT count(*)::int8 AS n FROM jobs").first?.decode(Int64.self, "n") == 0)
        }
    }

    @Test("a job for an unknown, suspended or offboarded tenant is refused with the reason; retention still runs for them")
    func tenantAdmission() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let registry = TenantRegistry(client: schema.client, logger: TestLogger.make())
            func tenant(_ status: TenantStatus) async throws -> UUID {
                let id = try await registry.addTenant(NewTenant(entraTenantID: UUID(), primaryDomain: "\(status).onmicrosoft.com",
                                                                displayName: status.rawValue), actor: "test").id
                _ = try await registry.setStatus(status, reason: "test", tenantID: id, actor: "test")
                return id
            }
            let active = try await tenant(.active), suspended = try await tenant(.suspended), offboarded = try await tenant(.offboarded)
            let nobody = UUID()
            let unknown = try await refusal(EnqueueRequest(kind: .backup, tenantID: nobody), client: schema.client)
            #expect(unknown?.code == .tenantNotAdmitted && unknown?.message.contains("no tenant has id \(nobody.uuidString.lowercased())") == true)
            for (id, status) in [(suspended, "suspended"), (offboarded, "offboarded")] {
                for kind in [JobKind.backup, .validation] {
                    let error = try await refusal(EnqueueRequest(kind: kind, tenantID: id), client: schema.client)
                    #expect(error?.code == .tenantNotAdmitted && error?.message.contains("is \(status)") == true, "\(String(describing: error))")
                }
                #expect(try await refusal(EnqueueRequest(kind: .retention, tenantID: id), client: schema.client) == nil,
                        "retention keeps applying an inactive tenant's policy")
            }
            #expect(try await refusal(EnqueueRequest(kind: .backup, tenantID: active), client: schema.client) == nil)
        }
    }

    @Test("the CLI refuses a backup of a tenant that does not exist and a bad diagnostic argument")
    func commandLine() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let binary = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path
            let database = ["--database-url", schema.connectionString]
            let backup = try await ProcessRunner.capture(binary, ["backup", "run", "00000000-0000-0000-0000-000000000000"] + database)
            #expect(backup.status != 0 && !backup.standardOutput.contains("Enqueued"))
            #expect(backup.standardError.contains("no tenant has id 00000000-0000-0000-0000-000000000000"), "\(backup.standardError)")
            let diagnostic = try await ProcessRunner.capture(binary, ["jobs", "enqueue", "--kind", "diagnostic",
                                                                      "--args", #"{"fail": "sometimes"}"#] + database)
            #expect(diagnostic.status != 0 && diagnostic.standardError.contains("'fail'"), "\(diagnostic.standardError)")
            #expect(try await schema.client.query("SELECT count(*)::int8 AS n FROM jobs").first?.decode(Int64.self, "n") == 0)
        }
    }
}
