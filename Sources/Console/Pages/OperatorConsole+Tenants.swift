import Audit
import Compliance
import Foundation
import Hummingbird
import API
import Queue
import Tenancy

/// The tenant list (filter by name or domain and status, keyset pages by name) and a tenant's
/// page (identity, partner, policy, credential expiry, SLA, recent jobs, and for staff the audit
/// log). A partner user sees only their partner's tenants; any other tenant id answers exactly as
/// a tenant that does not exist, and the attempt is audited.
extension OperatorConsole {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct TenantListPage {
        struct Row {
            var id: String
            var name: String
            var domain: String
            var status: String
            var reason: String?
            var since: String
            var size: String
        }
        var layout: ConsoleLayout
        var query: String
        var statuses: [Option]
        var tenants: [Row]
        /// Stored, not computed: Mustache reads values through `Mirror`, which sees stored properties only.
        var hasTenants: Bool
        var next: String?
    }

    struct TenantPage {
        struct Facts {
            var id: String
            var name: String
            var status: String
            var reason: String?
            var since: String
            var domain: String
            var entraID: String
            var partner: String
            var policy: String
            var credentialExpiry: String
            var lastProbe: String
        }
        struct SLA {
            var state: String
            var stateLabel: String
            var reasons: String
            var newest: String
            var rpo: String
            var successRate: String
        }
        struct AuditRow {
            var at: String
            var actor: String
            var action: String
            var details: String
        }
        var layout: ConsoleLayout
        var tenantID: String
        var tenant: Facts
        var sla: SLA?
        var jobs: [JobRow]
        var hasJobs: Bool
        var showAudit: Bool
        var audit: [AuditRow]
        var hasAudit: Bool
    }

    func tenantList(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        let search = try parameter(request, "q")
        let status = try parameter(request, "status", maxLength: 20).map { text -> TenantStatus in
            guard let status = TenantStatus(rawValue: text) else {
                throw ConsoleError(.invalidInput, "status must be one of \(TenantStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return status
        }
        var cursor: TenantRegistry.NameCursor?
        if let afterID = try parameter(request, "after_id", maxLength: 36) {
            guard let id = UUID(uuidString: afterID), let name = try parameter(request, "after_name", maxLength: 500) else {
                throw ConsoleError(.invalidInput, "The page link is damaged (after_id must be a tenant id, with after_name). Start again from the first page.")
            }
            cursor = TenantRegistry.NameCursor(displayName: name, id: id)
        }
        let partnerID = session.user.role == .partner ? session.user.partnerID : nil
        let limit = configuration.pageSize
        let fetched = try await services.tenants.tenants(partnerID: partnerID, status: status, search: search, after: cursor, limit: limit + 1)
        let tenants = Array(fetched.prefix(limit))
        var next: String?
        if fetched.count > limit, let last = tenants.last {
            next = ConsoleFormat.link("/console/tenants", [("q", search), ("status", status?.rawValue), ("after_name", last.displayName),
                                                            ("after_id", last.id.uuidString.lowercased())])
        }
        let statuses = [Option(value: "", label: "any", selected: status == nil)]
            + TenantStatus.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0 == status) }
        let rows = tenants.map {
            TenantListPage.Row(id: $0.id.uuidString.lowercased(), name: $0.displayName, domain: $0.primaryDomain ?? "—", status: $0.status.rawValue,
                               reason: $0.statusReason, since: ConsoleFormat.time($0.statusChangedAt), size: $0.sizeClass)
        }
        return renderer.page("tenants", TenantListPage(layout: ConsoleLayout(title: "Tenants", session: session), query: search ?? "",
                                                       statuses: statuses, tenants: rows, hasTenants: !rows.isEmpty, next: next))
    }

    /// The tenant named by the path, if the viewer may see it; otherwise not found (audited when a
    /// partner user names another partner's tenant).
    func visibleTenant(_ request: Request, _ context: APIRequestContext, session: ConsoleSession, parameter name: String) async throws -> Tenant {
        let text = context.parameters.get(name) ?? ""
        guard let id = UUID(uuidString: text) else {
            throw ConsoleError(.invalidInput, "'\(text.prefix(64))' is not a tenant id.")
        }
        let notFound = ConsoleError(.notFound, "No tenant has id \(id.uuidString.lowercased()).")
        let tenant: Tenant
        do {
            tenant = try await services.tenants.tenant(id: id)
        } catch {
            if APIError.describing(error).code == .notFound { throw notFound }
            throw error
        }
        if session.user.role == .partner, tenant.partnerID != session.user.partnerID {
            try await refuse(session, request: request, reason: "tenant of another partner", details: ["tenant_id": id.uuidString.lowercased()])
            throw notFound
        }
        return tenant
    }

    func tenantPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let tenant = try await visibleTenant(request, context, session: session, parameter: "tenant_id")
        let now = now()
        let overview = try await services.tenants.overviews(tenantID: tenant.id).first
        let partnerID = session.user.role == .partner ? session.user.partnerID : nil
        let assessment = try await services.sla.assess(scope: .tenant(tenant.id), now: now, visibleToPartner: partnerID).first
        let jobs = try await services.jobs.list(JobFilter(tenantID: tenant.id, limit: 10))
        var audit: [TenantPage.AuditRow] = []
        if session.user.role.isStaff {
            audit = try await AuditLog.entries(tenantID: tenant.id, limit: 20, client: services.client).map { entry in
                TenantPage.AuditRow(at: ConsoleFormat.time(entry.at), actor: entry.actor, action: entry.action,
                                    details: entry.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
            }
        }
        let facts = TenantPage.Facts(
            id: tenant.id.uuidString.lowercased(), name: tenant.displayName, status: tenant.status.rawValue, reason: tenant.statusReason,
            since: ConsoleFormat.time(tenant.statusChangedAt), domain: tenant.primaryDomain ?? "—",
            entraID: tenant.entraTenantID?.uuidString.lowercased() ?? "—", partner: overview?.partnerName ?? "— (the MSP's own)",
            policy: overview?.policyName ?? "none", credentialExpiry: overview?.credentialExpiresAt.map(ConsoleFormat.time) ?? "no credential",
            lastProbe: ConsoleFormat.time(overview?.lastProbedAt))
        let sla = assessment.map { assessment in
            TenantPage.SLA(state: assessment.state.rawValue, stateLabel: Self.label(assessment.state),
                           reasons: assessment.reasons.map(Self.label).joined(separator: "; "),
                           newest: assessment.newestSnapshotAt.map { "\(ConsoleFormat.time($0)) (\(ConsoleFormat.duration(seconds: now.timeIntervalSince($0))) ago)" } ?? "none",
                           rpo: ConsoleFormat.duration(seconds: assessment.rpoTargetSeconds),
                           successRate: assessment.successRate30Days.map { "\(Int(($0 * 100).rounded())) % (\(assessment.attemptsSucceeded30Days) of \(assessment.attemptsSucceeded30Days + assessment.attemptsFailed30Days))" } ?? "no attempts")
        }
        let names = [tenant.id: tenant.displayName]
        let page = TenantPage(layout: ConsoleLayout(title: tenant.displayName, session: session), tenantID: facts.id, tenant: facts, sla: sla,
                              jobs: jobs.map { JobRow($0, tenantNames: names) }, hasJobs: !jobs.isEmpty, showAudit: session.user.role.isStaff,
                              audit: audit, hasAudit: !audit.isEmpty)
        return renderer.page("tenant", page)
    }
}
