public import GraphSim

/// An app's view of a running simulator in tests: it holds an access token from the token
/// endpoint and sends Graph requests with it, over real HTTP.
public struct GraphTestSession: Sendable {
    public let baseURL: String
    public let tenantId: String
    public let clientId: String
    public let accessToken: String

    /// Client credentials with a secret, through the token endpoint.
    public static func acquire(baseURL: String, tenant: String, clientId: String, secret: String) async throws -> GraphTestSession {
        let form = "client_id=\(formEncode(clientId))&scope=\(formEncode("https://graph.microsoft.com/.default"))"
            + "&client_secret=\(formEncode(secret))&grant_type=client_credentials"
        let response = try await HTTPTestClient.send(
            "POST", "\(baseURL)/\(tenant)/oauth2/v2.0/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        guard response.status == 200, let token = try response.json()["access_token"]?.stringValue else {
            throw HTTPTestError(code: .connectionClosed, message: "token request failed with \(response.status): \(response.text)")
        }
        return GraphTestSession(baseURL: baseURL, tenantId: tenant, clientId: clientId, accessToken: token)
    }

    public static func formEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// `path` is below `/v1.0` (`/users?$top=5`) or an absolute URL (a next link).
    public func send(
        _ method: String,
        _ path: String,
        json: JSONValue? = nil,
        headers: [(String, String)] = []
    ) async throws -> HTTPTestResponse {
        let url = path.hasPrefix("http") ? path : baseURL + "/v1.0" + path
        var allHeaders = [("Authorization", "Bearer \(accessToken)")] + headers
        if json != nil { allHeaders.append(("Content-Type", "application/json")) }
        return try await HTTPTestClient.send(method, url, headers: allHeaders, body: json.map { JSONWriter.serialize($0) } ?? [])
    }

    public func get(_ path: String, headers: [(String, String)] = []) async throws -> HTTPTestResponse {
        try await send("GET", path, headers: headers)
    }

    /// Follows `@odata.nextLink` from `path` and returns every item of every page.
    public func getAll(_ path: String, headers: [(String, String)] = []) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var next: String? = path
        while let link = next {
            let response = try await get(link, headers: headers)
            guard response.status == 200 else {
                throw HTTPTestError(code: .connectionClosed, message: "GET \(link) failed with \(response.status): \(response.text)")
            }
            let page = try response.json()
            items += page["value"]?.arrayValue ?? []
            next = page["@odata.nextLink"]?.stringValue
        }
        return items
    }
}

/// A running simulator with one seeded tenant and an app registered in it, for tests.
public struct SimulatedTenantFixture: Sendable {
    public let simulator: GraphSimulator
    public let baseURL: String
    public let tenant: SimulatedTenant
    public let application: RegisteredApplication
    public let secret: IssuedSecret

    /// A session for the fixture's application.
    public func session() async throws -> GraphTestSession {
        try await GraphTestSession.acquire(baseURL: baseURL, tenant: tenant.id, clientId: application.clientId, secret: secret.value)
    }
}

extension GraphSimulator {
    /// Seeds `name` with `profile`, registers an app with `permissions` and a secret in it.
    public func makeFixture(
        tenant name: String,
        profile: SeedProfile = .small,
        seed: UInt64 = 1,
        permissions: [String]
    ) async throws -> SimulatedTenantFixture {
        let baseURL = try await start()
        let tenant = try tenant(named: name) ?? createTenant(TenantSpecification(name: name, profile: profile, seed: seed))
        let application = try registerApplication(tenant: tenant.id, displayName: "Holdfast test \(name)", permissions: permissions)
        let secret = try addClientSecret(clientId: application.clientId)
        return SimulatedTenantFixture(simulator: self, baseURL: baseURL, tenant: tenant, application: application, secret: secret)
    }
}
