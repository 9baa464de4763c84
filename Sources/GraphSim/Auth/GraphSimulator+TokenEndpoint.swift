import Foundation
import Cryptography

/// The OAuth 2.0 client credentials grant at `POST /{tenant}/oauth2/v2.0/token`, with client
/// secrets (form field or HTTP Basic) and certificate client assertions (RS256 + `x5t`, PS256 +
/// `x5t#S256`), answering with Entra's documented AADSTS errors.
extension GraphSimulator {
    struct TokenFailure: Error {
        var status: Int
        var error: String
        var code: Int
        var message: String
    }

    func handleTokenRequest(_ request: GraphRequest, tenantSegment: String) -> GraphResponse {
        let traceId = SecureRandom.uuid()
        let correlationId = request.header("client-request-id") ?? SecureRandom.uuid()
        do {
            let body = try issueToken(request, tenantSegment: tenantSegment)
            var response = GraphResponse(status: 200, headers: [("Content-Type", "application/json; charset=utf-8")],
                                         body: JSONWriter.serialize(body))
            response.headers.append(("Cache-Control", "no-store, no-cache"))
            response.headers.append(("x-ms-request-id", traceId))
            return response
        } catch let failure as TokenFailure {
            let now = clock.now
            let timestamp = Timestamp.formatTokenError(now)
            let description = "AADSTS\(failure.code): \(failure.message)\r\nTrace ID: \(traceId)\r\nCorrelation ID: \(correlationId)\r\nTimestamp: \(timestamp)"
            let body: JSONObject = [
                "error": .string(failure.error),
                "error_description": .string(description),
                "error_codes": [.int(failure.code)],
                "timestamp": .string(timestamp),
                "trace_id": .string(traceId),
                "correlation_id": .string(correlationId),
                "error_uri": .string("https://login.microsoftonline.com/error?code=\(failure.code)"),
            ]
            return GraphResponse(status: failure.status,
                                 headers: [("Content-Type", "application/json; charset=utf-8"),
                                           ("x-ms-request-id", traceId)],
                                 body: JSONWriter.serialize(body))
        } catch {
            return GraphResponse(status: 500, body: Array("internal error".utf8))
        }
    }

