import API
import Foundation
import Hummingbird
import Tenancy

/// Policies (`/console/policies`): the list by name in keyset pages and a policy's page, for
/// staff (the API's policy routes are staff only, so partner users are refused, audited); for
/// operators a create form and an edit form. The forms fill the API's ``PolicyBody`` and run its
/// checks, then `PolicyStore.create` / `update` (its own checks and audit), so the console refuses
/// exactly what the API refuses; a refused form is shown again with the message and what was typed.
extension OperatorConsole {
    struct PolicyListPage {
        struct Row {
            var id: String
            var name: String
            var description: String
            var summary: PolicySummary
        }
        var layout: ConsoleLayout
        var policies: [Row]
        /// Stored, not computed: Mustache reads values through `Mirror`, which sees stored properties only.
        var hasPolicies: Bool
        var mayEdit: Bool
        var next: String?
    }

    /// A policy's settings as a page shows them.
    struct PolicySummary {
        var backupInterval: String
        var window: String
        var rpo: String
        var retention: String
        var immutability: String
        var retentionInterval: String
        var validationInterval: String

        init(_ policy: Policy) {
            backupInterval = PolicySummary.seconds(policy.backupInterval)
            window = policy.windowStart.map { "\($0)–\(policy.windowEnd ?? "?") \(policy.timezone)" } ?? "any time (\(policy.timezone))"
            rpo = PolicySummary.seconds(policy.rpoTarget)
            let rules = policy.retention
            retention = "last \(rules.last), daily \(rules.daily), weekly \(rules.weekly), monthly \(rules.monthly), yearly \(rules.yearly)"
            immutability = policy.immutabilityWindow == 0 ? "none" : PolicySummary.seconds(policy.immutabilityWindow)
            retentionInterval = PolicySummary.seconds(policy.retentionInterval)
            validationInterval = PolicySummary.seconds(policy.validationInterval)
        }

        /// `86400 s (1 d)`: the exact seconds the form takes, and a readable size.
        static func seconds(_ value: TimeInterval) -> String {
            let whole = Int64(value.rounded())
            return whole < 120 ? "\(whole) s" : "\(whole) s (\(ConsoleFormat.duration(seconds: value)))"
        }
    }

    /// The create or edit form: the fields by the API's names, with what was typed or stored.
    struct PolicyForm {
        struct Field {
            var name: String
            var label: String
            var value: String
            var hint: String
        }
        var action: String
        var formToken: String
        var creating: Bool
        var name: String
        var description: String
        var fields: [Field]
        var error: String?
        var button: String
    }

    struct PolicyPage {
        var layout: ConsoleLayout
        var id: String
        var name: String
        var description: String
        var summary: PolicySummary
        var created: String
        var updated: String
        var form: PolicyForm?
    }

    struct PolicyNewPage {
        var layout: ConsoleLayout
        var form: PolicyForm
    }

    /// The form's settings fields after name and description: (API field, label, hint).
    static let policyFields: [(String, String, String)] = [
        ("backup_interval_seconds", "Backup interval (seconds)", "60 or more"),
        ("rpo_target_seconds", "RPO target (seconds)", "1 or more"),
        ("window_start", "Window start (HH:MM)", "with window end, or both empty"),
        ("window_end", "Window end (HH:MM)", ""),
        ("window_timezone", "Time zone", "IANA name, such as UTC or Europe/Paris"),
        ("keep_last", "Keep last", "1 or more"), ("keep_daily", "Keep daily", "0 or more"), ("keep_weekly", "Keep weekly", "0 or more"),
        ("keep_monthly", "Keep monthly", "0 or more"), ("keep_yearly", "Keep yearly", "0 or more"),
        ("immutability_window_seconds", "Immutability window (seconds)", "0: none"),
        ("retention_interval_seconds", "Retention interval (seconds)", "60 or more"),
        ("validation_interval_seconds", "Validation interval (seconds)", "60 or more"),
    ]

    func policyList(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        try await requireStaff(session, request: request, page: "the policies")
        let after = try parameter(request, "after", maxLength: 100)
        let limit = configuration.pageSize
        let fetched = try await services.policies.policies(afterName: after, limit: limit + 1)
        let policies = Array(fetched.prefix(limit))
        var next: String?
        if fetched.count > limit, let last = policies.last { next = ConsoleFormat.link("/console/policies", [("after", last.name)]) }
        let rows = policies.map {
            PolicyListPage.Row(id: $0.id.uuidString.lowercased(), name: $0.name, description: $0.description, summary: PolicySummary($0))
        }
        let notice = try parameter(request, "done", maxLength: 10) == "created" ? "The policy was created." : nil
        return renderer.page("policies", PolicyListPage(layout: ConsoleLayout(title: "Policies", session: session, notice: notice), policies: rows,
                                                        hasPolicies: !rows.isEmpty, mayEdit: session.user.role.mayAct, next: next))
    }

