import Audit
import Foundation
import Hummingbird
import API
import Queue
import Tenancy

/// The job list (filters: tenant, kind, state; keyset pages by id, newest first) and a job's page
/// (errors, state history, and for operators cancel and retry). Partner users see the jobs of their
/// own tenants only.
extension OperatorConsole {
    enum JobAction: String, CaseIterable, Sendable {
        case cancel, retry
    }

    struct JobListPage {
        var layout: ConsoleLayout
        var tenant: String
        var kinds: [Option]
        var states: [Option]
        var jobs: [JobRow]
        /// Stored, not computed: Mustache reads values through `Mirror`, which sees stored properties only.
        var hasJobs: Bool
        var next: String?
    }

    struct JobPage {
        struct Facts {
            var id: Int64
            var kind: String
            var tenantID: String?
            var tenantName: String
            var state: String
            var attempt: Int
            var maxAttempts: Int
            var runAt: String
            var created: String
            var finished: String
            var worker: String
            var cancelRequested: Bool
        }
        struct Actions {
            var jobID: Int64
            var formToken: String
            var canCancel: Bool
            var canRetry: Bool
        }
        struct ErrorRow {
            var attempt: Int
            var at: String
            var error: String
            var permanent: Bool
        }
        struct Event {
            var at: String
            var state: String
            var attempt: Int
            var worker: String
        }
        var layout: ConsoleLayout
        var job: Facts
        var actions: Actions?
        var errors: [ErrorRow]
        var hasErrors: Bool
        var history: [Event]
    }

    /// The kinds the filter offers (and accepts).
    static let jobKinds = ["backup", "restore", "retention", "validation", "webhook", "diagnostic"]

    static let jobNotices = ["cancel": "Cancellation requested.", "retry": "The job will run again now."]

    func jobList(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        let visible = try await visibleTenants(session)
        let tenantText = try parameter(request, "tenant", maxLength: 36)
        let tenantID = try tenantText.map { text -> UUID in
            guard let id = UUID(uuidString: text) else { throw ConsoleError(.invalidInput, "The tenant filter must be a tenant id (got '\(text)').") }
            return id
        }
        if let tenantID, let visible, !visible.contains(where: { $0.id == tenantID }) {
            try await refuse(session, request: request, reason: "tenant of another partner", details: ["tenant_id": tenantID.uuidString.lowercased()])
            throw ConsoleError(.notFound, "No tenant has id \(tenantID.uuidString.lowercased()).")
        }
        let kind = try parameter(request, "kind", maxLength: 20)
        if let kind, !Self.jobKinds.contains(kind) {
            throw ConsoleError(.invalidInput, "kind must be one of \(Self.jobKinds.joined(separator: ", ")).")
        }
        let state = try parameter(request, "state", maxLength: 20).map { text -> JobState in
            guard let state = JobState(rawValue: text) else {
                throw ConsoleError(.invalidInput, "state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return state
        }
        let before = try parameter(request, "before", maxLength: 20).map { text -> Int64 in
            guard let id = Int64(text), id > 0 else { throw ConsoleError(.invalidInput, "The page link is damaged (before must be a job id). Start again from the first page.") }
            return id
        }
        let limit = configuration.pageSize
        let fetched = try await services.jobs.list(JobFilter(tenantID: tenantID, tenantIDs: visible.map { $0.map(\.id) }, kinds: kind.map { [JobKind($0)] },
                                                             states: state.map { [$0] }, limit: limit + 1, beforeID: before))
        let jobs = Array(fetched.prefix(limit))
        var next: String?
        if fetched.count > limit, let last = jobs.last {
            next = ConsoleFormat.link("/console/jobs", [("tenant", tenantText), ("kind", kind), ("state", state?.rawValue), ("before", String(last.id))])
        }
        let names = try await tenantNames(for: jobs, visible: visible)
        let page = JobListPage(
            layout: ConsoleLayout(title: "Jobs", session: session), tenant: tenantText ?? "",
            kinds: [Option(value: "", label: "any", selected: kind == nil)] + Self.jobKinds.map { Option(value: $0, label: $0, selected: $0 == kind) },
            states: [Option(value: "", label: "any", selected: state == nil)]
                + JobState.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0 == state) },
            jobs: jobs.map { JobRow($0, tenantNames: names) }, hasJobs: !jobs.isEmpty, next: next)
        return renderer.page("jobs", page)
    }

