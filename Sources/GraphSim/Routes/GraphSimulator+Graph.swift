import Foundation
import Cryptography

/// The application calling Graph, from its access token.
struct GraphCaller: Sendable {
    var appId: String
    var displayName: String
    var servicePrincipalId: String
    var roles: Set<String>
    var tenant: SimulatedTenant
}

/// Everything a Graph handler needs about the request it serves.
struct GraphContext {
    let simulator: GraphSimulator
    let request: GraphRequest
    let tenant: SimulatedTenant
    let caller: GraphCaller
    let now: Date
    let requestId: String

    /// `http://host:port/v1.0`.
    var serviceRoot: String { request.origin + "/v1.0" }

    var actor: Actor {
        .application(appId: caller.appId, displayName: caller.displayName, servicePrincipalId: caller.servicePrincipalId)
    }

    func require(_ rule: PermissionRule) throws {
        guard rule.isSatisfied(by: caller.roles) else { throw GraphError.accessDenied }
    }

    func contextURL(_ fragment: String) -> String {
        serviceRoot + "/$metadata#" + fragment
    }
}

/// A Graph response plus what the HTTP layer must do to it (faults, latency).
struct GraphOutcome: Sendable {
    var response: GraphResponse
    var fault: FaultDecision = .none
    var latency: Double = 0
}