    private func issueToken(_ request: GraphRequest, tenantSegment: String) throws -> JSONObject {
        let form = Dictionary(GraphRequest.parseQuery(String(decoding: request.body, as: UTF8.self)).map { ($0.name, $0.value) },
                              uniquingKeysWith: { first, _ in first })
        // The tenant is named by its id or a verified domain (not by graph-sim's short name).
        let segment = tenantSegment.lowercased()
        guard let tenant = tenant(named: segment), segment == tenant.id || tenant.domainNames.contains(segment) else {
            throw TokenFailure(status: 400, error: "invalid_request", code: 90002,
                               message: "Tenant '\(tenantSegment)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.")
        }
        guard let grantType = form["grant_type"] else {
            throw TokenFailure(status: 400, error: "invalid_request", code: 900144,
                               message: "The request body must contain the following parameter: 'grant_type'.")
        }
        guard grantType == "client_credentials" else {
            throw TokenFailure(status: 400, error: "unsupported_grant_type", code: 70003,
                               message: "The app requested an unsupported grant type '\(grantType)'.")
        }
        if form["resource"] != nil {
            throw TokenFailure(status: 400, error: "invalid_request", code: 901002,
                               message: "The 'resource' request parameter is not supported.")
        }
        var clientId = form["client_id"]
        var basicSecret: String?
        if let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("basic "),
           let decoded = Data(base64Encoded: String(authorization.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
           let colon = decoded.firstIndex(of: ":") {
            clientId = clientId ?? GraphRequest.percentDecode(String(decoded[..<colon]), plusIsSpace: true)
            basicSecret = GraphRequest.percentDecode(String(decoded[decoded.index(after: colon)...]), plusIsSpace: true)
        }
        guard let clientId, !clientId.isEmpty else {
            throw TokenFailure(status: 400, error: "invalid_request", code: 900144,
                               message: "The request body must contain the following parameter: 'client_id'.")
        }
        guard let scope = form["scope"], !scope.isEmpty else {
            throw TokenFailure(status: 400, error: "invalid_request", code: 900144,
                               message: "The request body must contain the following parameter: 'scope'.")
        }
        let scopes = scope.split(separator: " ").map(String.init)
        let resources = Set(scopes.map { $0.hasSuffix("/.default") ? String($0.dropLast(9)) : $0 })
        if resources.count > 1 {
            throw TokenFailure(status: 400, error: "invalid_scope", code: 700022,
                               message: "The provided value for the input parameter scope is not valid because it contains more than one resource. Scope \(scope) is not valid.")
        }
        let graphScopes: Set<String> = ["https://graph.microsoft.com/.default", "https://graph.microsoft.com//.default",
                                        "00000003-0000-0000-c000-000000000000/.default"]
        guard scopes.count == 1, graphScopes.contains(scopes[0]) else {
            throw TokenFailure(status: 400, error: "invalid_scope", code: 70011,
                               message: "The provided value for the input parameter 'scope' is not valid. The scope \(scope) is not valid.")
        }

        let now = clock.now
        guard let registration = application(clientId: clientId),
              let (servicePrincipalId, enabled, roles) = tenant.withDirectory({ directory -> (String, Bool, [String])? in
                  guard let spId = directory.servicePrincipalId(appId: clientId) else { return nil }
                  let enabled = directory.entity(.servicePrincipal, spId)?.object["accountEnabled"]?.boolValue ?? true
                  return (spId, enabled, directory.grantedGraphPermissions(servicePrincipalId: spId))
              }) else {
            throw TokenFailure(status: 400, error: "unauthorized_client", code: 700016,
                               message: "Application with identifier '\(clientId)' was not found in the directory '\(tenant.displayName)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.")
        }
        guard enabled else {
            throw TokenFailure(status: 400, error: "unauthorized_client", code: 7000112,
                               message: "Application '\(clientId)'(\(registration.displayName)) is disabled.")
        }

        let appidacr: String
        if let secret = form["client_secret"] ?? basicSecret {
            guard let match = registration.secretMatching(secret) else {
                throw TokenFailure(status: 401, error: "invalid_client", code: 7000215,
                                   message: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientId)'.")
            }
            guard match.endDateTime > now else {
                throw TokenFailure(status: 401, error: "invalid_client", code: 7000222,
                                   message: "The provided client secret keys for app '\(clientId)' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.")
            }
            appidacr = "1"
        } else if let assertion = form["client_assertion"] {
            guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                throw TokenFailure(status: 400, error: "invalid_request", code: 50027,
                                   message: "Invalid client_assertion_type; expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.")
            }
            try verifyAssertion(assertion, registration: registration, tenant: tenant, tenantSegment: tenantSegment,
                                origin: request.origin)
            appidacr = "2"
        } else {
            throw TokenFailure(status: 400, error: "invalid_client", code: 7000218,
                               message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
        }

        let issuedAt = Int(now.timeIntervalSince1970)
        let lifetime = configuration.tokenLifetime
        let claims = AccessTokenClaims(
            aud: WellKnown.graphResource,
            iss: "https://sts.windows.net/\(tenant.id)/",
            iat: issuedAt,
            nbf: issuedAt,
            exp: issuedAt + lifetime,
            appDisplayName: registration.displayName,
            appid: registration.clientId,
            appidacr: appidacr,
            idp: "https://sts.windows.net/\(tenant.id)/",
            idtyp: "app",
            oid: servicePrincipalId,
            roles: roles.isEmpty ? nil : roles,
            sub: servicePrincipalId,
            tid: tenant.id,
            uti: Base64URL.encode(SecureRandom.bytes(16)),
            ver: "1.0"
        )
        let token = try tokens.issue(claims)
        return [
            "token_type": "Bearer",
            "expires_in": .int(lifetime),
            "ext_expires_in": .int(lifetime),
            "access_token": .string(token),
        ]
    }

    /// Checks a certificate client assertion: a registered certificate named by `x5t` or
    /// `x5t#S256`, an RS256 or PS256 signature, and the documented claims.
    private func verifyAssertion(
        _ assertion: String,
        registration: AppRegistration,
        tenant: SimulatedTenant,
        tenantSegment: String,
        origin: String
    ) throws {
        let clientId = registration.clientId
        let jws: JSONWebSignature
        do {
            jws = try JSONWebSignature(compact: assertion)
        } catch {
            throw TokenFailure(status: 400, error: "invalid_request", code: 50027,
                               message: "JWT token is invalid or malformed.")
        }
        let sha1 = jws.header.x509SHA1Thumbprint
        let sha256 = jws.header.x509SHA256Thumbprint
        guard let registered = registration.certificate(sha1Thumbprint: sha1, sha256Thumbprint: sha256) else {
            throw TokenFailure(status: 401, error: "invalid_client", code: 700027,
                               message: "Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '\(sha256 ?? sha1 ?? "")', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '\(clientId)'.]")
        }
        do {
            try jws.verify(key: registered.certificate.publicKey, allowedAlgorithms: [.rs256, .ps256])
        } catch {
            throw TokenFailure(status: 401, error: "invalid_client", code: 700027,
                               message: "Client assertion failed signature validation.")
        }
        struct Claims: Decodable {
            var aud: String?
            var iss: String?
            var sub: String?
            var jti: String?
            var nbf: Double?
            var exp: Double?
        }
        let claims: Claims
        do {
            claims = try JSONDecoder().decode(Claims.self, from: Data(jws.payload))
        } catch {
            throw TokenFailure(status: 400, error: "invalid_request", code: 50027,
                               message: "JWT token is invalid or malformed.")
        }
        guard claims.iss == clientId, claims.sub == clientId else {
            throw TokenFailure(status: 401, error: "invalid_client", code: 700023,
                               message: "Client assertion audience claim does not match Realm issuer, or 'iss' and 'sub' are not the client id '\(clientId)'.")
        }
        let audiences = Set([tenant.id, tenantSegment.lowercased(), tenant.initialDomain].flatMap { name in
            ["\(origin)/\(name)/oauth2/v2.0/token", "https://login.microsoftonline.com/\(name)/oauth2/v2.0/token",
             "https://login.microsoftonline.com/\(name)/v2.0"]
        })
        guard let audience = claims.aud, audiences.contains(audience.lowercased()) || audiences.contains(audience) else {
            throw TokenFailure(status: 401, error: "invalid_client", code: 700212,
                               message: "The audience claim ('aud') of the client assertion is not valid for this token endpoint: '\(claims.aud ?? "")'.")
        }
        guard let jti = claims.jti, !jti.isEmpty else {
            throw TokenFailure(status: 400, error: "invalid_request", code: 50027,
                               message: "JWT token is invalid or malformed: the 'jti' claim is missing.")
        }
        // The client's clock is real time: an assertion made now must be accepted even after an
        // admin moved the simulated clock.
        let wallClock = Date().timeIntervalSince1970
        let skew = 300.0
        guard let exp = claims.exp, let nbf = claims.nbf, exp > wallClock - skew, nbf <= wallClock + skew else {
            throw TokenFailure(status: 401, error: "invalid_client", code: 700024,
                               message: "Client assertion is not within its valid time range. Current time: \(Timestamp.format(Date())), assertion valid from \(claims.nbf.map { Timestamp.format(Date(timeIntervalSince1970: $0)) } ?? "-"), expiry time of assertion \(claims.exp.map { Timestamp.format(Date(timeIntervalSince1970: $0)) } ?? "-").")
        }
        let replayed = usedAssertions.withLockedValue { used -> Bool in
            let now = Date()
            used = used.filter { $0.value > now }
            let key = clientId + "|" + jti
            if used[key] != nil { return true }
            used[key] = Date(timeIntervalSince1970: exp + skew)
            return false
        }
        if replayed {
            throw TokenFailure(status: 400, error: "invalid_request", code: 50027,
                               message: "JWT token is invalid or malformed: the assertion with jti '\(jti)' was already used.")
        }
    }
}
