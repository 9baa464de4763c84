import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

/// A kind for these tests: `{"count": 1…10}`, never for a tenant.
private struct Ping: JobArguments {
    static var kind: JobKind { "ping" }
    static var tenant: JobTenantRequirement { .none }
    var count: Int

    func validate() throws(QueueError) {
        guard (1...10).contains(count) else { throw Self.invalid("count", "must be between 1 and 10, not \(count)") }
    }
}

/// Refuses every job for a tenant, saying so.
private struct RefuseTenants: EnqueueAdmission {
    func admit(_ jobs: [EnqueueAdmissionRequest], on connection: PostgresConnection) async throws {
        throw QueueError(code: .tenantNotAdmitted, message: "tenant \(jobs[0].tenantID.uuidString.lowercased()) refused")
    }
}

/// A kind for a tenant, to reach the admission.
private struct Pong: JobArguments {
    static var kind: JobKind { "pong" }
}

@Suite("Enqueue checks a job's arguments and tenant")
struct EnqueueChecksTests {
    /// The error enqueuing `request` throws; nil when it was accepted.
    private func refusal(_ request: EnqueueRequest, checks: EnqueueChecks, client: PostgresClient) async throws -> QueueError? {
        do {
            _ = try await JobEnqueuer(client: client, logger: TestLogger.make(), checks: checks).enqueue(request)
            return nil
        } catch let error as QueueError {
            return error
        }
    }

    @Test("a bad argument, an unknown field, an unknown kind or a wrong tenant is refused, naming it, and nothing is inserted")
    func refusals() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let checks = EnqueueChecks([Ping.self, Pong.self], admission: RefuseTenants())
            let cases: [(EnqueueRequest, QueueError.Code, String)] = [
                (EnqueueRequest(kind: "ping", arguments: #"{"count": "three"}"#), .invalidArguments, "'count' must be an integer"),
                (EnqueueRequest(kind: "ping", arguments: #"{}"#), .invalidArguments, "'count' is required"),
                (EnqueueRequest(kind: "ping", arguments: #"{"count": 11}"#), .invalidArguments, "argument 'count' must be between 1 and 10"),
                (EnqueueRequest(kind: "ping", arguments: #"{"count": 2, "cuont": 3}"#), .invalidArguments, "unknown field 'cuont'"),
                (EnqueueRequest(kind: "ping", arguments: #"[1]"#), .invalidArguments, "ping job arguments"),
                (EnqueueRequest(kind: "ping", tenantID: UUID(), arguments: #"{"count": 2}"#), .invalidRequest, "names no tenant"),
                (EnqueueRequest(kind: "pong"), .invalidRequest, "needs a tenant"),
                (EnqueueRequest(kind: "pong", tenantID: UUID()), .tenantNotAdmitted, "refused"),
                (EnqueueRequest(kind: "peng"), .unknownKind, "no job kind 'peng'"),
            ]
            for (request, code, text) in cases {
                let error = try await refusal(request, checks: checks, client: schema.client)
                #expect(error?.code == code, "\(request.kind) \(request.arguments): \(String(describing: error))")
                #expect(error?.message.contains(text) == true, "\(String(describing: error?.message)) should say \(text)")
            }
            #expect(try await schema.client.query("SELECT count(*)::int8 AS n FROM jobs").first?.decode(Int64.self, "n") == 0)

            let accepted = try await JobEnqueuer(client: schema.client, logger: TestLogger.make(), checks: checks)
                .enqueue(try EnqueueRequest(Ping(count: 3)))
            #expect(accepted.inserted && accepted.job.kind == "ping" && accepted.job.arguments.contains("3"))
            // A typed request is validated as it is made.
            #expect(throws: QueueError.self) { try EnqueueRequest(Ping(count: 0)) }
        }
    }
}
