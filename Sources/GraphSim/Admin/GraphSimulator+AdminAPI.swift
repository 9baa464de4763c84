import Foundation

/// The admin API under `/_sim/` (not part of Graph): tenants, app registrations and credentials,
/// permissions, incidents, the clock, throttling and fault profiles, request logs and state.
///
/// | Method | Path | Body / query |
/// |---|---|---|
/// | GET | `/_sim/health` | |
/// | GET, POST | `/_sim/tenants` | `{"name","profile","seed","displayName","tenantId"}` |
/// | GET | `/_sim/tenants/{t}` | |
/// | GET | `/_sim/tenants/{t}/state` | the tenant's full state |
/// | POST | `/_sim/tenants/{t}/applications` | `{"displayName","permissions":[…],"clientId"}` |
/// | POST | `/_sim/tenants/{t}/applications/{clientId}/permissions` | `{"grant":[…],"revoke":[…]}` |
/// | POST | `/_sim/applications/{clientId}/secrets` | `{"displayName","validForSeconds"}` |
/// | POST | `/_sim/applications/{clientId}/certificates` | `{"pem","displayName"}` |
/// | DELETE | `/_sim/applications/{clientId}/credentials/{keyId}` | |
/// | POST | `/_sim/tenants/{t}/incidents` | `{"kind", …}` (see ``Incident``), optional `"actor"` |
/// | POST | `/_sim/tenants/{t}/resync` | `{"types":["user",…]}` |
/// | GET, POST | `/_sim/clock` | `{"advanceSeconds"}` or `{"advanceDays"}` |
/// | PUT | `/_sim/throttling` | `{"enabled","scale"}`; POST `/_sim/throttling/reset` |
/// | PUT | `/_sim/tenants/{t}/throttling` | `{"enabled","scale"}` (null follows the global setting) |
/// | PUT | `/_sim/faults`, `/_sim/tenants/{t}/faults` | a ``FaultProfile`` as JSON (null clears a tenant's) |
/// | GET, DELETE | `/_sim/tenants/{t}/requests` | `?after=N`, `?throttled=true` |
/// | POST | `/_sim/save` | writes the state file |
extension GraphSimulator {
    func handleAdmin(_ request: GraphRequest) async -> GraphResponse {
        do {
            let value = try adminRoute(request)
            if case .null = value { return GraphResponse(status: 204) }
            let status = request.method == "POST" && !(request.segments.last == "save" || request.segments.last == "reset"
                || request.segments.last == "clock" || request.segments.last == "resync") ? 201 : 200
            return GraphResponse(status: status, headers: [("Content-Type", "application/json")], body: JSONWriter.serialize(value))
        } catch let error as SimulatorError {
            let status: Int
            switch error.code {
            case .notFound: status = 404
            case .conflict: status = 409
            default: status = 400
            }
            return GraphResponse(status: status, headers: [("Content-Type", "application/json")],
                                 body: JSONWriter.serialize(["error": ["code": .string(error.code.description), "message": .string(error.message)]] as JSONValue))
        } catch {
            return GraphResponse(status: 400, headers: [("Content-Type", "application/json")],
                                 body: JSONWriter.serialize(["error": ["code": "invalidArgument", "message": .string("\(error)")]] as JSONValue))
        }
    }

    private func body(_ request: GraphRequest) throws -> JSONObject {
        if request.body.isEmpty { return [:] }
        guard case .object(let object) = try? JSONParser.parse(request.body) else {
            throw SimulatorError(.invalidArgument, "the request body is not a JSON object")
        }
        return object
    }

    /// A tenant's summary; a lazily created tenant not seeded yet stays so (`"seeded": false`, no
    /// counts), so listing a fleet costs nothing.
    func tenantInfo(_ tenant: SimulatedTenant) -> JSONObject {
        let seeded = tenant.withSeededDirectory { directory in
            (directory.collection(.user).count, directory.collection(.group).count, directory.collection(.application).count,
             directory.collection(.domain).elements.map(\.id), directory.sizeClass)
        }
        var info: JSONObject = [
            "id": .string(tenant.id),
            "name": .string(tenant.name),
            "displayName": .string(tenant.displayName),
            "initialDomain": .string(tenant.initialDomain),
            "domains": .strings(seeded?.3 ?? tenant.domainNames),
            "profile": .string(tenant.profile.name),
            "seed": .int(Int(truncatingIfNeeded: tenant.seed)),
            "seeded": .bool(seeded != nil),
            "requests": ["total": .int(tenant.requestLog.totalCount), "throttled": .int(tenant.requestLog.throttledCount)],
        ]
        if let (users, groups, applications, _, sizeClass) = seeded {
            info["sizeClass"] = .string(sizeClass.rawValue)
            info["counts"] = ["users": .int(users), "groups": .int(groups), "applications": .int(applications)]
        }
        return info
    }

