import Cryptography
import Postgres
import Prometheus
import Foundation
import Hummingbird
import Testing
@testable import API

/// Client-controlled numbers never reach trapping arithmetic: every GET route is called with
/// extreme cursors, limits, ids, periods and times, and each answer is a 2xx/4xx (or the
/// deliberate 503 of a missing master key part). A trap would kill the test process, and with it the
/// coordinator that serves the API and holds the leader lease; afterwards the server still answers.
@Suite struct APIHostileInputTests {
    /// `base64url("<kind>:<value>")`, the shape of the API's cursors.
    static func cursor(_ text: String) -> String { Base64URL.encode(Array(text.utf8)) }

    /// Cursors are `o<offset>` or `b<id>`; earlier releases sent base64url of `o:<offset>`, which
    /// is what the original crash used. Both shapes, at and past every boundary.
    static let forgedCursors = [
        cursor("o:9223372036854775807"), cursor("o:9223372036854775600"), cursor("o:-1"), cursor("b:-9223372036854775808"),
        "o9223372036854775807", "o9223372036854775600", "o4611686018427387904", "o1000000", "o1000001", "o-1",
        "o99999999999999999999", "b9223372036854775807", "b9223372036854775808", "b-9223372036854775808", "b0", "x1", "o", "b",
        "%00", "!!!", "",
    ]

    static let extremeNumbers = [
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616", "-1", "0",
        "1e308", "NaN", "0x10", "+1", " 1", "1.5", "",
    ]

    static let extremeTimes = [
        "0001-01-01", "9999-12-31", "99999-01-01", "1970-01-01T00:00:00Z", "292277026596-12-04T15:30:07Z",
        "2026-11-01T00:00:00+99:99", "-0001-01-01", "", "now",
    ]

    @Test func aForgedOffsetCursorIsAnInvalidCursorNotACrash() async throws {
        try await APIFixture.run { fixture in
            for forged in [Self.cursor("o:9223372036854775807"), "o9223372036854775807"] {
                let response = try await fixture.send("GET", "/v1/restores?tenant_id=\(fixture.tenantB.lower)&cursor=\(forged)", as: .readOnly)
                #expect(response.status == 400 && response.errorCode == "invalid_cursor", "\(response.status) \(response.text)")
                let workers = try await fixture.send("GET", "/v1/workers?cursor=\(forged)", as: .readOnly)
                #expect(workers.status == 400 && workers.errorCode == "invalid_cursor", "\(workers.status) \(workers.text)")
            }
            #expect(try await fixture.send("GET", "/healthz", as: .anonymous).status == 200)
        }
    }

    @Test func everyReadRouteSurvivesExtremeParameters() async throws {
        try await APIFixture.run { fixture in
            var sent = 0
            for route in fixture.server.routes.all where route.method == .get {
                for target in targets(for: route, fixture: fixture) {
                    let response = try await fixture.send("GET", target, as: .operatorKey)
                    sent += 1
                    let deliberate = response.status == 503 && response.errorCode == "unavailable"
                    #expect(response.status < 500 || deliberate, "GET \(target) -> \(response.status) \(response.text.prefix(300))")
                    if response.status >= 400 {
                        #expect(response.errorCode != nil, "GET \(target): every refusal has the error shape")
                    }
                }
            }
            #expect(sent > 500)
            let health = try await fixture.send("GET", "/healthz", as: .anonymous)
            #expect(health.status == 200, "the server still answers after the fuzz")
            #expect(try await fixture.send("GET", "/v1/tenants", as: .readOnly).status == 200)
        }
    }

