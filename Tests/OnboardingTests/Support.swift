import Cryptography
import Foundation
import Graph
import GraphSim
import GraphSimTesting
import HTTP
import HoldfastTesting
import Logging
import NIOConcurrencyHelpers
import Postgres
import Tenancy

/// Every line logged through a logger, formatted with its metadata, at trace level: what a scan for
/// leaked secrets reads.
final class CapturedLog: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    var text: String { self.lines.withLockedValue { $0.joined(separator: "\n") } }
    var count: Int { self.lines.withLockedValue { $0.count } }

    func append(_ line: String) { self.lines.withLockedValue { $0.append(line) } }

    func logger(label: String = "holdfast.test.onboarding") -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(label: label, log: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The first of `secrets` that appears in the log, or nil.
    func firstLeak(of secrets: [String]) -> String? {
        let text = self.text
        return secrets.first { !$0.isEmpty && text.contains($0) }
    }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    let log: CapturedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        // The error too: a secret must not leak through it either.
        let error = event.error.map { " error=\(String(reflecting: $0))" } ?? ""
        self.log.append("\(event.level) \(self.label): \(event.message) \(fields)\(error)")
    }
}

/// graph-sim with seeded tenants, an isolated schema, a master key and the onboarding service,
/// every component logging into one ``CapturedLog``.
struct OnboardingHarness {
    let simulator: GraphSimulator
    let baseURL: String
    let schema: IsolatedSchema
    let graph: GraphClient
    let onboarding: TenantOnboarding
    let keyRing: MasterKeyRing
    let log: CapturedLog
    let logger: Logger

    static let signingKey: PrivateKey? = try? PrivateKey.generateRSA(bits: 2048)

    /// `simulatorLimits`: graph-sim throttles with these limits; nil: it does not throttle.
    /// `masterKey`: the master key in base64 (as `HOLDFAST_MASTER_KEY` gives it to a process);
    /// nil: a new one.
    static func run(tenants: [String] = ["contoso"], appBudget: GraphAppLimits? = nil, simulatorLimits: ThrottleLimits? = nil,
                    masterKey: String? = nil, _ body: (OnboardingHarness) async throws -> Void) async throws {
        let log = CapturedLog()
        let logger = log.logger()
        try await TestDatabase.withIsolatedSchema(logger: logger) { schema in
            let simulator = try GraphSimulator(
                configuration: .init(host: "127.0.0.1", port: 0,
                                     tenants: tenants.enumerated().map { TenantSpecification(name: $1, profile: .small, seed: UInt64(20 + $0)) },
                                     throttlingEnabled: simulatorLimits != nil, throttleScale: 1,
                                     throttleLimits: simulatorLimits ?? ThrottleLimits(), requestLogCapacity: 5_000, signingKey: signingKey),
                logger: logger)
            let http = try HTTPClient(configuration: .init(), logger: logger)
            do {
                let baseURL = try await simulator.start()
                let configuration = GraphConfiguration(graphBaseURL: baseURL + "/v1.0", loginBaseURL: baseURL,
                                                       maxAttempts: 4, initialBackoff: .milliseconds(50), maxBackoff: .seconds(2))
                let graph = GraphClient(configuration: configuration, transport: http,
                                        throttleStore: PostgresThrottleStateStore(client: schema.client),
                                        appBudget: appBudget.map { PostgresAppBudget(client: schema.client, limits: $0) },
                                        logger: logger)
                let ring = MasterKeyRing(current: try masterKey.map { try MasterKey(base64: $0, source: "test") } ?? MasterKey.generate())
                let onboarding = TenantOnboarding(client: schema.client, keyRing: ring, graph: graph, logger: logger)
                try await body(OnboardingHarness(simulator: simulator, baseURL: baseURL, schema: schema, graph: graph,
                                                 onboarding: onboarding, keyRing: ring, log: log, logger: logger))
                await http.shutdown()
                await simulator.stop()
            } catch {
                await http.shutdown()
                await simulator.stop()
                throw error
            }
        }
    }

    /// Registers an app in `tenant` with the backup permissions (minus `withhold`) and a secret.
    func registerApp(in tenant: String, withhold: Set<String> = [], validFor: TimeInterval = 180 * 86_400)
        throws -> (application: RegisteredApplication, secret: IssuedSecret) {
        let permissions = ResourceCatalogue.requiredPermissions.filter { !withhold.contains($0) }
        let application = try simulator.registerApplication(tenant: tenant, displayName: "Holdfast \(tenant)", permissions: permissions)
        let secret = try simulator.addClientSecret(clientId: application.clientId, validFor: validFor)
        return (application, secret)
    }

    func tenantID(_ name: String) throws -> String {
        guard let tenant = simulator.tenant(named: name) else { throw HarnessError(message: "no simulated tenant \(name)") }
        return tenant.id
    }

    static func secret(_ text: String, clientID: String, app: AppKind = .tenantApp, expiresAt: Date? = nil) -> NewTenantCredential {
        NewTenantCredential(appKind: app, clientID: UUID(uuidString: clientID)!,
                            material: .clientSecret(SecretBytes(copying: Array(text.utf8))), expiresAt: expiresAt)
    }

    struct HarnessError: Error { var message: String }
}