extension GraphSimulator {
    /// Serves one Graph v1.0 request: authentication, faults, throttling, the handler, and the
    /// request log. `batchPartId` and `caller` are set for `$batch` parts.
    func handleGraph(_ request: GraphRequest, batchPartId: String? = nil, batchCaller: GraphCaller? = nil) async -> GraphOutcome {
        let requestId = SecureRandom.uuid()
        let clientRequestId = request.header("client-request-id")
        let now = clock.now
        let received = Date()

        func finish(_ response: GraphResponse, caller: GraphCaller?, cost: Int, throttle: ThrottleDecision?,
                    fault: FaultDecision = .none, latency: Double = 0) -> GraphOutcome {
            var response = response
            response.setHeader("request-id", requestId)
            response.setHeader("client-request-id", clientRequestId ?? requestId)
            response.setHeader("x-ms-ags-diagnostic",
                               "{\"ServerInfo\":{\"DataCenter\":\"Local\",\"Slice\":\"E\",\"Ring\":\"SIM\",\"ScaleUnit\":\"000\",\"RoleInstance\":\"graph-sim\"}}")
            response.setHeader("Cache-Control", "no-cache")
            response.setHeader("Strict-Transport-Security", "max-age=31536000")
            if caller != nil {
                response.setHeader("x-ms-resource-unit", String(cost))
            }
            if let percentage = throttle?.limitPercentage {
                response.setHeader("x-ms-throttle-limit-percentage", String(format: "%.1f", percentage))
            }
            if let caller {
                let pathWithQuery = request.rawQuery.isEmpty ? request.path : request.path + "?" + request.rawQuery
                caller.tenant.requestLog.append(RequestRecord(
                    sequence: 0, receivedAt: received, simulatedAt: now, method: request.method, path: pathWithQuery,
                    appId: caller.appId, status: response.status, cost: cost,
                    retryAfter: response.status == 429 ? response.header("Retry-After").flatMap(Double.init) : nil,
                    throttleScope: response.status == 429 ? response.header("x-ms-throttle-scope") : nil,
                    requestId: requestId, clientRequestId: clientRequestId, batchPartId: batchPartId,
                    fault: fault.label))
            }
            return GraphOutcome(response: response, fault: fault, latency: latency)
        }
        func fail(_ error: GraphError, caller: GraphCaller? = nil, cost: Int = 1, fault: FaultDecision = .none,
                  latency: Double = 0) -> GraphOutcome {
            finish(error.response(requestId: requestId, clientRequestId: clientRequestId, date: now),
                   caller: caller, cost: cost, throttle: nil, fault: fault, latency: latency)
        }

        // Authentication.
        let caller: GraphCaller
        if let batchCaller {
            caller = batchCaller
        } else {
            switch authenticate(request, now: now) {
            case .success(let authenticated): caller = authenticated
            case .failure(let error): return fail(error)
            }
        }
        let tenant = caller.tenant

        // Faults apply to whole HTTP requests, not to the parts of a batch.
        var fault = FaultDecision.none
        var latency = 0.0
        if batchPartId == nil {
            (fault, latency) = faults.decide(tenantProfile: tenant.settings.withLockedValue { $0.faults })
            switch fault {
            case .tooManyRequests(let retryAfter):
                var error = GraphError(status: 429, code: "TooManyRequests", message: "Please retry again later.")
                error.innerError = ["code": "429", "message": "Please retry after", "status": "429"]
                if let retryAfter { error.headers.append(("Retry-After", Self.formatRetryAfter(retryAfter))) }
                return fail(error, caller: caller, fault: fault, latency: latency)
            case .serviceUnavailable(let retryAfter):
                var error = GraphError(status: 503, code: "serviceNotAvailable",
                                       message: "The service is temporarily unavailable. Please retry later.")
                if let retryAfter { error.headers.append(("Retry-After", String(format: "%.0f", retryAfter.rounded(.up)))) }
                return fail(error, caller: caller, fault: fault, latency: latency)
            case .gatewayTimeout:
                return fail(GraphError(status: 504, code: "UnknownError", message: ""), caller: caller, fault: fault, latency: latency)
            case .connectionReset:
                return finish(GraphResponse(status: 0), caller: caller, cost: 0, throttle: nil, fault: fault, latency: latency)
            default:
                break
            }
        }

        // Route, cost, throttling.
        let route: GraphRoute
        do {
            route = try GraphRouter.resolve(request.segments)
        } catch {
            return fail(error, caller: caller)
        }
        if case .batch = route {
            guard batchPartId == nil else {
                return fail(.badRequest("A $batch request cannot contain another $batch request."), caller: caller)
            }
            let response = await handleBatch(request, caller: caller, requestId: requestId)
            return finish(response, caller: nil, cost: 0, throttle: nil, fault: fault, latency: latency)
        }
        let cost = RequestCost.cost(of: route, request: request)
        let isWrite = request.method != "GET" && request.method != "HEAD"
            && !(request.method == "POST" && { if case .getByIds = route { return true }; return false }())
        var decision: ThrottleDecision?
        let (throttlingOn, scale) = throttling(for: tenant)
        if throttlingOn {
            let listsKeyCredentials = {
                guard let select = request.queryValue("$select"), select.contains("keyCredentials") else { return false }
                if case .list(let type, nil) = route { return type == .application || type == .servicePrincipal }
                return false
            }()
            let verdict = throttler.admit(ThrottleRequest(
                appId: caller.appId, tenantId: tenant.id, sizeClass: tenant.sizeClass, cost: cost, isWrite: isWrite,
                isConditionalAccess: route.isConditionalAccess, listsKeyCredentials: listsKeyCredentials, scale: scale))
            decision = verdict
            if !verdict.allowed {
                var error = GraphError(status: 429, code: "TooManyRequests", message: "Please retry again later.")
                error.innerError = ["code": "429", "message": "Please retry after", "status": "429"]
                if let retryAfter = verdict.retryAfter {
                    error.headers.append(("Retry-After", Self.formatRetryAfter(retryAfter)))
                }
                if let scope = verdict.scope { error.headers.append(("x-ms-throttle-scope", scope)) }
                if let information = verdict.information { error.headers.append(("x-ms-throttle-information", information)) }
                var response = error.response(requestId: requestId, clientRequestId: clientRequestId, date: now)
                if let percentage = verdict.limitPercentage {
                    response.setHeader("x-ms-throttle-limit-percentage", String(format: "%.1f", percentage))
                }
                return finish(response, caller: caller, cost: cost, throttle: nil, fault: fault, latency: latency)
            }
        }

        let context = GraphContext(simulator: self, request: request, tenant: tenant, caller: caller, now: now,
                                   requestId: requestId)
        do {
            let response = try execute(route, context)
            return finish(response, caller: caller, cost: cost, throttle: decision, fault: fault, latency: latency)
        } catch let error as GraphError {
            return finish(error.response(requestId: requestId, clientRequestId: clientRequestId, date: now),
                          caller: caller, cost: cost, throttle: decision, fault: fault, latency: latency)
        } catch {
            logger.error("graph-sim handler failed", metadata: ["error": "\(error)", "graph.path": "\(request.path)"])
            return finish(GraphError(status: 500, code: "InternalServerError", message: "An internal error occurred.")
                .response(requestId: requestId, clientRequestId: clientRequestId, date: now),
                          caller: caller, cost: cost, throttle: decision, fault: fault, latency: latency)
        }
    }

