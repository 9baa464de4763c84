import Foundation
import Testing
@testable import API

/// The server reads requests exactly as docs/openapi.yaml states them (what schemathesis's
/// negative and positive checks found): what the document refuses is a 400, and a request it
/// accepts is refused only with a 404, 409 or a documented 422, never a 400.
@Suite struct APISpecConformanceTests {
    /// `format: date-time` is RFC 3339's: what schemathesis generated and Foundation's ISO 8601
    /// styles refused (one fraction digit, odd offsets, lower-case `t`), and nothing more.
    @Test func timesAreRFC3339() throws {
        let iso = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for (text, utc) in [("2026-11-20T08:00:00Z", "2026-11-20T08:00:00.000Z"), ("2026-11-20t08:00:00.25z", "2026-11-20T08:00:00.250Z"),
                            ("3272-01-01T07:05:44.9+20:56", "3271-12-31T10:09:44.900Z"), ("1970-01-01T00:00:00-00:30", "1970-01-01T00:30:00.000Z"),
                            ("2000-02-29T23:59:59.0067-19:47", "2000-03-01T19:46:59.007Z"), ("1900-03-01T00:00:00Z", "1900-03-01T00:00:00.000Z")] {
            let parsed = try #require(RFC3339.dateTime(text), "\(text)")
            #expect(abs(parsed.timeIntervalSince(try iso.parse(utc))) < 0.001, "\(text)")
        }
        #expect(RFC3339.dateTime("0665-09-22T11:11:31.0067-19:47") != nil && RFC3339.dateTime("0000-01-01T00:00:00Z") != nil)
        for text in ["2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T08:60:00Z", "2026-11-20T08:00:61Z",
                     "2026-11-20T08:00:00", "2026-11-20T08:00:00+24:00", "2026-11-20 08:00:00Z", "2026-11-20T08:00:00.Z", "+2026-11-20T08:00:00Z",
                     "2026-11-20T08:00:00Z ", "2026-1-20T08:00:00Z", "2026-11-20T08:00:00+0530", "2026-11-20"] {
            #expect(RFC3339.dateTime(text) == nil, "\(text)")
        }
        #expect(RFC3339.fullDate("2024-02-29") == (try iso.parse("2024-02-29T00:00:00.000Z")))
        for text in ["2023-02-29", "2026-13-01", "2026-00-10", "26-01-01", "2026-01-01T00:00:00Z"] {
            #expect(RFC3339.fullDate(text) == nil, "\(text)")
        }
    }

    /// Found by the 10-minute run: `to=0001-01-01` made a default `from` in year 0, which PostgreSQL
    /// cannot hold (500). Times before year 1 read as year 1 everywhere.
    @Test func timesBeforeYearOneAreNotAServerError() async throws {
        // Proleptic Gregorian, as PostgreSQL counts (Foundation's styles switch to Julian before 1582).
        #expect(APITime.earliest == RFC3339.fullDate("0001-01-01"))
        #expect(APITime.parse("0000-03-01T00:00:00Z") == APITime.earliest && APITime.parse("0001-01-01T00:00:00+05:00") == APITime.earliest)
        try await APIFixture.run { fixture in
            let tenant = fixture.tenantB.lower
            for target in ["/v1/reports/compliance?to=0001-01-01&tenant_id=\(tenant)", "/v1/reports/compliance?from=0000-01-01&to=0000-02-01&tenant_id=\(tenant)",
                           "/v1/tenants/\(tenant)/sla?to=0001-01-01T00:00:00%2B05:00"] {
                let response = try await fixture.send("GET", target)
                #expect(response.status == 400 && response.errorCode == "invalid_parameter", "\(target): \(response.status) \(response.text)")
            }
            let early = try await fixture.send("GET", "/v1/reports/compliance?from=0000-06-01&to=0001-01-20&tenant_id=\(tenant)")
            #expect(early.status == 200, "\(early.text.prefix(300))")
        }
    }

