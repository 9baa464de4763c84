import Compliance
import Foundation
import HTTP
import HoldfastTesting
import Logging
import Postgres
import Queue
import ServiceLifecycle
import Testing
import Worker

@Suite("Webhooks")
struct WebhookTests {
    static let secret = Array("a-test-secret-of-enough-bytes".utf8)

    private func job(id: Int64 = 41, arguments: String) -> Job {
        Job(id: id, kind: .webhook, tenantID: nil, state: .running, priority: 50, runAt: Date(), arguments: arguments, attempt: 1,
            maxAttempts: 5, workerID: UUID(), leaseExpiresAt: nil, heartbeatAt: nil, attemptedAt: nil, progress: nil, errors: [],
            uniqueKey: nil, cancelRequested: false, createdAt: Date(), finalizedAt: nil, attemptID: UUID())
    }

    private func context(for job: Job) -> JobContext {
        JobContext(claim: job.claim!, logger: TestLogger.make(), progressReporter: { _ in })
    }

    private func withHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = try HTTPClient(logger: TestLogger.make())
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }

    @Test("signed JSON POST; 5xx, 408 and 429 are retried, other 4xx discard the job")
    func statuses() async throws {
        try await WebhookReceiver.withRunning(answering: [503, 429, 408, 200, 400, 301]) { receiver in
            try await withHTTPClient { http in
                let handler = WebhookJobHandler(configuration: .init(url: receiver.url, secret: Self.secret, timeout: .seconds(30)), http: http, opener: nil)
                let job = job(arguments: #"{"event":"sla.breached","tenant_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","payload":{"to_state":"breached","n":3}}"#)
                for _ in 0..<3 {
                    await #expect(throws: ComplianceError(.webhookDeliveryFailed, "")) { try await handler.run(job, context: context(for: job)) }
                }
                try await handler.run(job, context: context(for: job))
                await #expect(throws: PermanentJobError.self) { try await handler.run(job, context: context(for: job)) }
                await #expect(throws: PermanentJobError.self) { try await handler.run(job, context: context(for: job)) }

                let deliveries = receiver.deliveries
                #expect(deliveries.map(\.status) == [503, 429, 408, 200, 400, 301])
                let delivery = deliveries[3]
                // Every attempt sends the same bytes, so a receiver can de-duplicate on X-Holdfast-Delivery.
                #expect(Set(deliveries.map(\.body)).count == 1)
                #expect(delivery.headers["x-holdfast-event"] == "sla.breached")
                #expect(delivery.headers["x-holdfast-delivery"] == "41")
                #expect(delivery.headers["content-type"] == "application/json")
                let signature = try #require(delivery.headers[WebhookSignature.headerName.lowercased()])
                #expect(WebhookSignature.isValid(header: signature, body: delivery.body, secret: Self.secret))
                #expect(!WebhookSignature.isValid(header: signature, body: delivery.body + [0x20], secret: Self.secret))
                #expect(!WebhookSignature.isValid(header: signature, body: delivery.body, secret: Array("another-secret-entirely".utf8)))
                #expect(String(decoding: delivery.body, as: UTF8.self)
                    == #"{"delivery_id":"41","event":"sla.breached","payload":{"n":3,"to_state":"breached"},"tenant_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}"#)
            }
        }
    }

    @Test("an unreachable receiver is retried; malformed arguments are discarded without a request")
    func failures() async throws {
        try await withHTTPClient { http in
            // Port 9 on loopback: nothing listens (the discard service is not run here).
            let handler = WebhookJobHandler(configuration: .init(url: "http://127.0.0.1:9/hook", secret: Self.secret), http: http, opener: nil)
            let job = job(arguments: #"{"event":"change_alert","tenant_id":null,"payload":{}}"#)
            await #expect(throws: ComplianceError(.webhookDeliveryFailed, "")) { try await handler.run(job, context: context(for: job)) }
            for arguments in [#"{"payload":{}}"#, #"{"event":"x","payload":[1]}"#, #"{"event":"x","tenant_id":5}"#, "not json"] {
                let bad = self.job(arguments: arguments)
                await #expect(throws: PermanentJobError.self) { try await handler.run(bad, context: context(for: bad)) }
            }
        }
    }

    /// Stands in for the vault's record sealer: "opens" by reversing the bytes, for one tenant only.
    struct ReversingOpener: WebhookPayloadOpener {
        let tenantID: UUID
        func open(_ sealed: [UInt8], tenantID: UUID, logger: Logger) async throws -> [UInt8] {
            guard tenantID == self.tenantID else { throw ComplianceError(.invalidWebhookArguments, "another tenant's payload") }
            return sealed.reversed()
        }
    }

    @Test("a sealed payload is opened for delivery; without an opener the attempt fails and is retried, a foreign one is discarded")
    func sealedPayloads() async throws {
        try await WebhookReceiver.withRunning(answering: [200]) { receiver in
            try await withHTTPClient { http in
                let tenant = UUID()
                let sealed = Data(Array(#"{"rule":"ca-disabled","changes":[1]}"#.utf8).reversed()).base64EncodedString()
                let job = job(arguments: #"{"event":"change_alert","tenant_id":"\#(tenant.uuidString.lowercased())","sealed_payload":"\#(sealed)"}"#)
                let configuration = WebhookConfiguration(url: receiver.url, secret: Self.secret)
                let keyless = WebhookJobHandler(configuration: configuration, http: http, opener: nil)
                await #expect(throws: ComplianceError.self) { try await keyless.run(job, context: context(for: job)) }
                let foreign = WebhookJobHandler(configuration: configuration, http: http, opener: ReversingOpener(tenantID: UUID()))
                await #expect(throws: PermanentJobError.self) { try await foreign.run(job, context: context(for: job)) }
                #expect(receiver.deliveries.isEmpty)

                let handler = WebhookJobHandler(configuration: configuration, http: http, opener: ReversingOpener(tenantID: tenant))
                try await handler.run(job, context: context(for: job))
                #expect(receiver.deliveries.map { String(decoding: $0.body, as: UTF8.self) } == [
                    #"{"delivery_id":"41","event":"change_alert","payload":{"changes":[1],"rule":"ca-disabled"},"tenant_id":"\#(tenant.uuidString.lowercased())"}"#,
                ])
                // A sealed payload needs its tenant, is base64, and does not come with a clear one too.
                for arguments in [#"{"event":"x","sealed_payload":"\#(sealed)"}"#, #"{"event":"x","tenant_id":"\#(tenant)","sealed_payload":"%%%"}"#,
                                  #"{"event":"x","tenant_id":"\#(tenant)","sealed_payload":"\#(sealed)","payload":{}}"#] {
                    #expect(throws: QueueError.self) { try WebhookArguments.decode(arguments) }
                }
            }
        }
    }

    /// Through the real queue: the worker fails the first attempt on a 500, the queue retries it
    /// after its backoff, and the second attempt completes the job.
    @Test("delivered through the queue with its retry and backoff")
    func throughTheQueue() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            try await WebhookReceiver.withRunning(answering: [500]) { receiver in
                try await withHTTPClient { http in
                    let logger = TestLogger.make()
                    let payload = ["to_state": "breached"]
                    let enqueued = try await JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked)
                        .enqueue(try WebhookEvent(event: "sla.breached", tenantID: nil, payload: payload).enqueueRequest(maxAttempts: 3))
                    let handler = WebhookJobHandler(configuration: .init(url: receiver.url, secret: Self.secret), http: http, opener: nil)
                    let worker = WorkerService(
                        client: schema.client, handlers: HandlerRegistry([handler]),
                        configuration: WorkerConfiguration(concurrency: 1, lease: .seconds(30), pollInterval: .milliseconds(100),
                                                           retryPolicy: RetryPolicy(base: .milliseconds(100), maximum: .seconds(1), jitter: 0)),
                        logger: logger)
                    let promoter = ScheduledJobPromoter(client: schema.client, interval: .milliseconds(100), logger: logger)
                    let group = ServiceGroup(services: [worker], logger: logger)
                    let job = try await withThrowingTaskGroup(of: Void.self) { tasks -> Job in
                        tasks.addTask { try await group.run() }
                        tasks.addTask { await promoter.runPeriodically(logger: logger) }
                        defer { tasks.cancelAll() }
                        let job = try await schema.client.waitForJob(enqueued.job.id, until: [.completed])
                        await group.triggerGracefulShutdown()
                        return job
                    }
                    #expect(job.attempt == 2)
                    #expect(job.errors.contains { $0.error.contains("answered 500") })
                    #expect(receiver.deliveries.map(\.status) == [500, 200])
                }
            }
        }
    }
}