    /// Every extreme value in every path parameter and query parameter the route reads, one at a time.
    private func targets(for route: APIRoute, fixture: APIFixture) -> [String] {
        func path(overriding name: String? = nil, with value: String = "") -> String {
            var path = route.path
            for parameter in route.parameterNames {
                let sample: String
                if parameter == name {
                    sample = value
                } else {
                    switch parameter {
                    case "tenant_id": sample = fixture.tenantB.lower
                    case "job_id": sample = String(fixture.jobB)
                    case "snapshot_id": sample = String(fixture.snapshotB)
                    case "policy_id": sample = fixture.standardPolicy.lower
                    default: sample = "5f0c7a1e-4a3b-4c2d-9e8f-0123456789ab"
                    }
                }
                path = path.replacingOccurrences(of: "{\(parameter)}", with: sample.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            return path
        }
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        // A base query that passes validation where a route requires parameters.
        var base: [String: String] = ["tenant_id": fixture.tenantB.lower]
        if route.path.hasSuffix("/object") || route.path.hasSuffix("/history") { base["type"] = "user"; base["id"] = "u1" }
        if route.path.hasSuffix("/diff") { base["from"] = String(fixture.snapshotB); base["to"] = String(fixture.snapshotB) }
        func query(_ values: [String: String]) -> String {
            "?" + values.sorted { $0.key < $1.key }.map { "\($0.key)=\(encoded($0.value))" }.joined(separator: "&")
        }

        var targets: [String] = []
        for name in route.parameterNames {
            for value in Self.extremeNumbers + ["not-a-uuid", "00000000-0000-0000-0000-000000000000"] {
                targets.append(path(overriding: name, with: value) + query(base))
            }
        }
        let numeric = ["limit", "from", "to", "snapshot_id", "id", "partner_id", "tenant_id", "kind", "state", "status"]
        for name in numeric {
            for value in Self.extremeNumbers {
                targets.append(path() + query(base.merging([name: value]) { $1 }))
            }
        }
        for value in Self.forgedCursors {
            targets.append(path() + query(base.merging(["cursor": value]) { $1 }))
            targets.append(path() + query(base.merging(["cursor": value, "limit": "200"]) { $1 }))
        }
        for name in ["from", "to", "at"] {
            for value in Self.extremeTimes {
                targets.append(path() + query(base.merging([name: value]) { $1 }))
            }
        }
        return targets
    }
}

/// `/metrics` label cardinality (review F4): requests to paths no route matches, with methods
/// nobody declared, share fixed labels; known routes keep their template as label.
@Suite struct APIMetricsCardinalityTests {
    @Test func randomPathsAndMethodsAddNoSeries() async throws {
        let registry = PrometheusCollectorRegistry()
        try await APIFixture.run(metrics: registry) { fixture in
            #expect(try await fixture.send("GET", "/healthz", as: .anonymous).status == 200)
            #expect(try await fixture.send("GET", "/v1/tenants/\(fixture.tenantB.lower)", as: .readOnly).status == 200)
            func series() async throws -> [Substring] {
                let scraped = try await fixture.send("GET", "/metrics", as: .readOnly)
                #expect(scraped.status == 200)
                return scraped.text.split(separator: "\n").filter { $0.hasPrefix("hb_requests{") }
            }
            let before = try await series()
            #expect(before.contains { $0.contains(#"http_route="/healthz""#) }, "matched routes are labelled by their template: \(before)")
            #expect(before.contains { $0.contains(#"http_route="/v1/tenants/{tenant_id}""#) }, "\(before)")
            let methods = ["GET", "POST", "DELETE", "PROPFIND"]
            for index in 0..<1_000 {
                let method = index % 5 == 4 ? "X\(index)" : methods[index % methods.count]
                _ = try await fixture.send(method, "/nope-\(index)/\(UUID().uuidString)", as: .anonymous)
            }
            let after = try await series()
            #expect(!after.contains { $0.contains("nope-") }, "no path becomes a label")
            #expect(!after.contains { $0.contains(#"method="X"#) || $0.contains("PROPFIND") }, "no invented method becomes a label")
            // unmatched × {GET, POST, DELETE, _OTHER} × the statuses they got, plus the scrapes.
            #expect(after.count <= before.count + 12, "\(after.count - before.count) new series: \(after)")
        }
    }
}

/// Transport and exposure (review F13): methods a path does not declare answer 405 with `Allow`;
/// responses carry headers that keep a browser from sniffing, framing or leaking them.
@Suite struct APIExposureTests {
    @Test func anUndeclaredMethodIs405WithAllow() async throws {
        try await APIFixture.run { fixture in
            let put = try await fixture.send("PUT", "/healthz", as: .anonymous)
            #expect(put.status == 405 && put.errorCode == "method_not_allowed", "\(put.status) \(put.text)")
            #expect(put.raw.header("Allow") == "GET, HEAD", "\(String(describing: put.raw.header("Allow")))")
            let delete = try await fixture.send("DELETE", "/v1/tenants/\(fixture.tenantB.lower)/snapshots", as: .anonymous)
            #expect(delete.status == 405 && delete.raw.header("Allow") == "GET, HEAD")
            let tenant = try await fixture.send("TRACE", "/v1/policies/\(fixture.standardPolicy.lower)", as: .anonymous)
            #expect(tenant.status == 405 && tenant.raw.header("Allow")?.contains("PATCH") == true, "\(tenant.status) \(String(describing: tenant.raw.header("Allow")))")
            #expect(try await fixture.send("PUT", "/no/such/path", as: .anonymous).status == 404)
        }
    }

    @Test func htmlAndJSONResponsesCarrySecurityHeaders() async throws {
        try await APIFixture.run { fixture in
            let html = try await fixture.send("GET", "/v1/reports/compliance?format=html&tenant_id=\(fixture.tenantB.lower)", as: .readOnly)
            #expect(html.status == 200 && html.raw.header("Content-Type")?.hasPrefix("text/html") == true, "\(html.status) \(html.text.prefix(200))")
            let missing = try await fixture.send("GET", "/nothing", as: .anonymous)
            for response in [html, missing, try await fixture.send("GET", "/healthz", as: .anonymous)] {
                #expect(response.raw.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
                #expect(response.raw.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(response.raw.header("X-Frame-Options") == "DENY")
                #expect(response.raw.header("X-Content-Type-Options") == "nosniff")
                #expect(response.raw.header("Referrer-Policy") == "no-referrer")
            }
        }
    }
}

/// API keys against a database writer (review F7): a row whose hash anyone can compute from the
/// source (the constant key of earlier releases) does not authenticate.
@Suite struct APIKeyForgeryTests {
    @Test func aRowHashedWithThePublicConstantDoesNotAuthenticate() async throws {
        try await APIFixture.run { fixture in
            let secret = Base64URL.encode(SecureRandom.bytes(32))
            let keyID = "forgedkey234"
            let hash = HMACSHA256.authenticate(Array(secret.utf8), key: Array("holdfast.api_key.secret.v1".utf8))
            try await fixture.client.query("""
                INSERT INTO api_keys (key_id, secret_hash, name, role, created_by)
                VALUES (\(keyID), \(PostgresBytes(hash)), 'minted', 'operator', 'attacker')
                """)
            let minted = try await fixture.send("GET", "/v1/tenants", as: .anonymous, headers: [("Authorization", "Bearer hf_live_\(keyID)_\(secret)")])
            #expect(minted.status == 401 && minted.errorCode == "invalid_api_key", "\(minted.status) \(minted.text)")
            #expect(try await fixture.send("GET", "/v1/tenants", as: .operatorKey).status == 200, "keys made by the store still work")
        }
    }
}
