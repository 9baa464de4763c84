import Foundation
import Cryptography

/// Saves and loads the simulator's tenants, app registrations (secret digests, certificates),
/// token signing key and clock offset, so a demo can stop and resume. Secrets are stored only as
/// SHA-256 digests, as the simulator holds them.
enum StateFile {
    static let format = "graph-sim-state/1"

    static func read(_ path: String) throws -> JSONObject {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SimulatorError(.stateFile, "cannot read the state file at \(path)")
        }
        guard case .object(let object) = try? JSONParser.parse(Array(data)),
              object["format"]?.stringValue == format else {
            throw SimulatorError(.stateFile, "\(path) is not a graph-sim state file (\(format))")
        }
        return object
    }

    static func signingKey(at path: String) throws -> PrivateKey? {
        guard let pem = try read(path)["signingKey"]?.stringValue else { return nil }
        do {
            return try PrivateKey(pem: pem)
        } catch {
            throw SimulatorError(.stateFile, "the signing key in \(path) cannot be read")
        }
    }

    static func load(from path: String, into simulator: GraphSimulator) throws {
        let state = try read(path)
        if let offset = state["clockOffset"]?.doubleValue, offset > 0 {
            simulator.clock.advance(by: offset)
        }
        for case .object(let app) in state["applications"]?.arrayValue ?? [] {
            guard let clientId = app["clientId"]?.stringValue, let home = app["homeTenantId"]?.stringValue else { continue }
            var registration = AppRegistration(clientId: clientId, homeTenantId: home,
                                               displayName: app["displayName"]?.stringValue ?? clientId)
            for case .object(let secret) in app["secrets"]?.arrayValue ?? [] {
                guard let keyId = secret["keyId"]?.stringValue, let digest = secret["digest"]?.stringValue.flatMap(Hex.decode),
                      let start = secret["startDateTime"]?.stringValue.flatMap(Timestamp.parse),
                      let end = secret["endDateTime"]?.stringValue.flatMap(Timestamp.parse) else { continue }
                registration.secrets.append(AppRegistration.Secret(
                    keyId: keyId, displayName: secret["displayName"]?.stringValue ?? "", hint: secret["hint"]?.stringValue ?? "",
                    digest: digest, startDateTime: start, endDateTime: end))
            }
            for case .object(let certificate) in app["certificates"]?.arrayValue ?? [] {
                guard let keyId = certificate["keyId"]?.stringValue, let pem = certificate["pem"]?.stringValue,
                      let parsed = try? Certificate(pem: pem) else { continue }
                registration.certificates.append(AppRegistration.RegisteredCertificate(
                    keyId: keyId, displayName: certificate["displayName"]?.stringValue ?? "", certificate: parsed,
                    sha1Thumbprint: Base64URL.encode(parsed.sha1Thumbprint),
                    sha256Thumbprint: Base64URL.encode(parsed.sha256Thumbprint),
                    startDateTime: parsed.notBefore, endDateTime: parsed.notAfter))
            }
            simulator.appTable.withLockedValue { $0[clientId.lowercased()] = registration }
        }
        for case .object(let tenant) in state["tenants"]?.arrayValue ?? [] {
            guard let id = tenant["id"]?.stringValue, let name = tenant["name"]?.stringValue,
                  case .object(let snapshot)? = tenant["state"] else {
                throw SimulatorError(.stateFile, "a tenant in \(path) is incomplete")
            }
            let seed = UInt64(truncatingIfNeeded: tenant["seed"]?.intValue ?? 1)
            let profile = SeedProfile(name: tenant["profile"]?.stringValue ?? "custom", users: tenant["profileUsers"]?.intValue ?? 0)
            let directory = try TenantDirectory(snapshot: snapshot, extras: tenant["extras"]?.objectValue ?? [:], seed: seed)
            simulator.register(SimulatedTenant(
                id: id, name: name, displayName: tenant["displayName"]?.stringValue ?? name, profile: profile, seed: seed,
                clock: simulator.clock, directory: directory, requestLogCapacity: simulator.configuration.requestLogCapacity))
        }
    }

    static func save(_ simulator: GraphSimulator, to path: String) throws {
        var applications: [JSONValue] = []
        for registration in simulator.appTable.withLockedValue({ Array($0.values) }).sorted(by: { $0.clientId < $1.clientId }) {
            applications.append([
                "clientId": .string(registration.clientId),
                "homeTenantId": .string(registration.homeTenantId),
                "displayName": .string(registration.displayName),
                "secrets": .array(registration.secrets.map { secret in
                    ["keyId": .string(secret.keyId), "displayName": .string(secret.displayName), "hint": .string(secret.hint),
                     "digest": .string(Hex.encode(secret.digest)),
                     "startDateTime": .string(Timestamp.format(secret.startDateTime)),
                     "endDateTime": .string(Timestamp.format(secret.endDateTime))]
                }),
                "certificates": .array(registration.certificates.map { certificate in
                    ["keyId": .string(certificate.keyId), "displayName": .string(certificate.displayName),
                     "pem": .string(certificate.certificate.pem())]
                }),
            ])
        }
        var tenants: [JSONValue] = []
        for tenant in simulator.tenants {
            let (snapshot, extras) = tenant.withDirectory { ($0.snapshot(), $0.persistenceExtras()) }
            tenants.append([
                "id": .string(tenant.id),
                "name": .string(tenant.name),
                "displayName": .string(tenant.displayName),
                "profile": .string(tenant.profile.name),
                "profileUsers": .int(tenant.profile.users),
                "seed": .int(Int(truncatingIfNeeded: tenant.seed)),
                "state": .object(snapshot),
                "extras": .object(extras),
            ])
        }
        let state: JSONObject = [
            "format": .string(format),
            "savedAt": .string(Timestamp.format(Date())),
            "clockOffset": .double(simulator.clock.offsetSeconds),
            "signingKey": .string(try simulator.tokens.signingKey.pemPKCS8()),
            "applications": .array(applications),
            "tenants": .array(tenants),
        ]
        do {
            try Data(JSONWriter.serialize(state)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SimulatorError(.stateFile, "cannot write the state file at \(path): \(error.localizedDescription)")
        }
    }
}

extension GraphSimulator {
    /// Writes the state file now (it is also written when the server stops).
    public func saveState() throws {
        guard let path = configuration.stateFile else {
            throw SimulatorError(.stateFile, "no state file is configured")
        }
        try StateFile.save(self, to: path)
    }
}
