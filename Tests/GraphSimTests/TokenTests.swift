import Cryptography
import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

@Suite("Token endpoint and Graph authentication")
struct TokenTests {
    struct Assertion: Encodable {
        var aud: String
        var iss: String
        var sub: String
        var jti: String
        var nbf: Date
        var exp: Date
    }

    static func tokenRequest(_ fixture: SimulatedTenantFixture, tenant: String? = nil, _ fields: [(String, String)]) async throws -> HTTPTestResponse {
        let body = fields.map { "\($0.0)=\(GraphTestSession.formEncode($0.1))" }.joined(separator: "&")
        return try await HTTPTestClient.send("POST", "\(fixture.baseURL)/\(tenant ?? fixture.tenant.id)/oauth2/v2.0/token",
                                             headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                             body: Array(body.utf8))
    }

    static func secretFields(_ fixture: SimulatedTenantFixture, secret: String? = nil, scope: String = "https://graph.microsoft.com/.default") -> [(String, String)] {
        [("client_id", fixture.application.clientId), ("scope", scope), ("client_secret", secret ?? fixture.secret.value),
         ("grant_type", "client_credentials")]
    }

    /// The AADSTS code of a token error, after checking the documented fields are there.
    static func aadsts(_ response: HTTPTestResponse) throws -> Int? {
        let body = try response.json()
        for field in ["error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id"] {
            #expect(body[field] != nil, "token error without \(field)")
        }
        let description = body["error_description"]?.stringValue ?? ""
        let code = body["error_codes"]?.arrayValue?.first?.intValue
        #expect(description.hasPrefix("AADSTS\(code ?? 0): "))
        #expect(description.contains("\r\nTrace ID: "))
        #expect(description.contains("\r\nCorrelation ID: "))
        #expect(description.contains("\r\nTimestamp: "))
        return code
    }

    @Test("a client secret gets a JWT with the tenant, app id, roles and expiry")
    func secretToken() async throws {
        try await TestSupport.withFixture(permissions: ["User.Read.All", "Group.Read.All"]) { fixture in
            let response = try await Self.tokenRequest(fixture, Self.secretFields(fixture))
            #expect(response.status == 200)
            let body = try response.json()
            #expect(body["token_type"]?.stringValue == "Bearer")
            #expect(body["expires_in"]?.intValue == 3599)
            let token = try #require(body["access_token"]?.stringValue)
            let jws = try JSONWebSignature(compact: token)
            #expect(jws.header.algorithm == "RS256")
            let claims = try jws.claims(as: AccessTokenClaims.self)
            #expect(claims.tid == fixture.tenant.id)
            #expect(claims.appid == fixture.application.clientId)
            #expect(Set(claims.roles ?? []) == ["User.Read.All", "Group.Read.All"])
            #expect(claims.exp - claims.iat == 3599)
            #expect(claims.aud == "https://graph.microsoft.com")
            // The tenant can be named by a verified domain as well as by id.
            let byDomain = try await Self.tokenRequest(fixture, tenant: fixture.tenant.initialDomain, Self.secretFields(fixture))
            #expect(byDomain.status == 200)
            let byCustomDomain = try await Self.tokenRequest(fixture, tenant: fixture.tenant.name + ".com", Self.secretFields(fixture))
            #expect(byCustomDomain.status == 200)
            // An unverified domain does not name the tenant.
            let unverified = try await Self.tokenRequest(fixture, tenant: fixture.tenant.name + ".net", Self.secretFields(fixture))
            #expect(try Self.aadsts(unverified) == 90002)
        }
    }

    @Test("documented AADSTS errors: tenant, app, secret, expired secret, scope, missing credential")
    func tokenErrors() async throws {
        try await TestSupport.withFixture { fixture in
            let unknownTenant = try await Self.tokenRequest(fixture, tenant: "nowhere.onmicrosoft.com", Self.secretFields(fixture))
            #expect(unknownTenant.status == 400)
            #expect(try Self.aadsts(unknownTenant) == 90002)

            var fields = Self.secretFields(fixture)
            fields[0] = ("client_id", "11111111-2222-3333-4444-555555555555")
            let unknownApp = try await Self.tokenRequest(fixture, fields)
            #expect(try Self.aadsts(unknownApp) == 700016)
            #expect(try unknownApp.json()["error"]?.stringValue == "unauthorized_client")

            let wrongSecret = try await Self.tokenRequest(fixture, Self.secretFields(fixture, secret: "not-the-secret"))
            #expect(wrongSecret.status == 401)
            #expect(try wrongSecret.json()["error"]?.stringValue == "invalid_client")
            #expect(try Self.aadsts(wrongSecret) == 7000215)

            let badScope = try await Self.tokenRequest(fixture, Self.secretFields(fixture, scope: "https://foo.microsoft.com/.default"))
            #expect(badScope.status == 400)
            #expect(try badScope.json()["error"]?.stringValue == "invalid_scope")
            #expect(try Self.aadsts(badScope) == 70011)

            let twoResources = try await Self.tokenRequest(
                fixture, Self.secretFields(fixture, scope: "https://graph.microsoft.com/.default https://vault.azure.net/.default"))
            #expect(try Self.aadsts(twoResources) == 700022)

            let noCredential = try await Self.tokenRequest(fixture, Array(Self.secretFields(fixture).filter { $0.0 != "client_secret" }))
            #expect(try Self.aadsts(noCredential) == 7000218)

            // A secret valid for a day, then the simulated clock moves two days on.
            let shortLived = try fixture.simulator.addClientSecret(clientId: fixture.application.clientId, validFor: 86_400)
            #expect(try await Self.tokenRequest(fixture, Self.secretFields(fixture, secret: shortLived.value)).status == 200)
            fixture.simulator.advanceClock(by: 2 * 86_400)
            let expired = try await Self.tokenRequest(fixture, Self.secretFields(fixture, secret: shortLived.value))
            #expect(expired.status == 401)
            #expect(try Self.aadsts(expired) == 7000222)
        }
    }

