import Cryptography
import Foundation
import Graph
import GraphSim
import GraphSimTesting
import HTTP
import HoldfastTesting
import Logging
import NIOConcurrencyHelpers

/// Counts and records what the Graph client sends, then passes it to the real HTTP client.
final class RecordingTransport: GraphTransport {
    let inner: HTTPClient
    private let sent = NIOLockedValueBox<[(method: String, url: String, clientRequestID: String?, at: Date)]>([])

    init(inner: HTTPClient) { self.inner = inner }

    func execute(_ request: HTTPRequest, logger: Logger?) async throws -> HTTPResponse {
        self.sent.withLockedValue { $0.append((request.method.rawValue, request.url, request.headers["client-request-id"], Date())) }
        return try await self.inner.execute(request, logger: logger)
    }

    var tokenRequests: Int { self.sent.withLockedValue { $0.filter { $0.url.hasSuffix("/oauth2/v2.0/token") }.count } }
    var graphRequests: [(method: String, url: String, clientRequestID: String?, at: Date)] {
        self.sent.withLockedValue { $0.filter { !$0.url.hasSuffix("/oauth2/v2.0/token") } }
    }
}

/// A graph-sim on 127.0.0.1 port 0 with one small tenant and an app holding every permission,
/// and a Graph client pointed at it.
struct GraphSimHarness {
    let fixture: SimulatedTenantFixture
    let transport: RecordingTransport
    let client: GraphClient
    let logger: Logger

    static let signingKey: PrivateKey? = try? PrivateKey.generateRSA(bits: 2048)

    static let permissions = [
        "User.Read.All", "Group.Read.All", "GroupMember.Read.All", "Directory.Read.All", "Application.Read.All",
        "Policy.Read.All", "RoleManagement.Read.Directory", "Organization.Read.All",
    ]

    static func run<T>(
        throttling: Bool = false,
        scale: Double = 1,
        profile: SeedProfile = .small,
        seed: UInt64 = 7,
        permissions: [String] = GraphSimHarness.permissions,
        throttleStore: (any ThrottleStateStore)? = nil,
        logger: Logger? = nil,
        configure: (inout GraphConfiguration) -> Void = { _ in },
        _ body: (GraphSimHarness) async throws -> T
    ) async throws -> T {
        let logger = logger ?? TestLogger.make(label: "graph-test")
        let simulator = try GraphSimulator(
            configuration: .init(host: "127.0.0.1", port: 0, tenants: [TenantSpecification(name: "contoso", profile: profile, seed: seed)],
                                 throttlingEnabled: throttling, throttleScale: scale, requestLogCapacity: 10_000, signingKey: signingKey),
            logger: logger)
        let http = try HTTPClient(configuration: .init(), logger: logger)
        do {
            let fixture = try await simulator.makeFixture(tenant: "contoso", permissions: permissions)
            var configuration = GraphConfiguration(graphBaseURL: fixture.baseURL + "/v1.0", loginBaseURL: fixture.baseURL,
                                                   initialBackoff: .milliseconds(200), maxBackoff: .seconds(30))
            configure(&configuration)
            let transport = RecordingTransport(inner: http)
            let client = GraphClient(configuration: configuration, transport: transport,
                                     throttleStore: throttleStore ?? InMemoryThrottleStateStore(), logger: logger)
            let result = try await body(GraphSimHarness(fixture: fixture, transport: transport, client: client, logger: logger))
            await http.shutdown()
            await simulator.stop()
            return result
        } catch {
            await http.shutdown()
            await simulator.stop()
            throw error
        }
    }

    var identity: GraphIdentity { GraphIdentity(tenant: fixture.tenant.id, clientID: fixture.application.clientId) }

    var secretCredential: GraphTokenProvider.CredentialSource {
        let secret = fixture.secret.value
        return { .clientSecret(SecretBytes(copying: Array(secret.utf8))) }
    }

    func session() -> GraphSession {
        client.session(for: identity, credential: secretCredential)
    }

    /// Registers a new certificate for the app and returns a credential that signs with it.
    func certificateCredential(_ signature: GraphClientCredential.AssertionSignature) throws -> GraphTokenProvider.CredentialSource {
        let key = try PrivateKey.generateRSA(bits: 2048)
        let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast-test", validFor: 86_400)
        _ = try fixture.simulator.addCertificate(clientId: fixture.application.clientId, certificate: certificate)
        return { .certificate(privateKey: key, certificate: certificate, signature: signature) }
    }
}

/// Keeps every log line (message and metadata) so a test can scan them for secrets.
final class CapturedLog: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    func append(_ line: String) { self.lines.withLockedValue { $0.append(line) } }
    var text: String { self.lines.withLockedValue { $0.joined(separator: "\n") } }
    var count: Int { self.lines.withLockedValue { $0.count } }

    func logger(label: String = "graph-test-captured") -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(log: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        self.log.append("\(event.level) \(event.message) \(event.error.map { String(reflecting: $0) } ?? "") \(merged.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}

/// One worker's view of the shared throttle store, noting when each read started and each block
/// was recorded, so a test can tell a request that could not have known of a block from one that
/// ignored it.
final class RecordingThrottleStore: ThrottleStateStore {
    let inner: any ThrottleStateStore
    private let readStarts = NIOLockedValueBox<[Date]>([])
    private let blocksRecorded = NIOLockedValueBox<[Date]>([])

    init(inner: any ThrottleStateStore) { self.inner = inner }

    func blockedUntil(_ identity: GraphIdentity, logger: Logger) async throws -> Date? {
        self.readStarts.withLockedValue { $0.append(Date()) }
        return try await self.inner.blockedUntil(identity, logger: logger)
    }

    func block(_ identity: GraphIdentity, until: Date, reason: String, logger: Logger) async throws {
        try await self.inner.block(identity, until: until, reason: reason, logger: logger)
        self.blocksRecorded.withLockedValue { $0.append(Date()) }
    }

    var reads: [Date] { self.readStarts.withLockedValue { $0 } }
    /// When each block this worker reported was stored, in order.
    var blocks: [Date] { self.blocksRecorded.withLockedValue { $0 } }
}
