import Cryptography
import Foundation
@testable import GraphSim
import GraphSimTesting
import Logging
import Testing

/// Shared set-up: a simulator on 127.0.0.1 port 0 with small tenants, talked to over real HTTP.
enum TestSupport {
    /// One RSA key for every simulator in the run (generating one per test would dominate).
    static let signingKey: PrivateKey? = try? PrivateKey.generateRSA(bits: 2048)

    /// Every application permission a backup and restore tool asks for.
    static let allPermissions = [
        "User.ReadWrite.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Directory.ReadWrite.All",
        "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All",
        "Policy.Read.All", "Policy.ReadWrite.ConditionalAccess", "Policy.ReadWrite.AuthenticationMethod",
        "Policy.ReadWrite.Authorization", "Policy.ReadWrite.CrossTenantAccess", "Policy.ReadWrite.ApplicationConfiguration",
        "RoleManagement.ReadWrite.Directory", "AdministrativeUnit.ReadWrite.All", "Device.ReadWrite.All",
        "Organization.Read.All", "Domain.Read.All", "UserAuthenticationMethod.ReadWrite.All", "AuditLog.Read.All",
        "OnPremDirectorySynchronization.Read.All", "Synchronization.Read.All", "LicenseAssignment.Read.All",
    ]

    static func configuration(
        tenants: [TenantSpecification],
        throttling: Bool = false,
        scale: Double = 1,
        limits: ThrottleLimits = ThrottleLimits(),
        stateFile: String? = nil
    ) -> GraphSimulator.Configuration {
        .init(tenants: tenants, stateFile: stateFile, throttlingEnabled: throttling, throttleScale: scale,
              throttleLimits: limits, requestLogCapacity: 10_000, signingKey: signingKey)
    }

    /// Starts a simulator with `tenants`, registers an app with `permissions` and a secret in the
    /// first tenant, runs `body`, and stops the simulator.
    static func withFixture<Result>(
        tenants: [TenantSpecification] = [TenantSpecification(name: "contoso", profile: .small, seed: 1)],
        permissions: [String] = allPermissions,
        throttling: Bool = false,
        scale: Double = 1,
        limits: ThrottleLimits = ThrottleLimits(),
        _ body: (SimulatedTenantFixture) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "graph-sim-test")
        logger.logLevel = .warning
        let simulator = try GraphSimulator(
            configuration: configuration(tenants: tenants, throttling: throttling, scale: scale, limits: limits),
            logger: logger)
        do {
            let fixture = try await simulator.makeFixture(tenant: tenants[0].name, permissions: permissions)
            let result = try await body(fixture)
            await simulator.stop()
            return result
        } catch {
            await simulator.stop()
            throw error
        }
    }
}

extension JSONValue {
    /// `value` of a collection response.
    var items: [JSONValue] { self["value"]?.arrayValue ?? [] }
}

extension HTTPTestResponse {
    /// The Graph error code of an error response.
    var errorCode: String? { (try? json())?["error"]?["code"]?.stringValue }
}
