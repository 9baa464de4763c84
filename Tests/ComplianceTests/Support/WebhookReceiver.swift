import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// A local webhook receiver: answers each POST to `/hook` with the next scripted status (200 once
/// the script runs out) and keeps what it received. The only file that imports Hummingbird, whose
/// request and response types would clash with the HTTP client's.
struct WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        /// By lower-case name.
        var headers: [String: String]
        var body: [UInt8]
        var status: Int
    }

    let url: String
    private let state: NIOLockedValueBox<(script: [Int], deliveries: [Delivery])>

    var deliveries: [Delivery] { state.withLockedValue { $0.deliveries } }

    static func withRunning<T: Sendable>(answering script: [Int], _ body: @Sendable (WebhookReceiver) async throws -> T) async throws -> T {
        let state = NIOLockedValueBox<(script: [Int], deliveries: [Delivery])>((script, []))
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "holdfast.test.webhook-receiver")
        logger.logLevel = .critical
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = state.withLockedValue { value -> Int in
                let status = value.script.isEmpty ? 200 : value.script.removeFirst()
                value.deliveries.append(Delivery(headers: headers, body: Array(buffer.readableBytesView), status: status))
                return status
            }
            return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: "status \(status)")))
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { portContinuation.yield(port) }
                portContinuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await app.run()
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ReceiverDidNotStart() }
            return try await body(WebhookReceiver(url: "http://127.0.0.1:\(port)/hook", state: state))
        }
    }

    struct ReceiverDidNotStart: Error {}
}
