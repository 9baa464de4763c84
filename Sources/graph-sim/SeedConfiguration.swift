import ArgumentParser
import Foundation
import GraphSim

/// `--seed-config FILE`:
///
///     {
///       "tenants": [{"name": "contoso", "profile": "small", "seed": 1}],
///       "applications": [{"tenant": "contoso", "displayName": "Holdfast", "permissions": ["User.Read.All"],
///                         "clientId": "…optional…", "secret": true, "secretValidDays": 180,
///                         "certificatePem": "…optional…", "consentIn": ["fabrikam"], "consentInFleet": true}],
///       "fleet": {"tenants": 10000, "seed": 7, "prefix": "fleet"}
///     }
///
/// `fleet` adds an MSP's fleet (``FleetProfile/msp`` at that size), created lazily: each tenant is
/// seeded when first used. `consentInFleet` consents the app in every fleet tenant.
///
/// Created secrets are written to `--credentials-file` (the only place their values appear).
struct SeedConfiguration {
    var tenants: [TenantSpecification]
    var applications: [JSONObject]
    var fleet: [TenantSpecification] = []

    static func load(_ path: String) throws -> SeedConfiguration {
        guard let data = FileManager.default.contents(atPath: path),
              case .object(let object) = try JSONParser.parse(Array(data)) else {
            throw ValidationError("--seed-config \(path) is not a JSON object")
        }
        var tenants: [TenantSpecification] = []
        for case .object(let tenant) in object["tenants"]?.arrayValue ?? [] {
            guard let name = tenant["name"]?.stringValue else { throw ValidationError("a tenant in \(path) has no name") }
            let profileName = tenant["profile"]?.stringValue ?? "small"
            guard let profile = SeedProfile(named: profileName) else { throw ValidationError("unknown profile '\(profileName)'") }
            tenants.append(TenantSpecification(name: name, profile: profile,
                                               seed: UInt64(truncatingIfNeeded: tenant["seed"]?.intValue ?? 1),
                                               displayName: tenant["displayName"]?.stringValue,
                                               tenantId: tenant["tenantId"]?.stringValue))
        }
        let applications = (object["applications"]?.arrayValue ?? []).compactMap(\.objectValue)
        var fleet: [TenantSpecification] = []
        if let fleetObject = object["fleet"] {
            guard case .object(let settings) = fleetObject, let count = settings["tenants"]?.intValue else {
                throw ValidationError("'fleet' in \(path) is an object with 'tenants' (a whole number)")
            }
            let seed = settings["seed"]?.intValue ?? 1
            guard seed >= 0 else { throw ValidationError("'fleet.seed' in \(path) is 0 or more") }
            do {
                fleet = try FleetProfile.msp.specifications(tenants: count, seed: UInt64(seed),
                                                            prefix: settings["prefix"]?.stringValue ?? "fleet")
            } catch let error as SimulatorError {
                throw ValidationError("'fleet' in \(path): \(error.message)")
            }
        }
        return SeedConfiguration(tenants: tenants, applications: applications, fleet: fleet)
    }

    /// Registers the applications; returns their credentials.
    func applyApplications(to simulator: GraphSimulator, fleet: [TenantSpecification]) throws -> JSONValue {
        var credentials: [JSONValue] = []
        for application in applications {
            guard let tenantName = application["tenant"]?.stringValue, let name = application["displayName"]?.stringValue else {
                throw ValidationError("an application needs 'tenant' and 'displayName'")
            }
            let permissions = application["permissions"]?.stringArray ?? []
            let clientId = application["clientId"]?.stringValue
            let registered: RegisteredApplication
            if let clientId, simulator.application(clientId: clientId) != nil {
                // Already there (loaded from the state file).
                guard let tenant = simulator.tenant(named: tenantName) else { continue }
                registered = RegisteredApplication(clientId: clientId, tenantId: tenant.id, applicationObjectId: "",
                                                   servicePrincipalId: "", displayName: name)
            } else {
                registered = try simulator.registerApplication(tenant: tenantName, displayName: name,
                                                               permissions: permissions, clientId: clientId)
            }
            let fleetNames = application["consentInFleet"]?.boolValue == true ? fleet.map(\.name) : []
            for other in (application["consentIn"]?.stringArray ?? []) + fleetNames {
                try simulator.grantPermissions(permissions, clientId: registered.clientId, tenant: other)
            }
            var entry: JSONObject = [
                "tenant": .string(tenantName),
                "tenantId": .string(registered.tenantId),
                "clientId": .string(registered.clientId),
                "displayName": .string(name),
            ]
            if application["secret"]?.boolValue == true {
                let days = application["secretValidDays"]?.doubleValue ?? 180
                let secret = try simulator.addClientSecret(clientId: registered.clientId, validFor: days * 86_400)
                entry["clientSecret"] = .string(secret.value)
                entry["secretKeyId"] = .string(secret.keyId)
            }
            if let pem = application["certificatePem"]?.stringValue {
                entry["certificateKeyId"] = .string(try simulator.addCertificate(clientId: registered.clientId, pem: pem))
            }
            credentials.append(.object(entry))
        }
        return ["applications": .array(credentials)]
    }
}
