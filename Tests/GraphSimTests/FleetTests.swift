import Foundation
@testable import GraphSim
import GraphSimTesting
import Logging
import Testing

@Suite("An MSP's fleet: profile, lazy seeding, churn")
struct FleetTests {
    static func simulator(lazy: [TenantSpecification]) throws -> GraphSimulator {
        var logger = Logger(label: "graph-sim-test")
        logger.logLevel = .warning
        var configuration = TestSupport.configuration(tenants: [])
        configuration.lazyTenants = lazy
        return try GraphSimulator(configuration: configuration, logger: logger)
    }

    @Test("the reference fleet is 9,000/900/90/10 in 10,000, and any size keeps its proportions")
    func proportions() throws {
        let msp = FleetProfile.msp
        #expect(msp.referenceSize == 10_000)
        #expect(try msp.tierCounts(tenants: 10_000) == [9_000, 900, 90, 10])
        #expect(try msp.tierCounts(tenants: 1_000) == [900, 90, 9, 1])
        #expect(try msp.tierCounts(tenants: 100) == [90, 9, 1, 0])
        #expect(try msp.tierCounts(tenants: 0) == [0, 0, 0, 0])
        for tenants in [1, 7, 33, 250, 999, 4_321] {
            let counts = try msp.tierCounts(tenants: tenants)
            #expect(counts.reduce(0, +) == tenants)
            for (tier, count) in counts.enumerated() {
                let exact = Double(msp.tiers[tier].count * tenants) / Double(msp.referenceSize)
                #expect(abs(Double(count) - exact) < 1, "tier \(tier) of \(tenants): \(count) for \(exact)")
            }
        }
        #expect(throws: SimulatorError.self) { try msp.tierCounts(tenants: -1) }
        #expect(throws: SimulatorError.self) { try msp.tierCounts(tenants: FleetProfile.maximumTenants + 1) }
    }

