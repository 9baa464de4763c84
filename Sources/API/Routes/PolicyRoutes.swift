import Foundation
import Hummingbird
import Tenancy

/// Operators' policy routes over Tenancy's ``PolicyStore`` (its validation and audit).
struct PolicyRoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/policies", access: .staff) { request, _ in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let offset = try page.offset()
            let policies = try await services.policies.policies(offset: offset, limit: page.limit + 1)
            return try JSONResponse.make(page.page(offset: offset, fetched: policies.map(PolicyResource.init)))
        }
        routes.post("/v1/policies", access: .staff) { request, context in
            let body = try await request.decodeBody(PolicyBody.self, context: context)
            guard let name = body.name else { throw APIError(.invalidRequest, "field 'name' is required") }
            let policy = try await services.policies.create(name: name, settings: body.changes.applied(to: PolicySettings()),
                                                            actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(PolicyResource(policy), status: .created)
        }
        routes.get("/v1/policies/{policy_id}", access: .staff) { _, context in
            try JSONResponse.make(PolicyResource(try await services.policies.policy(id: try context.uuidParameter("policy_id"))))
        }
        routes.patch("/v1/policies/{policy_id}", access: .staff) { request, context in
            let id = try context.uuidParameter("policy_id")
            let body = try await request.decodeBody(PolicyBody.self, context: context)
            if body.name != nil { throw APIError(.invalidRequest, "field 'name' cannot be changed; create a new policy instead") }
            let changes = body.changes
            // An empty change answers the policy as it is (the store refuses it as nothing to change).
            let policy = changes.isEmpty ? try await services.policies.policy(id: id)
                : try await services.policies.update(id: id, changes: changes, actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(PolicyResource(policy))
        }
    }

    /// Create and update bodies; on update every field is optional.
    struct PolicyBody: APIRequestBody {
        static let fields: Set<String> = Set(CodingKeys.allCases.map(\.rawValue))

        var name: String?
        var description: String?
        var backupIntervalSeconds: Int64?
        var windowStart: String?
        var windowEnd: String?
        var windowTimezone: String?
        var rpoTargetSeconds: Int64?
        var keepLast: Int?
        var keepDaily: Int?
        var keepWeekly: Int?
        var keepMonthly: Int?
        var keepYearly: Int?
        var immutabilityWindowSeconds: Int64?
        var retentionIntervalSeconds: Int64?
        var validationIntervalSeconds: Int64?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, description
            case backupIntervalSeconds = "backup_interval_seconds", windowStart = "window_start", windowEnd = "window_end"
            case windowTimezone = "window_timezone", rpoTargetSeconds = "rpo_target_seconds"
            case keepLast = "keep_last", keepDaily = "keep_daily", keepWeekly = "keep_weekly", keepMonthly = "keep_monthly"
            case keepYearly = "keep_yearly", immutabilityWindowSeconds = "immutability_window_seconds"
            case retentionIntervalSeconds = "retention_interval_seconds", validationIntervalSeconds = "validation_interval_seconds"
        }

        func validate() throws {
            if let name {
                try Validate.nonEmpty(name, field: "name", maxLength: 100)
                guard name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }) else {
                    throw APIError(.invalidRequest, "field 'name' must be letters, digits, '-', '_' or '.' (got '\(name)')")
                }
            }
            if let description { try Validate.maxLength(description, 1000, field: "description") }
            let year: Int64 = 366 * 86_400
            for (field, value, minimum) in [("backup_interval_seconds", backupIntervalSeconds, Int64(60)), ("rpo_target_seconds", rpoTargetSeconds, 1),
                                            ("immutability_window_seconds", immutabilityWindowSeconds, 0),
                                            ("retention_interval_seconds", retentionIntervalSeconds, 60),
                                            ("validation_interval_seconds", validationIntervalSeconds, 60)] {
                if let value, value < minimum || value > 100 * year {
                    throw APIError(.invalidRequest, "field '\(field)' must be from \(minimum) to \(100 * year) seconds (got \(value))")
                }
            }
            if let keepLast { try Validate.range(keepLast, 1...100_000, field: "keep_last") }
            for (field, value) in [("keep_daily", keepDaily), ("keep_weekly", keepWeekly), ("keep_monthly", keepMonthly), ("keep_yearly", keepYearly)] {
                if let value { try Validate.range(value, 0...100_000, field: field) }
            }
            guard (windowStart == nil) == (windowEnd == nil) else {
                throw APIError(.invalidRequest, "fields 'window_start' and 'window_end' go together: give both or neither")
            }
            for (field, value) in [("window_start", windowStart), ("window_end", windowEnd)] {
                if let value, !Self.isTimeOfDay(value) { throw APIError(.invalidRequest, "field '\(field)' must be a time of day HH:MM (got '\(value)')") }
            }
            if let windowTimezone, TimeZone(identifier: windowTimezone) == nil {
                // Well-formed for the document, which cannot list the zones this host's tz database knows.
                throw APIError(.unprocessableRequest, "field 'window_timezone' names no IANA time zone known here, such as Europe/Paris (got '\(windowTimezone)')")
            }
        }

        static func isTimeOfDay(_ text: String) -> Bool {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]) else { return false }
            return (0...23).contains(hour) && (0...59).contains(minute)
        }

        /// The settings the body gives; `validate()` has made sure the window comes whole or not at all.
        var changes: PolicyChanges {
            var changes = PolicyChanges()
            changes.description = description
            changes.backupInterval = backupIntervalSeconds.map(TimeInterval.init)
            if let windowStart, let windowEnd { changes.window = (windowStart, windowEnd) }
            changes.timezone = windowTimezone
            changes.rpoTarget = rpoTargetSeconds.map(TimeInterval.init)
            changes.keepLast = keepLast
            changes.keepDaily = keepDaily
            changes.keepWeekly = keepWeekly
            changes.keepMonthly = keepMonthly
            changes.keepYearly = keepYearly
            changes.immutabilityWindow = immutabilityWindowSeconds.map(TimeInterval.init)
            changes.retentionInterval = retentionIntervalSeconds.map(TimeInterval.init)
            changes.validationInterval = validationIntervalSeconds.map(TimeInterval.init)
            return changes
        }
    }
}

extension PolicyStore {
    /// Assigns the policy a request body's `policy_id` names: a well-formed id naming no policy is
    /// 422 `unprocessable_request` (the path's tenant exists, so not 404); naming no tenant is 404.
    func assign(policyIDField text: String, tenantID: UUID, actor: String) async throws {
        let policyID = try Validate.uuid(text, field: "policy_id")
        do {
            _ = try await self.assign(policyID: policyID, tenantID: tenantID, actor: actor)
        } catch let error as PolicyError where error.code == .policyNotFound {
            throw APIError(.unprocessableRequest, "field 'policy_id' names no policy (\(text))", underlying: error)
        }
    }
}