    private func adminRoute(_ request: GraphRequest) throws -> JSONValue {
        let s = request.segments
        let method = request.method
        switch (method, s.count, s.first ?? "") {
        case ("GET", 1, "health"):
            return ["status": "ok", "tenants": .int(tenants.count)]
        case ("GET", 1, "tenants"):
            return .array(tenants.map { .object(tenantInfo($0)) })
        case ("POST", 1, "tenants"):
            let body = try body(request)
            guard let name = body["name"]?.stringValue else { throw SimulatorError(.invalidArgument, "'name' is required") }
            let profileName = body["profile"]?.stringValue ?? "small"
            guard let profile = SeedProfile(named: profileName) else {
                throw SimulatorError(.invalidArgument, "unknown profile '\(profileName)'")
            }
            let tenant = try createTenant(TenantSpecification(
                name: name, profile: profile, seed: UInt64(truncatingIfNeeded: body["seed"]?.intValue ?? 1),
                displayName: body["displayName"]?.stringValue, tenantId: body["tenantId"]?.stringValue))
            return .object(tenantInfo(tenant))
        case ("GET", 2, "tenants"):
            return .object(tenantInfo(try requireTenant(s[1])))
        case ("GET", 3, "tenants") where s[2] == "state":
            let tenant = try requireTenant(s[1])
            return .object(tenant.withDirectory { $0.snapshot(asGraphReturnsThem: true) })
        case ("POST", 3, "tenants") where s[2] == "applications":
            let body = try body(request)
            guard let name = body["displayName"]?.stringValue else { throw SimulatorError(.invalidArgument, "'displayName' is required") }
            let app = try registerApplication(tenant: s[1], displayName: name, permissions: body["permissions"]?.stringArray ?? [],
                                              clientId: body["clientId"]?.stringValue)
            return ["clientId": .string(app.clientId), "tenantId": .string(app.tenantId),
                    "applicationObjectId": .string(app.applicationObjectId),
                    "servicePrincipalId": .string(app.servicePrincipalId), "displayName": .string(app.displayName)]
        case ("POST", 5, "tenants") where s[2] == "applications" && s[4] == "permissions":
            let body = try body(request)
            try grantPermissions(body["grant"]?.stringArray ?? [], clientId: s[3], tenant: s[1])
            try revokePermissions(body["revoke"]?.stringArray ?? [], clientId: s[3], tenant: s[1])
            let tenant = try requireTenant(s[1])
            let granted = tenant.withDirectory { directory in
                directory.servicePrincipalId(appId: s[3]).map { directory.grantedGraphPermissions(servicePrincipalId: $0) } ?? []
            }
            return ["granted": .strings(granted)]
        case ("POST", 3, "applications") where s[2] == "secrets":
            let body = try body(request)
            let validFor = body["validForSeconds"]?.doubleValue ?? (body["validForDays"]?.doubleValue).map { $0 * 86_400 } ?? 180 * 86_400
            let secret = try addClientSecret(clientId: s[1], displayName: body["displayName"]?.stringValue ?? "graph-sim secret",
                                             validFor: validFor)
            return ["keyId": .string(secret.keyId), "value": .string(secret.value),
                    "endDateTime": .string(Timestamp.format(secret.endDateTime))]
        case ("POST", 3, "applications") where s[2] == "certificates":
            let body = try body(request)
            guard let pem = body["pem"]?.stringValue else { throw SimulatorError(.invalidArgument, "'pem' is required") }
            let keyId = try addCertificate(clientId: s[1], pem: pem, displayName: body["displayName"]?.stringValue)
            return ["keyId": .string(keyId)]
        case ("DELETE", 4, "applications") where s[2] == "credentials":
            try removeCredential(clientId: s[1], keyId: s[3])
            return .null
        case ("POST", 1, "churn"):
            let body = try body(request)
            guard let day = body["day"]?.intValue else { throw SimulatorError(.invalidArgument, "'day' (a whole number) is required") }
            let seed = body["seed"]?.intValue ?? 1
            guard seed >= 0 else { throw SimulatorError(.invalidArgument, "'seed' is 0 or more (got \(seed))") }
            let result = try churn(ChurnSpecification(share: body["share"]?.doubleValue ?? ChurnSpecification.defaultShare, day: day,
                                                      seed: UInt64(seed), namePrefix: body["prefix"]?.stringValue))
            return ["tenants": .strings(result.tenants), "candidates": .int(result.candidates),
                    "updatedUsers": .int(result.updatedUsers), "createdUsers": .int(result.createdUsers),
                    "deletedUsers": .int(result.deletedUsers), "addedMembers": .int(result.addedMembers)]
        case ("POST", 3, "tenants") where s[2] == "incidents":
            let body = try body(request)
            let incident = try Incident(json: body)
            var actor = Actor.administrator("graph-sim incident")
            if case .object(let who)? = body["actor"] {
                if let appId = who["appId"]?.stringValue {
                    actor = .application(appId: appId, displayName: who["displayName"]?.stringValue ?? appId,
                                         servicePrincipalId: who["servicePrincipalId"]?.stringValue)
                } else if let id = who["userId"]?.stringValue {
                    actor = .user(id: id, displayName: who["displayName"]?.stringValue ?? id,
                                  userPrincipalName: who["userPrincipalName"]?.stringValue ?? id)
                }
            }
            return .object(try apply(incident, tenant: s[1], actor: actor).json)
        case ("POST", 3, "tenants") where s[2] == "resync":
            let body = try body(request)
            let names = body["types"]?.stringArray ?? []
            let types = names.isEmpty ? ResourceType.deltaTypes : try names.map { name in
                guard let type = ResourceType.named(name), type.hasDelta else {
                    throw SimulatorError(.invalidArgument, "'\(name)' has no delta query")
                }
                return type
            }
            try forceResync(tenant: s[1], types: types)
            return ["resync": .strings(types.map(\.name))]
        case ("GET", 1, "clock"), ("POST", 1, "clock"):
            if method == "POST" {
                let body = try body(request)
                let seconds = body["advanceSeconds"]?.doubleValue ?? (body["advanceDays"]?.doubleValue).map { $0 * 86_400 } ?? 0
                advanceClock(by: seconds)
            }
            return ["now": .string(Timestamp.formatPrecise(clock.now)), "offsetSeconds": .double(clock.offsetSeconds)]
        case ("PUT", 1, "throttling"):
            let body = try body(request)
            setThrottling(enabled: body["enabled"]?.boolValue ?? true, scale: body["scale"]?.doubleValue)
            let settings = throttleSettings.withLockedValue { $0 }
            return ["enabled": .bool(settings.enabled), "scale": .double(settings.scale)]
        case ("POST", 2, "throttling") where s[1] == "reset":
            resetThrottling()
            return ["reset": true]
        case ("PUT", 3, "tenants") where s[2] == "throttling":
            let body = try body(request)
            try setThrottling(tenant: s[1], enabled: body["enabled"]?.boolValue, scale: body["scale"]?.doubleValue)
            return ["enabled": body["enabled"] ?? .null, "scale": body["scale"] ?? .null]
        case ("PUT", 1, "faults"):
            let profile = try FaultProfile(json: try body(request))
            setFaults(profile)
            return .object(profile.json)
        case ("PUT", 3, "tenants") where s[2] == "faults":
            let body = try body(request)
            let profile = body.isEmpty || body["clear"]?.boolValue == true ? nil : try FaultProfile(json: body.filter(keys: { $0 != "clear" }))
            try setFaults(profile, tenant: s[1])
            return profile.map { .object($0.json) } ?? ["cleared": true]
        case ("GET", 3, "tenants") where s[2] == "requests":
            let tenant = try requireTenant(s[1])
            let after = request.queryValue("after").flatMap(Int.init) ?? 0
            var records = tenant.requestLog.records(after: after)
            if request.queryValue("throttled") == "true" { records = records.filter(\.isThrottled) }
            return ["total": .int(tenant.requestLog.totalCount), "throttled": .int(tenant.requestLog.throttledCount),
                    "records": .array(records.map { .object($0.json) })]
        case ("DELETE", 3, "tenants") where s[2] == "requests":
            try requireTenant(s[1]).requestLog.clear()
            return .null
        case ("POST", 1, "save"):
            try saveState()
            return ["saved": .string(configuration.stateFile ?? "")]
        default:
            throw SimulatorError(.notFound, "no admin route \(method) /_sim/\(s.joined(separator: "/"))")
        }
    }
}