    @Test("certificate client assertions: RS256 with x5t and PS256 with x5t#S256, claims checked",
          arguments: [SignatureAlgorithm.rs256, .ps256])
    func certificateAssertion(_ algorithm: SignatureAlgorithm) async throws {
        try await TestSupport.withFixture(permissions: ["User.Read.All"]) { fixture in
            let key = try PrivateKey.generateRSA(bits: 2048)
            let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast-test", validFor: 86_400 * 30)
            try fixture.simulator.addCertificate(clientId: fixture.application.clientId, pem: certificate.pem())
            let clientId = fixture.application.clientId
            let audience = "\(fixture.baseURL)/\(fixture.tenant.id)/oauth2/v2.0/token"
            func assertion(audience: String = audience, issuer: String? = nil, signingKey: PrivateKey = key,
                           jti: String = UUID().uuidString, notBefore: Date = Date(), expires: Date = Date().addingTimeInterval(600)) throws -> String {
                let header = algorithm == .rs256 ? JOSEHeader.x509SHA1(certificate) : JOSEHeader.x509SHA256(certificate)
                return try JSONWebSignature.sign(
                    header: header,
                    claims: Assertion(aud: audience, iss: issuer ?? clientId, sub: clientId, jti: jti, nbf: notBefore, exp: expires),
                    key: signingKey, algorithm: algorithm)
            }
            func request(_ assertion: String) async throws -> HTTPTestResponse {
                try await Self.tokenRequest(fixture, [
                    ("client_id", clientId), ("scope", "https://graph.microsoft.com/.default"),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion), ("grant_type", "client_credentials"),
                ])
            }
            let good = try await request(assertion())
            #expect(good.status == 200, "\(good.text)")
            let claims = try JSONWebSignature(compact: try #require(try good.json()["access_token"]?.stringValue))
                .claims(as: AccessTokenClaims.self)
            #expect(claims.appidacr == "2")

            let forged = try await request(assertion(signingKey: try PrivateKey.generateRSA(bits: 2048)))
            #expect(forged.status == 401)
            #expect(try Self.aadsts(forged) == 700027)
            let wrongAudience = try await request(assertion(audience: "https://login.microsoftonline.com/other/oauth2/v2.0/token"))
            #expect(wrongAudience.status == 401)
            let wrongIssuer = try await request(assertion(issuer: "someone-else"))
            #expect(wrongIssuer.status == 401)
            let expired = try await request(assertion(notBefore: Date().addingTimeInterval(-7200), expires: Date().addingTimeInterval(-3600)))
            #expect(try Self.aadsts(expired) == 700024)
            let jti = UUID().uuidString
            #expect(try await request(assertion(jti: jti)).status == 200)
            #expect(try await request(assertion(jti: jti)).status == 400, "a replayed assertion must be refused")
        }
    }

    @Test("Graph answers 401 InvalidAuthenticationToken for missing, forged and expired tokens")
    func graphAuthentication() async throws {
        try await TestSupport.withFixture { fixture in
            let missing = try await HTTPTestClient.send("GET", fixture.baseURL + "/v1.0/users")
            #expect(missing.status == 401)
            #expect(missing.errorCode == "InvalidAuthenticationToken")
            #expect(try missing.json()["error"]?["message"]?.stringValue == "Access token is empty.")

            let session = try await fixture.session()
            var parts = session.accessToken.split(separator: ".").map(String.init)
            parts[1] = Base64URL.encode(Array(#"{"tid":"x","appid":"y"}"#.utf8))
            let forged = try await HTTPTestClient.send("GET", fixture.baseURL + "/v1.0/users",
                                                       headers: [("Authorization", "Bearer " + parts.joined(separator: "."))])
            #expect(forged.status == 401)
            #expect(forged.errorCode == "InvalidAuthenticationToken")

            #expect(try await session.get("/users").status == 200)
            fixture.simulator.advanceClock(by: 3600)
            let expired = try await session.get("/users")
            #expect(expired.status == 401)
            #expect(try expired.json()["error"]?["message"]?.stringValue == "Lifetime validation failed, the token is expired.")
            // A fresh token works again.
            #expect(try await fixture.session().get("/users").status == 200)
        }
    }

    @Test("permissions revoked in the tenant are missing from the next token")
    func revokedPermission() async throws {
        try await TestSupport.withFixture(permissions: ["User.Read.All", "Group.Read.All"]) { fixture in
            #expect(try await fixture.session().get("/groups").status == 200)
            try fixture.simulator.revokePermissions(["Group.Read.All"], clientId: fixture.application.clientId, tenant: fixture.tenant.id)
            let session = try await fixture.session()
            #expect(try await session.get("/groups").status == 403)
            #expect(try await session.get("/users").status == 200)
        }
    }
}