    static func formatRetryAfter(_ seconds: Double) -> String {
        let rounded = (seconds * 1000).rounded(.up) / 1000
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.3f", rounded)
    }

    func throttling(for tenant: SimulatedTenant) -> (Bool, Double) {
        let global = throttleSettings.withLockedValue { $0 }
        let own = tenant.settings.withLockedValue { ($0.throttlingEnabled, $0.throttleScale) }
        return (own.0 ?? global.enabled, own.1 ?? global.scale)
    }

    /// The caller behind the request's bearer token, or Graph's 401.
    func authenticate(_ request: GraphRequest, now: Date) -> Result<GraphCaller, GraphError> {
        func unauthorized(_ message: String) -> GraphError {
            var error = GraphError(status: 401, code: "InvalidAuthenticationToken", message: message)
            error.headers.append(("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\""))
            return error
        }
        guard let authorization = request.header("Authorization"), !authorization.isEmpty else {
            return .failure(unauthorized("Access token is empty."))
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failure(unauthorized("Access token is empty."))
        }
        let claims: AccessTokenClaims
        do {
            claims = try tokens.verify(String(parts[1]), now: now)
        } catch {
            switch error {
            case .empty: return .failure(unauthorized("Access token is empty."))
            case .malformed: return .failure(unauthorized("IDX14100: JWT is not well formed, there are no dots (.)."))
            case .badSignature: return .failure(unauthorized("Access token validation failure. Invalid signature."))
            case .expired: return .failure(unauthorized("Lifetime validation failed, the token is expired."))
            case .notYetValid: return .failure(unauthorized("Lifetime validation failed, the token is not yet valid."))
            case .wrongAudience: return .failure(unauthorized("Access token validation failure. Invalid audience."))
            }
        }
        guard let tenant = tenant(named: claims.tid) else {
            return .failure(unauthorized("Access token validation failure. Invalid issuer."))
        }
        return .success(GraphCaller(appId: claims.appid, displayName: claims.appDisplayName ?? claims.appid,
                                    servicePrincipalId: claims.oid, roles: Set(claims.roles ?? []), tenant: tenant))
    }

