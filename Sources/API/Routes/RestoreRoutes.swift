import Foundation
import Hummingbird
import Jobs
import Logging
import NIOCore
import Queue
import Restore
import Vault

/// Change tracking and restores over the Restore module: a diff between two snapshots (or a
/// snapshot and the live tenant), stored dry-run plans, and applying a plan as a `restore` job.
/// Temporary passwords of recreated users are never served: they are shown only by the CLI's
/// foreground `holdfast restore apply`.
struct RestoreRoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/tenants/{tenant_id}/diff", access: .staff) { request, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let query = request.uri.queryParameters
            let vault = try services.requireVault()
            _ = try await services.tenants.tenant(id: tenantID, logger: context.logger)
            guard let from = query["from"].flatMap({ QueryValues.positiveID($0) }) else {
                throw APIError(.invalidParameter, "from is required: the older snapshot's id")
            }
            guard let toText = query["to"].map(String.init), toText == "live" || QueryValues.positiveID(toText) != nil else {
                throw APIError(.invalidParameter, "to is required: the newer snapshot's id, or live")
            }
            let typeList: [String]? = try QueryValues.list(request, "type") { text in
                guard text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.letters.contains($0) || $0 == ".") }) else {
                    throw APIError(.invalidParameter, "type must be catalogue types such as user or group.members (got '\(text)')")
                }
                return String(text)
            }
            let types = Set(typeList ?? [])
            let who = try QueryValues.bool(request, "who") ?? false
            // Snapshots the query names are part of what it asks for: 404 when one is not the tenant's.
            try await Self.requireSnapshot(from, of: tenantID, vault: vault, parameter: "from", code: .notFound, logger: context.logger)
            let differ = ChangeDiffer(vault: vault, logger: context.logger)
            let changes: ChangeSet
            if let to = QueryValues.positiveID(toText) {
                try await Self.requireSnapshot(to, of: tenantID, vault: vault, parameter: "to", code: .notFound, logger: context.logger)
                changes = try await Self.mapped { try await differ.diff(tenantID: tenantID, from: from, to: to, types: types.isEmpty ? nil : types) }
            } else {
                let unknown = types.subtracting(RestorableTypes.all)
                guard unknown.isEmpty else {
                    throw APIError(.invalidParameter, "type: against live, only restorable types can be read (not \(unknown.sorted().joined(separator: ", "))); restorable: \(RestorableTypes.all.sorted().joined(separator: ", "))")
                }
                let session = try await services.requireGraphSessions().session(tenantID: tenantID, logger: context.logger)
                changes = try await Self.mapped {
                    try await differ.diff(tenantID: tenantID, from: from, live: session, types: types.isEmpty ? RestorableTypes.all : types)
                }
            }
            var result = changes
            if who {
                // Who made each change, from the tenant's directory audit log (AuditLog.Read.All).
                let session = try await services.requireGraphSessions().session(tenantID: tenantID, logger: context.logger)
                let since = try await vault.snapshot(id: from, logger: context.logger).committedAt
                result = try await DirectoryAuditAnnotator(session: session, logger: context.logger).annotate(changes, since: since)
            }
            return Self.rawJSON(try result.renderJSON(), status: .ok)
        }
        routes.post("/v1/tenants/{tenant_id}/restores", access: .staff) { request, context in
            let source = try context.uuidParameter("tenant_id")
            let body = try await request.decodeBody(RestorePlanBody.self, context: context)
            let principal = try context.requirePrincipal()
            let vault = try services.requireVault()
            let sessions = try services.requireGraphSessions()
            _ = try await services.tenants.tenant(id: source, logger: context.logger)
            let target = try body.targetTenantID.map { try Validate.uuid($0, field: "target_tenant_id") } ?? source
            if target != source { _ = try await services.tenants.tenant(id: target, logger: context.logger) }
            let snapshotID: Int64
            if let id = body.snapshotID {
                // A body naming no snapshot of the tenant: well-formed, but nothing to plan from.
                try await Self.requireSnapshot(id, of: source, vault: vault, parameter: "snapshot_id", code: .unprocessableRequest, logger: context.logger)
                snapshotID = id
            } else {
                let time = try body.time()
                snapshotID = try await vault.snapshot(tenantID: source, at: time, logger: context.logger).id
            }
            let scope = RestoreScope(types: body.types.map(Set.init), ids: body.ids.map(Set.init),
                                     onlyMissing: (body.onlyMissing ?? false) || body.deletedSince != nil)
            let session = try await sessions.session(tenantID: target, logger: context.logger)
            let plan = try await Self.mapped {
                try await RestorePlanner(vault: vault, store: RestoreStore(vault: vault), configuration: services.restoreConfiguration,
                                         logger: context.logger)
                    .plan(snapshotID: snapshotID, targetTenantID: target, target: session, scope: scope, actor: principal.actor)
            }
            context.logger.notice("restore planned through the API",
                                   metadata: ["restore.plan_id": "\(plan.id.apiString)", "tenant.id": "\(target.apiString)"])
            return try JSONResponse.make(RestorePlanResource(plan), status: .created)
        }
        routes.get("/v1/restores", access: .staff) { request, _ in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            guard let text = request.uri.queryParameters["tenant_id"] else {
                throw APIError(.invalidParameter, "tenant_id is required: the tenant restored into")
            }
            let tenantID = try TenantRoutes.uuid(String(text), name: "tenant_id")
            _ = try await services.tenants.tenant(id: tenantID)
            let offset = try page.offset()
            let rows = try await RestoreStore(vault: try services.requireVault()).plans(targetTenantID: tenantID, limit: page.fetchCount(after: offset))
            let items = rows.dropFirst(offset).map { RestorePlanSummary(id: $0.id.apiString, status: $0.status, createdAt: $0.createdAt) }
            return try JSONResponse.make(page.page(offset: offset, fetched: Array(items)))
        }
        routes.get("/v1/restores/{plan_id}", access: .staff) { _, context in
            // Counts of statuses and actions: no step's objects are opened.
            let plan = try await Self.plan(context, services: services, content: .none)
            return try JSONResponse.make(RestorePlanResource(plan))
        }
        routes.get("/v1/restores/{plan_id}/steps", access: .staff) { request, context in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let offset = try page.offset()
            // Only the page's steps are opened (each is sealed).
            let plan = try await Self.plan(context, services: services, content: .window(offset: offset, count: page.limit + 1))
            let fetched = plan.steps.dropFirst(offset).prefix(page.limit + 1).map(RestoreStepResource.init)
            return try JSONResponse.make(page.page(offset: offset, fetched: Array(fetched)))
        }
        routes.post("/v1/restores/{plan_id}/apply", access: .staff) { request, context in
            let body = try await request.decodeBody(RestoreApplyBody.self, context: context)
            let principal = try context.requirePrincipal()
            let plan = try await Self.plan(context, services: services, content: .none)
            guard plan.status == .planned else {
                throw APIError(.invalidState, "plan \(plan.id.apiString) is \(plan.status.rawValue); only a planned plan can be applied (plan again)")
            }
            // Expired plans, suspended, offboarded or another partner's target tenants.
            try await Self.mapped { try await RestoreTargetCheck(client: services.client, logger: services.logger).check(plan) }
            if plan.exceedsBlastRadius, body.confirmBlastRadius != true {
                throw APIError(.restoreNeedsConfirmation,
                               "the plan overwrites or removes \(plan.destructiveCount) objects, more than its limit of \(plan.blastRadiusLimit); send confirm_blast_radius: true to apply it")
            }
            if !plan.lockoutFindings.isEmpty, body.confirmLockout != true {
                let names = plan.lockoutFindings.map(\.policyName).joined(separator: ", ")
                throw APIError(.restoreLockoutRisk,
                               "conditional access policies (\(names)) would block every privileged administrator; send confirm_lockout: true to apply anyway")
            }
            let arguments = RestoreJobHandler.Arguments(planID: plan.id, confirmBlastRadius: body.confirmBlastRadius ?? false,
                                                        confirmLockout: body.confirmLockout ?? false, actor: principal.actor)
            let result = try await services.enqueuer.enqueue(try EnqueueRequest(arguments, tenantID: plan.targetTenantID,
                                                                             priority: QueuePriority.restore, uniqueKey: "restore:\(plan.id.apiString)"))
            context.logger.notice("restore enqueued through the API", metadata: [
                "restore.plan_id": "\(plan.id.apiString)", "job.id": "\(result.job.id)",
            ])
            return try JSONResponse.make(RestoreApplyResource(planID: plan.id.apiString, job: JobResource(result.job)), status: .accepted)
        }
        routes.post("/v1/restores/{plan_id}/discard", access: .staff) { request, context in
            // Settles a plan nobody will apply, so retention may delete its snapshot again; the plan
            // stays as evidence (status failed, with the reason).
            let body = try await request.decodeBody(RestoreDiscardBody.self, context: context)
            let principal = try context.requirePrincipal()
            let id = try context.uuidParameter("plan_id")
            let store = RestoreStore(vault: try services.requireVault())
            // The store refuses a missing or blank reason (400 invalid_request), as for the CLI.
            try await Self.mapped { try await store.discard(planID: id, reason: body.reason ?? "", actor: principal.actor) }
            context.logger.notice("restore plan discarded through the API", metadata: [
                "restore.plan_id": "\(id.apiString)",
            ])
            return try JSONResponse.make(RestorePlanResource(try await Self.mapped { try await store.plan(id: id, logger: context.logger, content: .none) }))
        }
    }

    private static func plan(_ context: APIRequestContext, services: APIServices,
                             content: RestoreStore.StepContent) async throws -> RestorePlan {
        let id = try context.uuidParameter("plan_id")
        return try await mapped {
            try await RestoreStore(vault: try services.requireVault()).plan(id: id, logger: context.logger, content: content)
        }
    }

    private static func requireSnapshot(_ id: Int64, of tenantID: UUID, vault: Vault, parameter: String, code: APIError.Code,
                                        logger: Logger) async throws {
        let snapshot: SnapshotSummary
        do {
            snapshot = try await vault.snapshot(id: id, logger: logger)
        } catch let error as VaultError where error.code == .notFound {
            throw APIError(code, "\(parameter) names no snapshot (\(id))", underlying: error)
        }
        guard snapshot.tenantID == tenantID else {
            throw APIError(code, "\(parameter): snapshot \(id) is not one of tenant \(tenantID.apiString)'s")
        }
    }

    /// Restore's errors as API errors; others pass through to the standard mapping.
    private static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RestoreError {
            switch error.code {
            case .notFound: throw APIError(.notFound, error.message, underlying: error)
            case .invalidRequest: throw APIError(.invalidRequest, error.message, underlying: error)
            case .invalidState: throw APIError(.invalidState, error.message, underlying: error)
            case .blastRadiusExceeded: throw APIError(.restoreNeedsConfirmation, error.message, underlying: error)
            case .lockoutRisk: throw APIError(.restoreLockoutRisk, error.message, underlying: error)
            case .expired, .tenantRefused: throw APIError(.invalidState, error.message, underlying: error)
            default: throw error
            }
        }
    }

    private static func rawJSON(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension APIError.Code {
    /// The plan overwrites or removes more than its blast-radius limit: resend with confirm_blast_radius.
    static let restoreNeedsConfirmation = APIError.Code("restore_needs_confirmation", status: .conflict)
    /// A restored conditional access policy would block every privileged administrator: resend with confirm_lockout.
    static let restoreLockoutRisk = APIError.Code("restore_lockout_risk", status: .conflict)
}
