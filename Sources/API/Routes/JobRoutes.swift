import Foundation
import Hummingbird
import Queue

/// Operators' job routes over Queue's ``JobAdministrator``: list with filters, show, cancel, retry.
/// (Run a backup now is `POST /v1/tenants/{tenant_id}/backups`.)
struct JobRoutes: APIRouteGroup {
    let services: APIServices

    struct JobDetail: Encodable, Sendable {
        struct Event: Encodable, Sendable {
            var state: String
            var attempt: Int
            var workerID: String?
            var at: Date
        }
        var job: JobResource
        var history: [Event]
    }

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/jobs", access: .staff) { request, _ in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let query = request.uri.queryParameters
            let tenantID = try query["tenant_id"].map { try TenantRoutes.uuid(String($0), name: "tenant_id") }
            // An unknown kind matches no job; one that cannot be a kind's name is refused.
            let kinds: [JobKind]? = try QueryValues.list(request, "kind") { text in
                guard text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" }) else {
                    throw APIError(.invalidParameter, "kind must be job kinds such as backup or restore: lower-case letters and '_' (got '\(text)')")
                }
                return JobKind(String(text))
            }
            let states: [JobState]? = try QueryValues.list(request, "state") { text in
                guard let state = JobState(rawValue: String(text)) else {
                    throw APIError(.invalidParameter, "state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
                }
                return state
            }
            let filter = JobFilter(tenantID: tenantID, kinds: kinds, states: states,
                                   limit: page.limit + 1, beforeID: try page.beforeID())
            let jobs = try await services.jobs.list(filter).map(JobResource.init)
            return try JSONResponse.make(page.page(descendingIDs: jobs, id: \.id))
        }
        routes.get("/v1/jobs/{job_id}", access: .staff) { _, context in
            let id = try context.int64Parameter("job_id")
            let job = try await services.jobs.job(id)
            let history = try await services.jobs.history(id).map {
                JobDetail.Event(state: $0.state.rawValue, attempt: $0.attempt, workerID: $0.workerID?.apiString, at: $0.at)
            }
            return try JSONResponse.make(JobDetail(job: JobResource(job), history: history))
        }
        let actions: [(name: String, past: String, run: @Sendable (JobAdministrator, Job.ID) async throws -> Job)] = [
            ("cancel", "cancelled", { try await $0.cancel($1) }),
            ("retry", "retried", { try await $0.retry($1) }),
        ]
        for action in actions {
            routes.post("/v1/jobs/{job_id}/\(action.name)", access: .staff) { _, context in
                let id = try context.int64Parameter("job_id")
                let job = try await action.run(services.jobs, id)
                context.logger.notice("job action through the API", metadata: ["job.id": "\(id)", "job.action": "\(action.past)"])
                return try JSONResponse.make(JobResource(job))
            }
        }
    }
}
