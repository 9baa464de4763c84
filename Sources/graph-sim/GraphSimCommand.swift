import ArgumentParser
import Foundation
import GraphSim
import Logging
import ServiceLifecycle

/// `graph-sim`: serves seeded tenants over a local Microsoft Graph and Entra token endpoint.
@main
struct GraphSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph-sim",
        abstract: "A local Microsoft Graph (v1.0) and Entra token endpoint with seeded tenants.",
        discussion: """
        Graph is served at http://HOST:PORT/v1.0, the token endpoint at http://HOST:PORT/{tenant}/oauth2/v2.0/token \
        and the admin API at http://HOST:PORT/_sim/ (see docs/graph-sim.md).

        Examples:
          graph-sim --tenants small:2,medium:1
          graph-sim --tenants contoso=small,fabrikam=large --no-throttling
          graph-sim --seed-config demo.json --state-file .dev/graph-sim.json
          graph-sim --fleet 1000 --seed 7            # an MSP's fleet, each tenant seeded when first used
        """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8480

    @Option(help: "Tenants to seed: PROFILE:COUNT (small:2,medium:1) or NAME=PROFILE (contoso=small). Profiles: small (25 users), medium (2,000), large (100,000), empty, or a user count.")
    var tenants: String?

    @Option(help: "A JSON file of tenants and app registrations to create (see docs/graph-sim.md).")
    var seedConfig: String?

    @Option(help: "An MSP's fleet of this many tenants (fleet00001…) at the proportions of 9,000 of 10-50 users, 900 of 200-500, 90 of 2,000-5,000 and 10 of 20,000 in 10,000; each is seeded when first used.")
    var fleet: Int?

    @Option(help: "Seed for tenants created with --tenants and --fleet.")
    var seed: UInt64 = 1

    @Option(help: "Save tenants here on shutdown and load them on start.")
    var stateFile: String?

    @Flag(help: "Serve without throttling.")
    var noThrottling = false

    @Option(help: "Multiply every throttling limit by this factor.")
    var throttleScale: Double = 1

    @Option(help: "Milliseconds added to every Graph response.")
    var latencyMs: Double = 0

    @Option(help: "Write the credentials of app registrations created from --seed-config to this JSON file.")
    var credentialsFile: String?

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    static let tenantNames = ["contoso", "fabrikam", "northwind", "adatum", "litware", "tailspin", "wingtip", "woodgrove",
                              "proseware", "alpineskihouse", "lamnahealthcare", "relecloud"]

    func validate() throws {
        if let tenants { _ = try Self.parseTenants(tenants, seed: seed) }
        if let fleet, !(1...FleetProfile.maximumTenants).contains(fleet) {
            throw ValidationError("--fleet must be 1-\(FleetProfile.maximumTenants)")
        }
        guard throttleScale > 0 else { throw ValidationError("--throttle-scale must be positive") }
    }

    static func parseTenants(_ text: String, seed: UInt64) throws -> [TenantSpecification] {
        var specifications: [TenantSpecification] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if let equals = item.firstIndex(of: "=") {
                let name = String(item[..<equals])
                let profileName = String(item[item.index(after: equals)...])
                guard let profile = SeedProfile(named: profileName) else {
                    throw ValidationError("unknown profile '\(profileName)' in --tenants")
                }
                specifications.append(TenantSpecification(name: name, profile: profile, seed: seed))
                continue
            }
            let parts = item.split(separator: ":").map(String.init)
            guard let profile = SeedProfile(named: parts[0]) else {
                throw ValidationError("unknown profile '\(parts[0])' in --tenants")
            }
            let count = parts.count > 1 ? Int(parts[1]) ?? 0 : 1
            guard count > 0 else { throw ValidationError("bad count in --tenants item '\(item)'") }
            for _ in 0..<count {
                let index = specifications.count
                let base = index < tenantNames.count ? tenantNames[index] : "tenant\(index + 1)"
                specifications.append(TenantSpecification(name: base, profile: profile, seed: seed &+ UInt64(index)))
            }
        }
        return specifications
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "graph-sim")
        var specifications = try tenants.map { try Self.parseTenants($0, seed: seed) } ?? []
        let seedFile = try seedConfig.map(SeedConfiguration.load)
        specifications += seedFile?.tenants ?? []
        var fleetSpecifications = try fleet.map { try FleetProfile.msp.specifications(tenants: $0, seed: seed) } ?? []
        fleetSpecifications += seedFile?.fleet ?? []
        let simulator = try GraphSimulator(
            configuration: .init(host: host, port: port, tenants: specifications, lazyTenants: fleetSpecifications, stateFile: stateFile,
                                 throttlingEnabled: !noThrottling, throttleScale: throttleScale),
            logger: logger
        )
        if latencyMs > 0 {
            simulator.setFaults(FaultProfile(addedLatency: latencyMs / 1000))
        }
        if let seedFile {
            let credentials = try seedFile.applyApplications(to: simulator, fleet: seedFile.fleet)
            if let credentialsFile {
                try Data(credentials.serialized).write(to: URL(fileURLWithPath: credentialsFile), options: .atomic)
                logger.info("graph-sim wrote app credentials", metadata: ["file": .string(credentialsFile)])
            }
        }
        for tenant in simulator.tenants where tenant.isSeeded {
            logger.info("graph-sim tenant", metadata: [
                "tenant.id": .string(tenant.id), "tenant.name": .string(tenant.name),
                "tenant.domain": .string(tenant.initialDomain), "tenant.profile": .string(tenant.profile.name),
            ])
        }
        if !fleetSpecifications.isEmpty {
            logger.info("graph-sim fleet", metadata: ["fleet.tenants": .stringConvertible(fleetSpecifications.count)])
        }
        let group = ServiceGroup(configuration: .init(
            services: [simulator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