    /// Display names of the jobs' tenants (from the partner's list when there is one).
    private func tenantNames(for jobs: [Job], visible: [Tenant]?) async throws -> [UUID: String] {
        if let visible { return Dictionary(visible.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first }) }
        var names: [UUID: String] = [:]
        for id in Set(jobs.compactMap(\.tenantID)) {
            names[id] = try? await services.tenants.tenant(id: id).displayName
        }
        return names
    }

    /// The job the path names, if the viewer may see it; otherwise not found (audited for a
    /// partner user naming another partner's job).
    private func visibleJob(_ request: Request, _ context: APIRequestContext, session: ConsoleSession) async throws -> (Job, [UUID: String]) {
        let text = context.parameters.get("job_id") ?? ""
        guard let id = Int64(text), id > 0 else { throw ConsoleError(.invalidInput, "'\(text.prefix(30))' is not a job id.") }
        let notFound = ConsoleError(.notFound, "No job has id \(id).")
        let job: Job
        do {
            job = try await services.jobs.job(id)
        } catch {
            if APIError.describing(error).code == .notFound { throw notFound }
            throw error
        }
        let visible = try await visibleTenants(session)
        if let visible, !visible.contains(where: { $0.id == job.tenantID }) {
            try await refuse(session, request: request, reason: "job of another partner", details: ["job_id": String(id)])
            throw notFound
        }
        return (job, try await tenantNames(for: [job], visible: visible))
    }

    func jobPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let (job, names) = try await visibleJob(request, context, session: session)
        let history = try await services.jobs.history(job.id)
        let notice = try parameter(request, "done", maxLength: 10).flatMap { Self.jobNotices[$0] }
        let facts = JobPage.Facts(
            id: job.id, kind: job.kind.rawValue, tenantID: job.tenantID?.uuidString.lowercased(),
            tenantName: job.tenantID.map { names[$0] ?? $0.uuidString.lowercased() } ?? "", state: job.state.rawValue, attempt: job.attempt,
            maxAttempts: job.maxAttempts, runAt: ConsoleFormat.time(job.runAt), created: ConsoleFormat.time(job.createdAt),
            finished: ConsoleFormat.time(job.finalizedAt), worker: job.workerID?.uuidString.lowercased() ?? "—", cancelRequested: job.cancelRequested)
        var actions: JobPage.Actions?
        if session.user.role.mayAct {
            let canCancel = !job.state.isFinal && !job.cancelRequested
            let canRetry = [.discarded, .cancelled, .retryable, .scheduled].contains(job.state)
            if canCancel || canRetry {
                actions = JobPage.Actions(jobID: job.id, formToken: session.formToken, canCancel: canCancel, canRetry: canRetry)
            }
        }
        let page = JobPage(
            layout: ConsoleLayout(title: "Job \(job.id)", session: session, notice: notice), job: facts, actions: actions,
            errors: job.errors.map { JobPage.ErrorRow(attempt: $0.attempt, at: ConsoleFormat.time($0.at), error: $0.error, permanent: $0.permanent) },
            hasErrors: !job.errors.isEmpty,
            history: history.map { JobPage.Event(at: ConsoleFormat.time($0.at), state: $0.state.rawValue, attempt: $0.attempt,
                                                 worker: $0.workerID?.uuidString.lowercased() ?? "—") })
        return renderer.page("job", page)
    }

    /// Cancel or retry, for operators: the form is checked first (origin, token), then the role;
    /// both refusals are audited and change nothing. Done actions are audited `console.job.<action>`.
    func jobAction(_ action: JobAction, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        _ = try await postedForm(request, session: session)
        guard session.user.role.mayAct else {
            try await refuse(session, request: request, reason: "role \(session.user.role.rawValue) may not \(action.rawValue) jobs")
            throw ConsoleError(.forbidden, "Your role (\(session.user.role.rawValue)) can look but not change anything; nothing was changed.")
        }
        let (job, _) = try await visibleJob(request, context, session: session)
        let changed = switch action {
        case .cancel: try await services.jobs.cancel(job.id)
        case .retry: try await services.jobs.retry(job.id)
        }
        try await services.client.withTransaction { connection in
            var details = ["job_id": String(job.id), "job_kind": job.kind.rawValue, "state": changed.state.rawValue]
            if let tenantID = job.tenantID { details["tenant_id"] = tenantID.uuidString.lowercased() }
            try await AuditLog.record(actor: session.user.actor, action: "console.job.\(action.rawValue)", tenantID: job.tenantID, details: details,
                                      on: connection)
        }
        services.logger.notice("job changed through the console", metadata: ["job.id": "\(job.id)", "console.user": "\(session.user.username)",
                                                                             "console.action": "\(action.rawValue)"])
        throw ConsoleRedirect(location: "/console/jobs/\(job.id)?done=\(action.rawValue)")
    }
}
