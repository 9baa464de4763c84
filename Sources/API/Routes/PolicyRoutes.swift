import Foundation
import Hummingbird

/// Operators' policy routes over ``APIPolicyStore``.
struct PolicyRoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/policies", access: .staff) { request, _ in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let offset = try page.offset()
            return try JSONResponse.make(page.page(offset: offset, fetched: try await services.policies.list(offset: offset, limit: page.limit + 1)))
        }
        routes.post("/v1/policies", access: .staff) { request, context in
            let body = try await request.decodeBody(PolicyBody.self, context: context)
            guard let name = body.name else { throw APIError(.invalidRequest, "field 'name' is required") }
            let record = try await services.policies.create(name: name, body.changes, actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(record, status: .created)
        }
        routes.get("/v1/policies/{policy_id}", access: .staff) { _, context in
            try JSONResponse.make(try await services.policies.policy(id: try context.uuidParameter("policy_id")))
        }
        routes.patch("/v1/policies/{policy_id}", access: .staff) { request, context in
            let id = try context.uuidParameter("policy_id")
            let body = try await request.decodeBody(PolicyBody.self, context: context)
            if body.name != nil { throw APIError(.invalidRequest, "field 'name' cannot be changed; create a new policy instead") }
            return try JSONResponse.make(try await services.policies.update(id: id, body.changes, actor: try context.requirePrincipal().actor))
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
            if let name { try Validate.nonEmpty(name, field: "name", maxLength: 100) }
            if let description, description.count > 1000 { throw APIError(.invalidRequest, "field 'description' is longer than 1000 characters") }
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
                throw APIError(.invalidRequest, "field 'window_timezone' must be an IANA time zone such as Europe/Paris (got '\(windowTimezone)')")
            }
        }

        static func isTimeOfDay(_ text: String) -> Bool {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]) else { return false }
            return (0...23).contains(hour) && (0...59).contains(minute)
        }

        var changes: PolicyChanges {
            var changes = PolicyChanges()
            changes.description = description
            changes.backupIntervalSeconds = backupIntervalSeconds
            changes.windowStart = windowStart
            changes.windowEnd = windowEnd
            changes.windowTimezone = windowTimezone
            changes.rpoTargetSeconds = rpoTargetSeconds
            changes.keepLast = keepLast
            changes.keepDaily = keepDaily
            changes.keepWeekly = keepWeekly
            changes.keepMonthly = keepMonthly
            changes.keepYearly = keepYearly
            changes.immutabilityWindowSeconds = immutabilityWindowSeconds
            changes.retentionIntervalSeconds = retentionIntervalSeconds
            changes.validationIntervalSeconds = validationIntervalSeconds
            return changes
        }
    }
}
