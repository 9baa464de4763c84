public import Foundation
public import Logging
public import ServiceLifecycle
public import Cryptography
import NIOConcurrencyHelpers

/// A local Microsoft Graph (v1.0) and Entra token endpoint serving seeded tenants.
///
/// Start it in-process (`try await sim.start()` returns its base URL, `await sim.stop()`), or run it
/// as a `Service` in a `ServiceGroup`. Graph is served at `{base}/v1.0`, the token endpoint at
/// `{base}/{tenant}/oauth2/v2.0/token`, and the admin API at `{base}/_sim/…`; the same admin
/// operations are methods here for tests in Swift.
public final class GraphSimulator: Service, Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; ``baseURL`` tells which.
        public var port: Int
        /// Tenants to seed before serving.
        public var tenants: [TenantSpecification]
        /// Tenants created without being seeded: each is seeded when first used (a fleet's
        /// thousands would take minutes and gigabytes up front).
        public var lazyTenants: [TenantSpecification]
        /// Where tenants are saved on stop and loaded on start (nil: nothing is persisted).
        public var stateFile: String?
        public var throttlingEnabled: Bool
        /// Multiplies every throttling limit (except conditional access's 1 request per second);
        /// tests use a small scale to reach limits with few requests.
        public var throttleScale: Double
        public var throttleLimits: ThrottleLimits
        /// Request records kept per tenant.
        public var requestLogCapacity: Int
        /// Access token lifetime in seconds (Entra's 3599 by default).
        public var tokenLifetime: Int
        /// Seed of the fault injector's draws.
        public var faultSeed: UInt64
        /// The key access tokens are signed with (RSA); a new one is generated when nil and no
        /// state file provides one.
        public var signingKey: PrivateKey?

        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            tenants: [TenantSpecification] = [],
            lazyTenants: [TenantSpecification] = [],
            stateFile: String? = nil,
            throttlingEnabled: Bool = true,
            throttleScale: Double = 1,
            throttleLimits: ThrottleLimits = ThrottleLimits(),
            requestLogCapacity: Int = 200_000,
            tokenLifetime: Int = 3599,
            faultSeed: UInt64 = 1,
            signingKey: PrivateKey? = nil
        ) {
            self.host = host
            self.port = port
            self.tenants = tenants
            self.lazyTenants = lazyTenants
            self.stateFile = stateFile
            self.throttlingEnabled = throttlingEnabled
            self.throttleScale = throttleScale
            self.throttleLimits = throttleLimits
            self.requestLogCapacity = requestLogCapacity
            self.tokenLifetime = tokenLifetime
            self.faultSeed = faultSeed
            self.signingKey = signingKey
        }
    }

    public let configuration: Configuration
    let logger: Logger
    public let clock = SimulatedClock()
    let tokens: TokenAuthority
    let throttler: Throttler
    let faults: FaultInjector
    let tenantTable = NIOLockedValueBox(TenantTable())
    let appTable = NIOLockedValueBox([String: AppRegistration]())
    let usedAssertions = NIOLockedValueBox([String: Date]())
    let throttleSettings: NIOLockedValueBox<(enabled: Bool, scale: Double)>
    let server = NIOLockedValueBox(ServerState())

    struct TenantTable {
        var byId: [String: SimulatedTenant] = [:]
        /// Lowercased names and domains → tenant id.
        var aliases: [String: String] = [:]
        var order: [String] = []
    }

    struct ServerState {
        var port: Int?
        var task: Task<Void, any Error>?
        var waiters: [CheckedContinuation<Int, any Error>] = []
        var failure: (any Error)?
    }

    public init(configuration: Configuration = Configuration(), logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.throttler = Throttler(limits: configuration.throttleLimits)
        self.faults = FaultInjector(seed: configuration.faultSeed)
        self.throttleSettings = NIOLockedValueBox((configuration.throttlingEnabled, configuration.throttleScale))
        var signingKey = configuration.signingKey
        if let path = configuration.stateFile, FileManager.default.fileExists(atPath: path) {
            signingKey = try StateFile.signingKey(at: path)
        }
        self.tokens = try TokenAuthority(signingKey: signingKey ?? PrivateKey.generateRSA(bits: 2048))
        if let path = configuration.stateFile, FileManager.default.fileExists(atPath: path) {
            try StateFile.load(from: path, into: self)
        }
        for specification in configuration.tenants where tenant(named: specification.name) == nil {
            try createTenant(specification)
        }
        for specification in configuration.lazyTenants where tenant(named: specification.name) == nil {
            try createTenant(specification, lazily: true)
        }
    }

    // MARK: Tenants

    /// Creates and seeds a tenant; `lazily`, it is seeded when first used (the same directory: the
    /// seed and profile decide it, and the simulated clock's time of seeding).
    @discardableResult
    public func createTenant(_ specification: TenantSpecification, lazily: Bool = false) throws -> SimulatedTenant {
        let name = specification.name.lowercased()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw SimulatorError(.invalidArgument, "a tenant name is letters, digits and dashes: '\(specification.name)'")
        }
        if tenant(named: name) != nil {
            throw SimulatorError(.conflict, "a tenant named '\(name)' already exists")
        }
        var idSource = DeterministicRandom(seed: specification.seed, salt: "tenant-id:" + name)
        let tenantId = specification.tenantId?.lowercased() ?? idSource.uuid()
        let displayName = specification.displayName ?? name.prefix(1).uppercased() + name.dropFirst()
        if lazily {
            let clock = self.clock
            let logger = self.logger
            let tenant = SimulatedTenant(id: tenantId, name: name, displayName: displayName, initialDomain: "\(name).onmicrosoft.com",
                                         profile: specification.profile, seed: specification.seed, clock: clock,
                                         requestLogCapacity: configuration.requestLogCapacity) {
                Self.seedDirectory(tenantId: tenantId, name: name, displayName: displayName, specification: specification,
                                   now: clock.now, logger: logger)
            }
            register(tenant)
            return tenant
        }
        let directory = Self.seedDirectory(tenantId: tenantId, name: name, displayName: displayName, specification: specification,
                                           now: clock.now, logger: logger)
        let tenant = SimulatedTenant(id: tenantId, name: name, displayName: displayName,
                                     profile: specification.profile, seed: specification.seed, clock: clock,
                                     directory: directory, requestLogCapacity: configuration.requestLogCapacity)
        register(tenant)
        return tenant
    }

    private static func seedDirectory(tenantId: String, name: String, displayName: String, specification: TenantSpecification,
                                      now: Date, logger: Logger) -> TenantDirectory {
        let started = Date()
        let directory = TenantSeeder.seed(tenantId: tenantId, name: name, displayName: displayName,
                                          profile: specification.profile, seed: specification.seed, now: now)
        logger.info("graph-sim seeded a tenant", metadata: [
            "graph.tenant": .string(tenantId),
            "tenant.name": .string(name),
            "tenant.profile": .string(specification.profile.name),
            "tenant.users": .stringConvertible(specification.profile.users),
            "seed.duration_ms": .stringConvertible(Int(Date().timeIntervalSince(started) * 1000)),
        ])
        return directory
    }

    func register(_ tenant: SimulatedTenant) {
        let domains = tenant.domainNames
        tenantTable.withLockedValue { table in
            table.byId[tenant.id] = tenant
            table.order.append(tenant.id)
            table.aliases[tenant.name] = tenant.id
            table.aliases[tenant.id] = tenant.id
            for domain in domains { table.aliases[domain] = tenant.id }
        }
    }

    /// The tenant with this id, name or verified domain.
    public func tenant(named nameOrId: String) -> SimulatedTenant? {
        tenantTable.withLockedValue { table in
            table.aliases[nameOrId.lowercased()].flatMap { table.byId[$0] }
        }
    }

    public var tenants: [SimulatedTenant] {
        tenantTable.withLockedValue { table in table.order.compactMap { table.byId[$0] } }
    }

    func requireTenant(_ nameOrId: String) throws -> SimulatedTenant {
        guard let tenant = tenant(named: nameOrId) else {
            throw SimulatorError(.notFound, "no tenant '\(nameOrId)'")
        }
        return tenant
    }

    // MARK: Throttling and faults

    /// Turns throttling on or off for every tenant without its own setting, and sets the scale.
    public func setThrottling(enabled: Bool, scale: Double? = nil) {
        throttleSettings.withLockedValue { settings in
            settings.enabled = enabled
            if let scale { settings.scale = scale }
        }
    }

    /// Overrides throttling for one tenant (nil `enabled` follows the global setting).
    public func setThrottling(tenant nameOrId: String, enabled: Bool?, scale: Double? = nil) throws {
        let tenant = try requireTenant(nameOrId)
        tenant.settings.withLockedValue { settings in
            settings.throttlingEnabled = enabled
            settings.throttleScale = scale
        }
    }

    /// Forgets all throttling usage.
    public func resetThrottling() {
        throttler.reset()
    }

    /// Sets the global fault profile (tenants without their own use it).
    public func setFaults(_ profile: FaultProfile) {
        faults.globalProfile = profile
    }

    /// Sets (or with nil clears) one tenant's fault profile.
    public func setFaults(_ profile: FaultProfile?, tenant nameOrId: String) throws {
        let tenant = try requireTenant(nameOrId)
        tenant.settings.withLockedValue { $0.faults = profile }
    }

    // MARK: Clock

    /// Moves the simulated clock forward (token, secret and delta token expiry; deleted-item purge).
    public func advanceClock(by seconds: TimeInterval) {
        clock.advance(by: seconds)
        let now = clock.now
        for tenant in tenants {
            // A tenant not seeded yet has nothing deleted to purge (and is seeded at the new time).
            _ = tenant.withSeededDirectory { $0.purgeExpired(now: now) }
        }
    }
}

/// A tenant to create: a short name (`contoso` gives `contoso.onmicrosoft.com`), a size profile
/// and a seed.
public struct TenantSpecification: Sendable, Hashable {
    public var name: String
    public var profile: SeedProfile
    public var seed: UInt64
    public var displayName: String?
    /// A fixed tenant id; by default one is derived from the name and seed.
    public var tenantId: String?

    public init(name: String, profile: SeedProfile = .small, seed: UInt64 = 1, displayName: String? = nil, tenantId: String? = nil) {
        self.name = name
        self.profile = profile
        self.seed = seed
        self.displayName = displayName
        self.tenantId = tenantId
    }
}

/// An error from the simulator's own API (not a Graph error).
public struct SimulatorError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public static let notFound = Code("notFound")
        public static let conflict = Code("conflict")
        public static let invalidArgument = Code("invalidArgument")
        public static let stateFile = Code("stateFile")
        public static let server = Code("server")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: SimulatorError, rhs: SimulatorError) -> Bool { lhs.code == rhs.code }
}
