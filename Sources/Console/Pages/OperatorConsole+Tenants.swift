import Audit
import Compliance
import Foundation
import Hummingbird
import API
import Jobs
import Vault
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
        struct SLAChange {
            var at: String
            var from: String
            var to: String
            var toLabel: String
            var reasons: String
        }
        struct Validation {
            struct Check {
                var name: String
                var status: String
                var summary: String
                var failures: [String]
                var notes: [String]
                var more: String?
            }
            var id: Int64
            var at: String
            var snapshotID: Int64
            var outcome: String
            var passed: Bool
            var duration: String
            var checks: [Check]
        }
        struct Snapshot {
            var id: Int64
            var committed: String
            var kind: String
            var status: String
            /// nil when every type was read (an empty string would still open the section).
            var missing: String?
            var objects: Int64
            var changed: Int64
            var added: String
            var took: String
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
        var slaChanges: [SLAChange]
        var hasSLAChanges: Bool
        var validations: [Validation]
        var hasValidations: Bool
        var snapshots: [Snapshot]
        var hasSnapshots: Bool
        /// False when this coordinator has no vault (no master key): snapshots are not read.
        var vaultOpen: Bool
        var jobs: [JobRow]
        var hasJobs: Bool
        var showAudit: Bool
        /// Staff open snapshots (their contents are the customer's directory, as in the API).
        var isStaff: Bool
        var held: Bool
        var holdReason: String?
        /// Operators' form to place or release the tenant's legal hold.
        var hold: HoldForm?
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
        let notice = try parameter(request, "done", maxLength: 10).flatMap { Self.holdNotices[$0] }
        let legalHold = try await services.policies.legalHold(tenantID: tenant.id)
        let now = now()
        let overview = try await services.tenants.overviews(tenantID: tenant.id).first
        let partnerID = session.user.role == .partner ? session.user.partnerID : nil
        let assessment = try await services.sla.assess(scope: .tenant(tenant.id), now: now, visibleToPartner: partnerID).first
        let jobs = try await services.jobs.list(JobFilter(tenantID: tenant.id, limit: 10))
        let changes = try await services.sla.transitions(tenantID: tenant.id, from: now.addingTimeInterval(-Self.slaHistoryWindow), to: now)
            .sorted { $0.at > $1.at }.prefix(Self.slaHistoryRows)
        let validations = try await ValidationStore(client: services.client).validations(tenantID: tenant.id, limit: Self.validationRows)
        let snapshots = try await services.vault?.snapshots(tenantID: tenant.id, limit: Self.snapshotRows).map(Self.snapshotRow)
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
        let slaChanges = changes.map { change in
            TenantPage.SLAChange(at: ConsoleFormat.time(change.at), from: change.from.map(Self.label) ?? "first evaluation",
                                 to: change.to.rawValue, toLabel: Self.label(change.to), reasons: change.reasons.map(Self.label).joined(separator: "; "))
        }
        let names = [tenant.id: tenant.displayName]
        let page = TenantPage(layout: ConsoleLayout(title: tenant.displayName, session: session, notice: notice), tenantID: facts.id, tenant: facts, sla: sla,
                              slaChanges: slaChanges, hasSLAChanges: !slaChanges.isEmpty,
                              validations: validations.map(Self.validationRow), hasValidations: !validations.isEmpty,
                              snapshots: snapshots ?? [], hasSnapshots: !(snapshots ?? []).isEmpty, vaultOpen: services.vault != nil,
                              jobs: jobs.map { JobRow($0, tenantNames: names) }, hasJobs: !jobs.isEmpty, showAudit: session.user.role.isStaff,
                              isStaff: session.user.role.isStaff, held: legalHold.held, holdReason: legalHold.reason,
                              hold: Self.holdForm(action: "/console/tenants/\(facts.id)", held: legalHold.held, reason: legalHold.reason, session: session),
                              audit: audit, hasAudit: !audit.isEmpty)
        return renderer.page("tenant", page)
    }

    /// The SLA history a tenant page shows: changes of state over 90 days, newest first, at most 20.
    static let slaHistoryWindow: TimeInterval = 90 * 86_400
    static let slaHistoryRows = 20
    /// The newest validations a tenant page shows, each check with its evidence.
    static let validationRows = 5
    /// The newest snapshots a tenant page lists (`holdfast snapshots list` shows them all).
    static let snapshotRows = 10

    static func snapshotRow(_ snapshot: SnapshotSummary) -> TenantPage.Snapshot {
        TenantPage.Snapshot(
            id: snapshot.id, committed: ConsoleFormat.time(snapshot.committedAt), kind: snapshot.kind.rawValue, status: snapshot.status.rawValue,
            missing: snapshot.missingTypes.isEmpty ? nil : snapshot.missingTypes.map { "\($0.type): \($0.reason)" }.joined(separator: "; "),
            objects: snapshot.objectCount, changed: snapshot.changedCount,
            added: ByteCountFormatter.string(fromByteCount: max(0, snapshot.bytesAdded), countStyle: .binary),
            took: ConsoleFormat.duration(seconds: Double(max(0, snapshot.durationMilliseconds)) / 1000))
    }

    /// Evidence lines shown per check; the rest are counted (a failed integrity check can name thousands).
    static let evidenceLines = 10

    static func validationRow(_ result: ValidationResult) -> TenantPage.Validation {
        let checks = result.checks.map { check in
            let hidden = max(0, check.failures.count - evidenceLines) + max(0, check.notes.count - evidenceLines)
            return TenantPage.Validation.Check(
                name: check.name.replacingOccurrences(of: "_", with: " "), status: check.status.rawValue, summary: check.summary,
                failures: Array(check.failures.prefix(evidenceLines)), notes: Array(check.notes.prefix(evidenceLines)),
                more: hidden > 0 ? "and \(hidden) more: holdfast validations show \(result.tenantID.uuidString.lowercased()) --id \(result.id ?? 0)" : nil)
        }
        return TenantPage.Validation(
            id: result.id ?? 0, at: ConsoleFormat.time(result.finishedAt), snapshotID: result.snapshotID,
            outcome: result.passed ? "passed" : "failed: " + result.failedChecks.joined(separator: ", "), passed: result.passed,
            duration: ConsoleFormat.duration(seconds: max(0, result.finishedAt.timeIntervalSince(result.startedAt))), checks: checks)
    }
}
