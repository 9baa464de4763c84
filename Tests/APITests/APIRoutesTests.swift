import Foundation
import Postgres
import Prometheus
import Queue
import Testing
@testable import API

@Suite struct APIRoutesTests {
    @Test func healthAndReadiness() async throws {
        // No caching of /readyz's answer here: the test changes the schema between two probes.
        try await APIFixture.run(configuration: APIConfiguration(host: "127.0.0.1", port: 0, readinessInterval: .zero)) { fixture in
            let health = try await fixture.send("GET", "/healthz", as: .anonymous)
            #expect(health.status == 200 && health.object["status"] as? String == "ok")
            let ready = try await fixture.send("GET", "/readyz", as: .anonymous)
            #expect(ready.status == 200 && ready.object["status"] as? String == "ready")
            #expect(ready.object["schema_version"] as? Int == ready.object["latest_version"] as? Int)
            // A migration this database has not applied makes the coordinator not ready.
            try await fixture.client.query("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
            let pending = try await fixture.send("GET", "/readyz", as: .anonymous)
            #expect(pending.status == 503 && pending.object["status"] as? String == "migrations_pending")
            #expect((pending.object["pending_migrations"] as? [Int])?.count == 1)
            // Metrics need a key; this process collects none, which it says.
            #expect(try await fixture.send("GET", "/metrics", as: .anonymous).status == 401)
            #expect(try await fixture.send("GET", "/metrics", as: .readOnly).errorCode == "unavailable")
        }
    }

    @Test func errorsHaveOneShapeAndCarryTheRequestID() async throws {
        try await APIFixture.run { fixture in
            let missing = try await fixture.send("GET", "/v1/nothing-here", headers: [("X-Request-Id", "trace-123")])
            #expect(missing.status == 404 && missing.errorCode == "route_not_found")
            #expect(missing.raw.header("X-Request-Id") == "trace-123")
            #expect((missing.object["error"] as? [String: Any])?["request_id"] as? String == "trace-123")
            // An unusable id is replaced, not echoed.
            let odd = try await fixture.send("GET", "/healthz", headers: [("X-Request-Id", "bad id with spaces")])
            #expect(odd.raw.header("X-Request-Id") != "bad id with spaces" && odd.raw.header("X-Request-Id")?.isEmpty == false)
            let garbage = try await fixture.send("GET", "/v1/tenants", headers: [("Authorization", "Bearer hf_live_nope")])
            #expect(garbage.status == 401)
            let noScheme = try await fixture.send("GET", "/v1/tenants", as: .anonymous, headers: [("Authorization", fixture.tokens[.operatorKey]!)])
            #expect(noScheme.status == 401 && noScheme.errorCode == "unauthenticated")
            let notJob = try await fixture.send("GET", "/v1/jobs/abc")
            #expect(notJob.status == 400 && notJob.errorCode == "invalid_parameter")
            let unknownJob = try await fixture.send("GET", "/v1/jobs/999999999")
            #expect(unknownJob.status == 404 && unknownJob.errorCode == "not_found")
        }
    }

    @Test func aTamperedSecretIsRefusedAndAValidKeyRecordsItsUse() async throws {
        try await APIFixture.run { fixture in
            let token = fixture.tokens[.readOnly]!
            var tampered = Array(token)
            tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
            let refused = try await fixture.send("GET", "/v1/tenants", as: .anonymous, headers: [("Authorization", "Bearer \(String(tampered))")])
            #expect(refused.status == 401 && refused.errorCode == "invalid_api_key")
            let keyID = String(token.dropFirst("hf_live_".count).prefix(12))
            let before = try await fixture.client.query("SELECT last_used_at FROM api_keys WHERE key_id = \(keyID)").first!
            #expect(try before.decode(Date?.self, "last_used_at") == nil, "a refused request is not a use")
            #expect(try await fixture.send("GET", "/v1/tenants", as: .readOnly).status == 200)
            let after = try await fixture.client.query("SELECT last_used_at FROM api_keys WHERE key_id = \(keyID)").first!
            let first = try #require(try after.decode(Date?.self, "last_used_at"))
            // Within the minute, further uses do not write again.
            #expect(try await fixture.send("GET", "/v1/tenants", as: .readOnly).status == 200)
            let again = try await fixture.client.query("SELECT last_used_at FROM api_keys WHERE key_id = \(keyID)").first!
            #expect(try again.decode(Date?.self, "last_used_at") == first)
        }
    }

    @Test func revokingAKeyRefusesItFromTheNextRequest() async throws {
        try await APIFixture.run { fixture in
            let keys = APIKeyStore(client: fixture.client, hasher: fixture.keyHasher, logger: .init(label: "test"))
            let created = try await keys.create(name: "temp", role: .operator, partnerID: nil, actor: "test")
            #expect(created.token.hasPrefix("hf_live_\(created.key.keyID)_"))
            let stored = try await fixture.client.query("SELECT encode(secret_hash, 'hex') AS h FROM api_keys WHERE key_id = \(created.key.keyID)").first!
            #expect(!created.token.contains(try stored.decode(String.self, "h")), "only a hash is stored")
            let headers = [("Authorization", "Bearer \(created.token)")]
            #expect(try await fixture.send("GET", "/v1/workers", as: .anonymous, headers: headers).status == 200)
            try await keys.revoke(keyID: created.key.keyID, actor: "test")
            let refused = try await fixture.send("GET", "/v1/workers", as: .anonymous, headers: headers)
            #expect(refused.status == 401 && refused.errorCode == "revoked_api_key")
            await #expect(throws: APIError(.invalidState, "")) { try await keys.revoke(keyID: created.key.keyID, actor: "test") }
            await #expect(throws: APIError(.invalidRequest, "")) { _ = try await keys.create(name: "p", role: .partner, partnerID: nil, actor: "test") }
            let audit = try await fixture.client.query("SELECT action FROM audit_log WHERE details->>'key_id' = \(created.key.keyID) ORDER BY id")
            #expect(try audit.rows.map { try $0.decode(String.self, "action") } == ["apikey.create", "apikey.revoke"])
        }
    }

    @Test func onboardSuspendResumeOffboardAndAssignAPolicy() async throws {
        try await APIFixture.run { fixture in
            let entra = UUID().lower
            // With a credential, onboarding signs in through Graph: this fixture has no Graph (503), and nothing is left behind.
            let withCredential = #"{"entra_tenant_id":"\#(entra)","display_name":"Delta","credential":{"client_id":"\#(UUID().lower)","client_secret":"s3cret-value"}}"#
            let unavailable = try await fixture.send("POST", "/v1/tenants", json: withCredential)
            #expect(unavailable.status == 503 && unavailable.errorCode == "unavailable" && !unavailable.text.contains("s3cret-value"))
            // Without one, the tenant is registered only.
            let body = #"{"entra_tenant_id":"\#(entra)","primary_domain":"delta.onmicrosoft.com","display_name":"Delta","partner_id":"\#(fixture.partnerA.lower)"}"#
            let created = try await fixture.send("POST", "/v1/tenants", json: body)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.object["probe"] == nil)
            let id = try #require(created.object["id"] as? String)
            #expect(created.object["status"] as? String == "onboarding" && created.object["entra_tenant_id"] as? String == entra)
            let wrongPolicy = try await fixture.send("POST", "/v1/tenants", json: #"{"entra_tenant_id":"\#(UUID().lower)","primary_domain":"echo.onmicrosoft.com","display_name":"Echo","policy_id":"\#(UUID().lower)"}"#)
            #expect(wrongPolicy.status == 422 && wrongPolicy.errorCode == "unprocessable_request" && wrongPolicy.errorMessage?.contains("policy_id") == true)
            #expect(try await fixture.send("GET", "/v1/tenants?limit=200").items.allSatisfy { $0["display_name"] as? String != "Echo" },
                    "a refused onboarding leaves no tenant behind")
            let duplicate = try await fixture.send("POST", "/v1/tenants", json: body)
            #expect(duplicate.status == 409 && duplicate.errorCode == "conflict")

            let suspended = try await fixture.send("POST", "/v1/tenants/\(id)/suspend", json: #"{"reason":"invoice unpaid"}"#)
            #expect(suspended.object["status"] as? String == "suspended" && suspended.object["status_reason"] as? String == "invoice unpaid")
            // The enqueue refuses a job for a suspended tenant, saying why.
            let suspendedBackup = try await fixture.send("POST", "/v1/tenants/\(id)/backups", json: "{}")
            #expect(suspendedBackup.status == 409 && suspendedBackup.errorCode == "invalid_state"
                    && suspendedBackup.errorMessage?.contains("is suspended") == true, "\(suspendedBackup.text)")
            #expect(try await fixture.send("POST", "/v1/tenants/\(id)/resume", json: #"{"reason":"paid"}"#).object["status"] as? String == "active")
            let noReason = try await fixture.send("POST", "/v1/tenants/\(id)/suspend", json: #"{"reason":"  "}"#)
            #expect(noReason.status == 400 && noReason.errorMessage?.contains("reason") == true)

            let policy = try await fixture.send("PUT", "/v1/tenants/\(id)/policy", json: #"{"policy_id":"\#(fixture.standardPolicy.lower)"}"#)
            #expect(policy.status == 200, "\(policy.text)")
            let unknownPolicy = try await fixture.send("PUT", "/v1/tenants/\(id)/policy", json: #"{"policy_id":"\#(UUID().lower)"}"#)
            #expect(unknownPolicy.status == 422 && unknownPolicy.errorCode == "unprocessable_request", "\(unknownPolicy.text)")

            #expect(try await fixture.send("POST", "/v1/tenants/\(id)/offboard", json: #"{"reason":"contract ended"}"#).object["status"] as? String == "offboarded")
            let resumeOffboarded = try await fixture.send("POST", "/v1/tenants/\(id)/resume", json: #"{"reason":"oops"}"#)
            #expect(resumeOffboarded.status == 409 && resumeOffboarded.errorCode == "invalid_state")
            let offboardedBackup = try await fixture.send("POST", "/v1/tenants/\(id)/backups", json: #"{"full": true}"#)
            #expect(offboardedBackup.status == 409 && offboardedBackup.errorMessage?.contains("is offboarded") == true, "\(offboardedBackup.text)")
            #expect(try await fixture.send("POST", "/v1/tenants/\(UUID().lower)/backups", json: "{}").status == 404)

            let shown = try await fixture.send("GET", "/v1/tenants/\(id)")
            #expect(shown.object["display_name"] as? String == "Delta" && shown.object["partner_id"] as? String == fixture.partnerA.lower)
            let audit = try await fixture.send("GET", "/v1/audit?tenant_id=\(id)&limit=200")
            let actions = Set(audit.items.compactMap { $0["action"] as? String })
            #expect(actions.isSuperset(of: ["tenant.add", "tenant.status", "tenant.policy"]))
            #expect(audit.items.allSatisfy { ($0["actor"] as? String)?.hasPrefix("apikey:") == true || $0["action"] as? String == "tenant.add" })
        }
    }

    @Test func requestBodiesAreValidatedWithClearMessages() async throws {
        try await APIFixture.run { fixture in
            func post(_ body: String, contentType: String = "application/json") async throws -> APIResponse {
                let response = try await HTTPTestClientShim.send(fixture, "POST", "/v1/tenants", body: body, contentType: contentType)
                return response
            }
            let missing = try await fixture.send("POST", "/v1/tenants", json: #"{"primary_domain":"x.onmicrosoft.com","display_name":"X"}"#)
            #expect(missing.status == 400 && missing.errorMessage == "field 'entra_tenant_id' is required")
            let typo = try await fixture.send("POST", "/v1/tenants", json: #"{"entra_tenant_id":"\#(UUID().lower)","primary_domain":"x.onmicrosoft.com","display_name":"X","dispaly_name":"Y"}"#)
            #expect(typo.status == 400 && typo.errorMessage?.contains("unknown field 'dispaly_name'") == true)
            let wrongType = try await fixture.send("POST", "/v1/tenants", json: #"{"entra_tenant_id":"\#(UUID().lower)","primary_domain":"x.onmicrosoft.com","display_name":42}"#)
            #expect(wrongType.status == 400 && wrongType.errorMessage == "field 'display_name' must be a string")
            let badUUID = try await fixture.send("POST", "/v1/tenants", json: #"{"entra_tenant_id":"nope","primary_domain":"x.onmicrosoft.com","display_name":"X"}"#)
            #expect(badUUID.status == 400 && badUUID.errorMessage?.contains("'entra_tenant_id' must be a UUID") == true)
            let notJSON = try await fixture.send("POST", "/v1/tenants", json: "{nope")
            #expect(notJSON.status == 400 && notJSON.errorCode == "invalid_json")
            let array = try await fixture.send("POST", "/v1/tenants", json: "[]")
            #expect(array.status == 400 && array.errorCode == "invalid_json")
            let form = try await post("a=b", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415 && form.errorCode == "unsupported_media_type")
            let policy = try await fixture.send("POST", "/v1/policies", json: #"{"name":"p","keep_last":0}"#)
            #expect(policy.status == 400 && policy.errorMessage == "field 'keep_last' must be from 1 to 100000 (got 0)")
            let window = try await fixture.send("POST", "/v1/policies", json: #"{"name":"p","window_start":"25:00","window_end":"02:00"}"#)
            #expect(window.status == 400 && window.errorMessage?.contains("window_start") == true)
            let zone = try await fixture.send("POST", "/v1/policies", json: #"{"name":"p","window_timezone":"Mars/Olympus"}"#)
            #expect(zone.status == 422 && zone.errorMessage?.contains("IANA") == true)
            let limit = try await fixture.send("GET", "/v1/tenants?limit=0")
            #expect(limit.status == 400 && limit.errorCode == "invalid_parameter")
            let cursor = try await fixture.send("GET", "/v1/jobs?cursor=garbage")
            #expect(cursor.status == 400 && cursor.errorCode == "invalid_cursor")
            let state = try await fixture.send("GET", "/v1/jobs?state=sleeping")
            #expect(state.status == 400 && state.errorMessage?.contains("state must be one of") == true)
        }
    }

    @Test func bodiesOverTheLimitAreRefused() async throws {
        try await APIFixture.run(configuration: APIConfiguration(host: "127.0.0.1", port: 0, maxBodyBytes: 2048)) { fixture in
            let big = #"{"name":"big","description":""# + String(repeating: "x", count: 4096) + #""}"#
            let refused = try await fixture.send("POST", "/v1/policies", json: big)
            #expect(refused.status == 413 && refused.errorCode == "body_too_large")
            let small = try await fixture.send("POST", "/v1/policies", json: #"{"name":"small"}"#)
            #expect(small.status == 201)
        }
    }

    @Test func policiesCreateUpdateListAndAudit() async throws {
        try await APIFixture.run { fixture in
            let created = try await fixture.send("POST", "/v1/policies", json: #"{"name":"hourly","backup_interval_seconds":3600,"rpo_target_seconds":7200,"keep_last":24,"window_start":"01:00","window_end":"05:30","window_timezone":"Europe/Paris"}"#)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            #expect(created.object["backup_interval_seconds"] as? Int == 3600 && created.object["keep_daily"] as? Int == 30)
            #expect(created.object["window_start"] as? String == "01:00" && created.object["window_end"] as? String == "05:30")
            let updated = try await fixture.send("PATCH", "/v1/policies/\(id)", json: #"{"immutability_window_seconds":86400,"keep_yearly":10}"#)
            #expect(updated.object["immutability_window_seconds"] as? Int == 86400 && updated.object["keep_yearly"] as? Int == 10)
            #expect(updated.object["keep_last"] as? Int == 24, "unchanged fields stay")
            let rename = try await fixture.send("PATCH", "/v1/policies/\(id)", json: #"{"name":"other"}"#)
            #expect(rename.status == 400)
            let duplicate = try await fixture.send("POST", "/v1/policies", json: #"{"name":"hourly"}"#)
            #expect(duplicate.status == 409)
            let listed = try await fixture.send("GET", "/v1/policies?limit=1")
            #expect(listed.items.count == 1 && listed.nextCursor != nil)
            let next = try await fixture.send("GET", "/v1/policies?limit=1&cursor=\(listed.nextCursor!)")
            #expect(next.items.count == 1 && next.nextCursor == nil)
            #expect(Set((listed.items + next.items).compactMap { $0["name"] as? String }) == ["hourly", "standard"])
            let audit = try await fixture.send("GET", "/v1/audit")
            #expect(audit.items.contains { $0["action"] as? String == "policy.update" && ($0["details"] as? [String: String])?["policy_id"] == id })
        }
    }

    @Test func jobsFilterPageCancelRetryAndRunBackupNow() async throws {
        try await APIFixture.run { fixture in
            let first = try await fixture.send("POST", "/v1/tenants/\(fixture.tenantA.lower)/backups", json: #"{"full":true}"#)
            #expect(first.status == 202 && first.object["inserted"] as? Bool == true, "\(first.text)")
            // An operator's backup goes ahead of the nightly pass and may take a reserved slot.
            #expect((first.object["job"] as? [String: Any])?["priority"] as? Int == QueuePriority.manualBackup)
            #expect(QueuePriority.isInteractive(QueuePriority.manualBackup))
            let again = try await fixture.send("POST", "/v1/tenants/\(fixture.tenantA.lower)/backups", json: "{}")
            #expect(again.status == 200 && again.object["inserted"] as? Bool == false, "one pending manual backup per tenant")
            let enqueuer = JobEnqueuer(client: fixture.client, logger: .init(label: "test"), checks: .unchecked)
            for _ in 0..<5 { _ = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, tenantID: fixture.tenantOwn)) }

            var seen: [Int] = []
            var cursor: String?
            repeat {
                let page = try await fixture.send("GET", "/v1/jobs?limit=2&kind=diagnostic" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == 200 && page.items.count <= 2)
                seen += page.items.compactMap { $0["id"] as? Int }
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 5 && seen == seen.sorted(by: >) && Set(seen).count == 5)

            let forB = try await fixture.send("GET", "/v1/jobs?tenant_id=\(fixture.tenantB.lower)&state=available,scheduled")
            #expect(forB.items.map { $0["id"] as? Int } == [Int(fixture.jobB)])

            let cancelled = try await fixture.send("POST", "/v1/jobs/\(fixture.jobB)/cancel")
            #expect(cancelled.object["state"] as? String == "cancelled", "\(cancelled.text)")
            let twice = try await fixture.send("POST", "/v1/jobs/\(fixture.jobB)/cancel")
            #expect(twice.status == 409 && twice.errorCode == "invalid_state")
            let retried = try await fixture.send("POST", "/v1/jobs/\(fixture.jobB)/retry")
            #expect(retried.object["state"] as? String == "available")
            let shown = try await fixture.send("GET", "/v1/jobs/\(fixture.jobB)")
            let history = (shown.object["history"] as? [[String: Any]])?.compactMap { $0["state"] as? String }
            #expect(history == ["available", "cancelled", "available"])
        }
    }

    @Test func snapshotsAndAnObjectAtAPointInTime() async throws {
        try await APIFixture.run { fixture in
            let tenant = fixture.tenantB.lower
            let list = try await fixture.send("GET", "/v1/tenants/\(tenant)/snapshots")
            #expect(list.items.count == 1 && list.items.first?["id"] as? Int == Int(fixture.snapshotB) && list.nextCursor == nil)
            #expect(list.items.first?["root_hash"] as? String != nil && list.items.first?["tenant_id"] as? String == tenant)
            let shown = try await fixture.send("GET", "/v1/tenants/\(tenant)/snapshots/\(fixture.snapshotB)")
            #expect(shown.object["object_count"] as? Int == 1)
            let elsewhere = try await fixture.send("GET", "/v1/tenants/\(fixture.tenantA.lower)/snapshots/\(fixture.snapshotB)")
            #expect(elsewhere.status == 404)
            let object = try await fixture.send("GET", "/v1/tenants/\(tenant)/object?type=user&id=u1")
            #expect((object.object["object"] as? [String: Any])?["displayName"] as? String == "Ann", "\(object.text)")
            #expect(object.object["snapshot_id"] as? Int == Int(fixture.snapshotB))
            let before = try await fixture.send("GET", "/v1/tenants/\(tenant)/object?type=user&id=u1&at=2001-01-01T00:00:00Z")
            #expect(before.status == 404)
            let absent = try await fixture.send("GET", "/v1/tenants/\(tenant)/object?type=user&id=nobody")
            #expect(absent.status == 404)
            let noType = try await fixture.send("GET", "/v1/tenants/\(tenant)/object?id=u1")
            #expect(noType.status == 400 && noType.errorMessage?.contains("type is required") == true)
        }
    }

    @Test func partnersSeeOnlyTheirOwnTenantsSummaries() async throws {
        try await APIFixture.run { fixture in
            let a = try await fixture.send("GET", "/v1/partner/tenants", as: .partnerA)
            #expect(a.items.compactMap { $0["id"] as? String } == [fixture.tenantA.lower])
            let b = try await fixture.send("GET", "/v1/partner/tenants", as: .partnerB)
            #expect(b.items.compactMap { $0["id"] as? String } == [fixture.tenantB.lower])
            #expect(b.items.first?["last_snapshot_status"] as? String == "complete")
            let other = try await fixture.send("GET", "/v1/partner/tenants/\(fixture.tenantB.lower)", as: .partnerA)
            let nonexistent = try await fixture.send("GET", "/v1/partner/tenants/\(UUID().lower)", as: .partnerA)
            #expect(other.status == 404 && nonexistent.status == 404 && other.errorCode == nonexistent.errorCode,
                    "another partner's tenant looks exactly like one that does not exist")
            let operatorView = try await fixture.send("GET", "/v1/partner/tenants/\(fixture.tenantB.lower)")
            #expect(operatorView.status == 200)
        }
    }

    @Test func listsPageWithCursors() async throws {
        try await APIFixture.run { fixture in
            var names: [String] = []
            var cursor: String?
            repeat {
                let page = try await fixture.send("GET", "/v1/tenants?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""))
                names += page.items.compactMap { $0["display_name"] as? String }
                cursor = page.nextCursor
            } while cursor != nil
            #expect(names == ["alpha-tenant", "bravo-tenant", "charlie-tenant"])
            let ofA = try await fixture.send("GET", "/v1/tenants?partner_id=\(fixture.partnerA.lower)")
            #expect(ofA.items.compactMap { $0["display_name"] as? String } == ["alpha-tenant"])
            let audit = try await fixture.send("GET", "/v1/audit?limit=2")
            let older = try await fixture.send("GET", "/v1/audit?limit=2&cursor=\(try #require(audit.nextCursor))")
            let ids = (audit.items + older.items).compactMap { $0["id"] as? Int }
            #expect(ids.count == 4 && ids == ids.sorted(by: >))
            let workers = try await fixture.send("GET", "/v1/workers?include_stopped=true")
            #expect(workers.status == 200 && workers.items.isEmpty && workers.nextCursor == nil)
        }
    }
}

/// Requests with a body of any media type (the fixture's `send` always says JSON).
enum HTTPTestClientShim {
    static func send(_ fixture: APIFixture, _ method: String, _ target: String, body: String, contentType: String) async throws -> APIResponse {
        try await fixture.send(method, target, headers: [("Content-Type", contentType)], rawBody: body)
    }
}

@Suite struct APIInputEdgeTests {
    /// Found by schemathesis: a NUL character reached PostgreSQL and answered 500.
    @Test func aNULCharacterIsACallerError() async throws {
        try await APIFixture.run { fixture in
            let body = try await fixture.send("POST", "/v1/policies", json: #"{"name":"a\u0000b"}"#)
            #expect(body.status == 400 && body.errorCode == "invalid_request", "\(body.text)")
            let query = try await fixture.send("GET", "/v1/tenants/\(fixture.tenantB.lower)/object?type=us%00er&id=u1")
            #expect(query.status == 400 && query.errorCode == "invalid_parameter", "\(query.text)")
        }
    }
}

@Suite struct APIMetricsTests {
    @Test func metricsAreServedToStaffKeysOnly() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "holdfast_api_test", unitName: "total", helpText: "A test counter."))
            .increment(by: Int64(3))
        try await APIFixture.run(metrics: registry) { fixture in
            let scraped = try await fixture.send("GET", "/metrics", as: .readOnly)
            #expect(scraped.status == 200 && scraped.raw.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(scraped.text.contains("holdfast_api_test_total 3"), "\(scraped.text)")
            #expect(try await fixture.send("GET", "/metrics", as: .partnerA).status == 403)
            #expect(try await fixture.send("GET", "/metrics", as: .anonymous).status == 401)
        }
    }
}