    /// Runs the handler of `route`.
    func execute(_ route: GraphRoute, _ context: GraphContext) throws -> GraphResponse {
        let method = context.request.method
        switch route {
        case .list(let type, let parent):
            switch method {
            case "GET": return try listEntities(type, parent: parent, context)
            case "POST" where type == .authenticationContextClassReference:
                // Created like an update: the id (c1…c99) is the client's.
                guard let id = try requestObject(context)["id"]?.stringValue else {
                    throw GraphError.badRequest("Property 'id' (c1 to c99) is required.")
                }
                _ = try upsertAuthenticationContext(.id(id), context)
                var created = try getEntity(type, key: .id(id), parent: nil, context)
                created.status = 201
                return created
            case "POST": return try createEntity(type, parent: parent, context)
            default: throw GraphError.methodNotAllowed
            }
        case .item(let type, let key, let parent):
            switch method {
            case "GET": return try getEntity(type, key: key, parent: parent, context)
            case "PATCH" where type == .authenticationContextClassReference: return try upsertAuthenticationContext(key, context)
            case "PATCH" where type == .adminConsentRequestPolicy || type == .deviceRegistrationPolicy:
                // Graph updates these policies with PUT only.
                throw GraphError.methodNotAllowed
            case "PUT" where type == .deviceRegistrationPolicy:
                // Every updatable property is required, and the answer is the updated policy.
                let body = try requestObject(context)
                for name in ResourceType.deviceRegistrationPolicyUpdatable where body[name] == nil {
                    throw GraphError.badRequest("Property '\(name)' is required.")
                }
                _ = try updateEntity(type, key: key, parent: parent, context)
                return try getEntity(type, key: key, parent: parent, context)
            case "PATCH": return try updateEntity(type, key: key, parent: parent, context)
            case "DELETE": return try deleteEntity(type, key: key, parent: parent, context)
            case "PUT" where type == .unifiedRoleDefinition || type == .crossTenantAccessPolicyConfigurationPartner
                || type == .adminConsentRequestPolicy:
                return try updateEntity(type, key: key, parent: parent, context)
            default: throw GraphError.methodNotAllowed
            }
        case .count(let type):
            guard method == "GET" else { throw GraphError.methodNotAllowed }
            return try countEntities(type, context)
        case .delta(let type):
            guard method == "GET" else { throw GraphError.methodNotAllowed }
            return try delta(type, context)
        case .relation(let relation, let owner, let key, let cast):
            switch method {
            case "GET": return try listRelation(relation, owner: owner, key: key, cast: cast, countOnly: false, context)
            case "POST" where relation == .appRoleAssignedTo || relation == .appRoleAssignments:
                return try createAppRoleAssignment(relation, owner: owner, key: key, context)
            default: throw GraphError.methodNotAllowed
            }
        case .relationCount(let relation, let owner, let key, let cast):
            guard method == "GET" else { throw GraphError.methodNotAllowed }
            return try listRelation(relation, owner: owner, key: key, cast: cast, countOnly: true, context)
        case .relationReference(let relation, let owner, let key, let member):
            return try changeReference(relation, owner: owner, key: key, member: member, context)
        case .relationItem(let relation, let owner, let key, let item):
            return try appRoleAssignment(relation, owner: owner, key: key, id: item, context)
        case .deletedItems(let type):
            guard method == "GET" else { throw GraphError.methodNotAllowed }
            guard let type else {
                throw GraphError.badRequest("Unsupported request: the deletedItems collection must be cast to a type, for example /directory/deletedItems/microsoft.graph.user.")
            }
            return try listDeletedItems(type, context)
        case .deletedItem(let id):
            switch method {
            case "GET": return try getDeletedItem(id, context)
            case "DELETE": return try purgeDeletedItem(id, context)
            default: throw GraphError.methodNotAllowed
            }
        case .restoreDeletedItem(let id):
            guard method == "POST" else { throw GraphError.methodNotAllowed }
            return try restoreDeletedItem(id, context)
        case .policyDeletedItems(let type):
            guard method == "GET" else { throw GraphError.methodNotAllowed }
            return try listDeletedItems(type, context)
        case .policyDeletedItem(let type, let id):
            switch method {
            case "GET": return try getDeletedItem(id, context, expected: type)
            case "DELETE": return try purgeDeletedItem(id, context, expected: type)
            default: throw GraphError.methodNotAllowed
            }
        case .restorePolicyDeletedItem(let type, let id):
            guard method == "POST" else { throw GraphError.methodNotAllowed }
            return try restoreDeletedItem(id, context, expected: type)
        case .action(let action, let owner, let key):
            guard method == "POST" else { throw GraphError.methodNotAllowed }
            return try performAction(action, owner: owner, key: key, context)
        case .getByIds:
            guard method == "POST" else { throw GraphError.methodNotAllowed }
            return try getByIds(context)
        case .directoryObject(let id):
            guard method == "GET" else { throw GraphError.methodNotAllowed }
            return try getDirectoryObject(id, context)
        case .authenticationMethodConfiguration(let id):
            return try authenticationMethodConfiguration(id, context)
        case .synchronizationSchema(let servicePrincipal, let job):
            return try synchronizationSchema(servicePrincipal: servicePrincipal, job: job, context)
        case .permissionGrantPolicies(let path):
            return try permissionGrantPolicies(path, context)
        case .identitySynchronization(let partner):
            return try identitySynchronization(partner: partner, context)
        case .authenticationStrengths(let path):
            return try authenticationStrengths(path, context)
        case .privilegedAccess(let type, let id):
            return try privilegedAccess(type, id: id, context)
        case .branding(let organization):
            return try branding(organization: organization, context)
        case .batch:
            throw GraphError.badRequest("A $batch request cannot contain another $batch request.")
        }
    }
}