    func policyPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        try await requireStaff(session, request: request, page: "the policies")
        let policy = try await pathPolicy(context)
        let notice = try parameter(request, "done", maxLength: 10).flatMap { ["updated": "The policy was changed.", "created": "The policy was created."][$0] }
        let form = session.user.role.mayAct ? Self.policyForm(for: policy, session: session, typed: nil, error: nil) : nil
        return renderer.page("policy", policyPageView(policy, session: session, notice: notice, form: form))
    }

    func newPolicyPage(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        try await requireOperator(session, request: request, doing: "create policies")
        return renderer.page("policy-new", PolicyNewPage(layout: ConsoleLayout(title: "New policy", session: session),
                                                         form: Self.policyForm(for: nil, session: session, typed: nil, error: nil)))
    }

    /// Creates a policy from the form: CSRF checks, then the role, then the API's checks and the store's.
    func createPolicy(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        let form = try await postedForm(request, session: session)
        try await requireOperator(session, request: request, doing: "create policies")
        do {
            let body = try Self.policyBody(form, creating: true)
            guard let name = body.name else { throw APIError(.invalidRequest, "field 'name' is required") }
            let policy = try await services.policies.create(name: name, settings: body.changes.applied(to: PolicySettings()), actor: session.user.actor)
            services.logger.notice("policy created through the console", metadata: ["policy.name": "\(policy.name)", "console.user": "\(session.user.username)"])
            throw ConsoleRedirect(location: "/console/policies/\(policy.id.uuidString.lowercased())?done=created")
        } catch {
            guard let refusal = PolicyFormRefusal(error) else { throw error }
            try await refuse(session, request: request, reason: "invalid policy: \(refusal.message)")
            return renderer.page("policy-new", PolicyNewPage(layout: ConsoleLayout(title: "New policy", session: session),
                                                             form: Self.policyForm(for: nil, session: session, typed: form, error: refusal.message)),
                                 status: refusal.status)
        }
    }

    /// Changes a policy from the form (its name stays); every tenant with it picks up the new schedule.
    func updatePolicy(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let form = try await postedForm(request, session: session)
        try await requireOperator(session, request: request, doing: "change policies")
        let policy = try await pathPolicy(context)
        do {
            let body = try Self.policyBody(form, creating: false)
            let changes = body.changes
            if !changes.isEmpty {
                _ = try await services.policies.update(id: policy.id, changes: changes, actor: session.user.actor)
            }
            services.logger.notice("policy changed through the console", metadata: ["policy.name": "\(policy.name)", "console.user": "\(session.user.username)"])
            throw ConsoleRedirect(location: "/console/policies/\(policy.id.uuidString.lowercased())?done=updated")
        } catch let redirect as ConsoleRedirect {
            throw redirect
        } catch {
            guard let refusal = PolicyFormRefusal(error) else { throw error }
            try await refuse(session, request: request, reason: "invalid policy: \(refusal.message)", details: ["policy_id": policy.id.uuidString.lowercased()])
            let form = Self.policyForm(for: policy, session: session, typed: form, error: refusal.message)
            return renderer.page("policy", policyPageView(policy, session: session, notice: nil, form: form), status: refusal.status)
        }
    }

    // MARK: - Helpers

    /// The policy the path names; 400 for a malformed id, 404 for none.
    private func pathPolicy(_ context: APIRequestContext) async throws -> Policy {
        let text = context.parameters.get("policy_id") ?? ""
        guard let id = UUID(uuidString: text) else { throw ConsoleError(.invalidInput, "'\(text.prefix(40))' is not a policy id.") }
        do {
            return try await services.policies.policy(id: id)
        } catch let error as PolicyError where error.code == .policyNotFound {
            throw ConsoleError(.notFound, "No policy has id \(id.uuidString.lowercased()).")
        }
    }

    private func policyPageView(_ policy: Policy, session: ConsoleSession, notice: String?, form: PolicyForm?) -> PolicyPage {
        PolicyPage(layout: ConsoleLayout(title: "Policy \(policy.name)", session: session, notice: notice), id: policy.id.uuidString.lowercased(),
                   name: policy.name, description: policy.description, summary: PolicySummary(policy), created: ConsoleFormat.time(policy.createdAt),
                   updated: ConsoleFormat.time(policy.updatedAt), form: form)
    }

    /// Only operators change anything: others get a 403 page, audited, and nothing changes.
    func requireOperator(_ session: ConsoleSession, request: Request, doing: String) async throws {
        guard !session.user.role.mayAct else { return }
        try await refuse(session, request: request, reason: "role \(session.user.role.rawValue) may not \(doing)")
        throw ConsoleError(.forbidden, "Your role (\(session.user.role.rawValue)) can look but not change anything; nothing was changed.")
    }

    /// The form's values as the API's body: empty fields are absent, numbers must be whole numbers
    /// (checked before any use), then the API's own checks run.
    static func policyBody(_ form: ConsoleForm, creating: Bool) throws -> PolicyBody {
        func text(_ name: String) -> String? {
            guard let value = form[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func number<T: FixedWidthInteger>(_ name: String, _ type: T.Type) throws -> T? {
            guard let value = text(name) else { return nil }
            guard let number = T(value) else {
                throw PolicyFormRefusal(message: "field '\(name)' must be a whole number (got '\(value.prefix(40))')", status: .badRequest)
            }
            return number
        }
        let known = Set(["form_token", "name", "description"] + policyFields.map(\.0))
        if let unknown = form.fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw PolicyFormRefusal(message: "the form has an unknown field '\(unknown.prefix(64))'", status: .badRequest)
        }
        var body = PolicyBody()
        if creating {
            body.name = text("name")
        } else if text("name") != nil {
            throw PolicyFormRefusal(message: "a policy's name cannot be changed; create a new policy instead", status: .badRequest)
        }
        // The description is taken as typed, so it can be emptied.
        body.description = form["description"]
        body.backupIntervalSeconds = try number("backup_interval_seconds", Int64.self)
        body.rpoTargetSeconds = try number("rpo_target_seconds", Int64.self)
        body.windowStart = text("window_start")
        body.windowEnd = text("window_end")
        body.windowTimezone = text("window_timezone")
        body.keepLast = try number("keep_last", Int.self)
        body.keepDaily = try number("keep_daily", Int.self)
        body.keepWeekly = try number("keep_weekly", Int.self)
        body.keepMonthly = try number("keep_monthly", Int.self)
        body.keepYearly = try number("keep_yearly", Int.self)
        body.immutabilityWindowSeconds = try number("immutability_window_seconds", Int64.self)
        body.retentionIntervalSeconds = try number("retention_interval_seconds", Int64.self)
        body.validationIntervalSeconds = try number("validation_interval_seconds", Int64.self)
        try body.validate()
        return body
    }

    /// The form, filled from what was typed (after a refusal) or else from the stored policy (or
    /// the defaults a new policy gets).
    static func policyForm(for policy: Policy?, session: ConsoleSession, typed: ConsoleForm?, error: String?) -> PolicyForm {
        let settings = policy.map { policy -> PolicySettings in
            var settings = PolicySettings()
            settings.description = policy.description
            settings.backupInterval = policy.backupInterval
            settings.windowStart = policy.windowStart
            settings.windowEnd = policy.windowEnd
            settings.timezone = policy.timezone
            settings.rpoTarget = policy.rpoTarget
            settings.retention = policy.retention
            settings.immutabilityWindow = policy.immutabilityWindow
            settings.retentionInterval = policy.retentionInterval
            settings.validationInterval = policy.validationInterval
            return settings
        } ?? PolicySettings()
        func seconds(_ value: TimeInterval) -> String { String(Int64(value.rounded())) }
        let stored: [String: String] = [
            "backup_interval_seconds": seconds(settings.backupInterval), "rpo_target_seconds": seconds(settings.rpoTarget),
            "window_start": settings.windowStart ?? "", "window_end": settings.windowEnd ?? "", "window_timezone": settings.timezone,
            "keep_last": String(settings.retention.last), "keep_daily": String(settings.retention.daily),
            "keep_weekly": String(settings.retention.weekly), "keep_monthly": String(settings.retention.monthly),
            "keep_yearly": String(settings.retention.yearly), "immutability_window_seconds": seconds(settings.immutabilityWindow),
            "retention_interval_seconds": seconds(settings.retentionInterval), "validation_interval_seconds": seconds(settings.validationInterval),
        ]
        func value(_ name: String) -> String { typed.map { $0[name] ?? "" } ?? stored[name] ?? "" }
        return PolicyForm(
            action: policy.map { "/console/policies/\($0.id.uuidString.lowercased())" } ?? "/console/policies", formToken: session.formToken,
            creating: policy == nil, name: typed?["name"] ?? "", description: typed.map { $0["description"] ?? "" } ?? settings.description,
            fields: policyFields.map { PolicyForm.Field(name: $0.0, label: $0.1, value: value($0.0), hint: $0.2) }, error: error,
            button: policy == nil ? "Create policy" : "Save changes")
    }
}

/// Why a policy form was refused, in words for the form, and the page's status.
struct PolicyFormRefusal: Error {
    var message: String
    var status: HTTPResponse.Status

    init(message: String, status: HTTPResponse.Status) {
        self.message = message
        self.status = status
    }

    /// The API's and the store's refusals of bad settings; nil for anything else (a real failure).
    init?(_ error: any Error) {
        if let refusal = error as? PolicyFormRefusal {
            self = refusal
        } else if let error = error as? APIError, [.invalidRequest, .unprocessableRequest].contains(error.code) {
            self.init(message: error.message, status: .badRequest)
        } else if let error = error as? PolicyError, [.invalidPolicy, .duplicatePolicy].contains(error.code) {
            self.init(message: error.message, status: error.code == .duplicatePolicy ? .conflict : .badRequest)
        } else {
            return nil
        }
    }
}