    @Test func queryValuesAreReadAsStrictlyAsTheDocumentWritesThem() async throws {
        try await APIFixture.run { fixture in
            // Empty lists and elements, a kind no job could have, numbers with a sign or a leading zero.
            for target in ["/v1/jobs?state=", "/v1/jobs?state=running,,completed", "/v1/jobs?state=,running", "/v1/jobs?kind=", "/v1/jobs?kind=Backup",
                           "/v1/sla?state=", "/v1/sla?state=ok,", "/v1/jobs/+\(fixture.jobB)", "/v1/jobs/0\(fixture.jobB)",
                           "/v1/tenants/\(fixture.tenantB.lower)/object?type=user&id=a%00b"] {
                let response = try await fixture.send("GET", target, as: .readOnly)
                #expect(response.status == 400 && response.errorCode == "invalid_parameter", "\(target): \(response.status) \(response.text)")
            }
            for target in ["/v1/workers?cursor=o00", "/v1/workers?cursor=o+1", "/v1/jobs?cursor=b1000000000000000000", "/v1/jobs?cursor=b01"] {
                let response = try await fixture.send("GET", target, as: .readOnly)
                #expect(response.status == 400 && response.errorCode == "invalid_cursor", "\(target): \(response.status) \(response.text)")
            }
            for target in ["/v1/workers?limit=+5", "/v1/workers?limit=05"] {
                #expect(try await fixture.send("GET", target, as: .readOnly).status == 400, "\(target)")
            }
            // What the document allows still works.
            for target in ["/v1/jobs?state=running,completed&kind=backup,restore", "/v1/sla?state=ok,breached", "/v1/workers?limit=5&cursor=o0",
                           "/v1/jobs/\(fixture.jobB)"] {
                let response = try await fixture.send("GET", target, as: .readOnly)
                #expect(response.status == 200, "\(target): \(response.status) \(response.text)")
            }
        }
    }

    @Test func bodiesRefuseNullsNULAndBlankTextAndCountCodePoints() async throws {
        try await APIFixture.run { fixture in
            let tenant = fixture.tenantB.lower
            let refused: [(String, String, String, String)] = [
                ("POST", "/v1/tenants/\(tenant)/backups", #"{"full": null}"#, "'full' must not be null"),
                ("POST", "/v1/policies", #"{"name": "n", "description": null}"#, "'description' must not be null"),
                ("POST", "/v1/tenants/\(tenant)/suspend", #"{"reason": "a\u0000b"}"#, "'reason' contains a NUL"),
                ("POST", "/v1/tenants", #"{"entra_tenant_id": "\#(UUID().lower)", "display_name": "X", "credential": {"client_id": null}}"#,
                 "'credential.client_id' must not be null"),
                // Only white space, as the document's NonBlankText pattern spells it (NEL, ideographic space).
                ("POST", "/v1/tenants/\(tenant)/suspend", #"{"reason": "\u0085\u3000\t"}"#, "'reason' must not be empty"),
                // 1,000 characters of 2,000 code points: JSON Schema's maxLength counts code points.
                ("POST", "/v1/policies", #"{"name": "n", "description": "\#(String(repeating: "e\u{301}", count: 1000))"}"#, "'description' is longer than 1000"),
                ("POST", "/v1/policies", #"{"name": "a b"}"#, "'name' must be letters"),
            ]
            for (method, target, body, message) in refused {
                let response = try await fixture.send(method, target, json: body)
                #expect(response.status == 400 && response.errorMessage?.contains(message) == true, "\(target) \(body.prefix(80)): \(response.text)")
            }
            // Only white space in the Unicode sense, but not in the document's: a reason.
            let zeroWidth = try await fixture.send("POST", "/v1/tenants/\(tenant)/suspend", json: #"{"reason": "\ufeff"}"#)
            #expect(zeroWidth.status == 200, "\(zeroWidth.text)")
        }
    }

    /// Well-formed bodies the server cannot act on are 422 `unprocessable_request` (documented per
    /// operation), never the 400 of a malformed request.
    @Test func wellFormedBodiesNamingNothingAre422() async throws {
        try await APIFixture.run { fixture in
            let tenant = fixture.tenantB.lower
            let cases: [(String, String, String)] = [
                ("PUT", "/v1/tenants/\(tenant)/policy", #"{"policy_id": "\#(UUID().lower)"}"#),
                ("POST", "/v1/tenants", #"{"entra_tenant_id": "\#(UUID().lower)", "display_name": "X", "primary_domain": "x.example", "partner_id": "\#(UUID().lower)"}"#),
                ("POST", "/v1/policies", #"{"name": "w", "window_start": "02:00", "window_end": "02:00"}"#),
                ("POST", "/v1/policies", #"{"name": "z", "window_timezone": "Mars/Olympus"}"#),
            ]
            for (method, target, body) in cases {
                let response = try await fixture.send(method, target, json: body)
                #expect(response.status == 422 && response.errorCode == "unprocessable_request", "\(target) \(body): \(response.text)")
            }
        }
    }
}