    @Test("a fleet's tenants have users in their tier's range, in those numbers, the same for the same seed")
    func specifications() throws {
        let fleet = try FleetProfile.msp.specifications(tenants: 1_000, seed: 7)
        #expect(fleet.count == 1_000)
        #expect(Set(fleet.map(\.name)).count == 1_000)
        #expect(fleet.first?.name == "fleet00001")
        var perTier = [0, 0, 0, 0]
        for tenant in fleet {
            let tier = try #require(FleetProfile.msp.tiers.firstIndex { $0.users.contains(tenant.profile.users) },
                                    "\(tenant.name) has \(tenant.profile.users) users, in no tier")
            perTier[tier] += 1
        }
        #expect(perTier == [900, 90, 9, 1])
        // Sizes are mixed through the list, not grouped.
        #expect(fleet.prefix(100).contains { $0.profile.users >= 200 })
        #expect(try FleetProfile.msp.specifications(tenants: 1_000, seed: 7) == fleet)
        #expect(try FleetProfile.msp.specifications(tenants: 1_000, seed: 8).map(\.profile) != fleet.map(\.profile))
        #expect(throws: SimulatorError.self) { try FleetProfile.msp.specifications(tenants: 10, seed: 1, prefix: "no spaces") }
    }

    @Test("a lazy tenant answers to its domains and keeps a consent unseeded, and seeds as an eager one would")
    func lazySeeding() async throws {
        let specification = TenantSpecification(name: "fleet00001", profile: SeedProfile(name: "users=30", users: 30), seed: 11)
        let simulator = try Self.simulator(lazy: [specification, TenantSpecification(name: "fleet00002", seed: 12)])
        defer { Task { await simulator.stop() } }
        let home = try simulator.createTenant(TenantSpecification(name: "msp", seed: 1))
        let lazy = try #require(simulator.tenant(named: "fleet00001.com"))
        #expect(simulator.tenant(named: "fleet00001.onmicrosoft.com")?.id == lazy.id)
        #expect(!lazy.isSeeded)

        let app = try simulator.registerApplication(tenant: home.id, displayName: "MSP", permissions: ["User.Read.All"])
        let secret = try simulator.addClientSecret(clientId: app.clientId)
        try simulator.grantPermissions(["User.Read.All"], clientId: app.clientId, tenant: "fleet00001")
        simulator.advanceClock(by: 60)
        #expect(!lazy.isSeeded, "consenting and moving the clock leave a lazy tenant unseeded")
        #expect(simulator.tenant(named: "fleet00002").map { !$0.isSeeded } == true)

        let base = try await simulator.start()
        let session = try await GraphTestSession.acquire(baseURL: base, tenant: "fleet00001.com", clientId: app.clientId, secret: secret.value)
        let users = try await session.get("/users?$top=999")
        #expect(users.status == 200)
        let served = try users.json().items.count
        #expect(lazy.isSeeded)
        #expect(simulator.tenant(named: "fleet00002").map { !$0.isSeeded } == true, "only the tenant used is seeded")

        let eager = try GraphSimulator(configuration: TestSupport.configuration(tenants: [specification]), logger: Logger(label: "test"))
        let lazyState = try simulator.state(tenant: "fleet00001")
        let eagerState = try eager.state(tenant: "fleet00001")
        func ids(_ state: JSONObject, _ type: String) -> [String] {
            (state["objects"]?[type]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        }
        #expect(served > 0 && served == ids(eagerState, "user").count)
        #expect(lazyState["tenantId"] == eagerState["tenantId"])
        for type in ["user", "group", "application", "domain", "conditionalAccessPolicy"] {
            #expect(ids(lazyState, type) == ids(eagerState, type), "\(type) differs between lazy and eager seeding")
        }
        #expect(ids(lazyState, "servicePrincipal").count == ids(eagerState, "servicePrincipal").count + 1, "the consented app's")
    }

    @Test("a day of churn changes its share of the fleet, the same tenants for the same day, and nothing else")
    func churn() async throws {
        let fleet = try FleetProfile.msp.specifications(tenants: 40, seed: 3)
        let simulator = try Self.simulator(lazy: fleet)
        let other = try Self.simulator(lazy: fleet)
        let day1 = try simulator.churn(ChurnSpecification(share: 0.25, day: 1, namePrefix: "fleet"))
        #expect(day1.candidates == 40)
        #expect(day1.tenants.count == 10)
        #expect(day1.updatedUsers >= 10)
        #expect((1...10).contains(day1.addedMembers))
        #expect(try other.churn(ChurnSpecification(share: 0.25, day: 1, namePrefix: "fleet")).tenants == day1.tenants)
        let seeded = Set(simulator.tenants.filter(\.isSeeded).map(\.name))
        #expect(seeded == Set(day1.tenants), "tenants the day did not change are not even seeded")
        for name in day1.tenants {
            let users = try simulator.state(tenant: name)["objects"]?["user"]?.arrayValue ?? []
            #expect(users.contains { $0["jobTitle"]?.stringValue == "Churn day 1" }, "\(name) has no changed user")
        }
        let day2 = try simulator.churn(ChurnSpecification(share: 0.25, day: 2, namePrefix: "fleet"))
        #expect(day2.tenants != day1.tenants)
        #expect(try simulator.churn(ChurnSpecification(share: 0, day: 3)).tenants.isEmpty)
        #expect(throws: SimulatorError.self) { try simulator.churn(ChurnSpecification(share: 1.5, day: 1)) }
        #expect(throws: SimulatorError.self) { try simulator.churn(ChurnSpecification(share: 0.1, day: -1)) }
    }

    @Test("POST /_sim/churn over HTTP, and the tenant list does not seed a lazy fleet")
    func churnOverHTTP() async throws {
        let simulator = try Self.simulator(lazy: try FleetProfile.msp.specifications(tenants: 20, seed: 5))
        let base = try await simulator.start()
        defer { Task { await simulator.stop() } }
        let listed = try await AdminAPITests.admin(base, "GET", "/tenants").json().arrayValue ?? []
        #expect(listed.count == 20)
        #expect(listed.allSatisfy { $0["seeded"]?.boolValue == false && $0["counts"] == nil })
        #expect(listed.first?["domains"]?.stringArray == ["fleet00001.onmicrosoft.com", "fleet00001.com"])
        let churned = try await AdminAPITests.admin(base, "POST", "/churn", ["share": 0.5, "day": 4, "prefix": "fleet"])
        #expect(churned.status == 201 || churned.status == 200)
        #expect(try churned.json()["tenants"]?.stringArray.count == 10)
        #expect(try await AdminAPITests.admin(base, "POST", "/churn", ["share": 0.5]).status == 400)
        #expect(try await AdminAPITests.admin(base, "POST", "/churn", ["share": -0.5, "day": 1]).status == 400)
        #expect(simulator.tenants.filter(\.isSeeded).count == 10)
    }
}
