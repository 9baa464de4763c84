import Foundation
import Restore

/// A stored restore plan as the API shows it: what it would do and which guards need confirmation.
/// Steps are listed at `/v1/restores/{plan_id}/steps`.
struct RestorePlanResource: Encodable, Sendable {
    struct Guards: Encodable, Sendable {
        var destructiveCount: Int
        var blastRadiusLimit: Int
        /// Apply needs `confirm_blast_radius: true`.
        var exceedsBlastRadius: Bool
        /// Non-empty: apply needs `confirm_lockout: true`.
        var lockoutFindings: [LockoutFinding]
    }

    var id: String
    var status: String
    var snapshotID: Int64
    var sourceTenantID: String
    var targetTenantID: String
    var crossTenant: Bool
    var scope: RestoreScope
    var stepCount: Int
    /// Steps by status (`planned`, `applied`, `failed`, …).
    var stepsByStatus: [String: Int]
    /// Steps by action (`create`, `patch`, `undelete`, …).
    var stepsByAction: [String: Int]
    var guards: Guards
    var operatorActions: [OperatorAction]
    var domainRewrites: [String: String]
    var createdBy: String
    var createdAt: Date
    var error: String?

    init(_ plan: RestorePlan) {
        id = plan.id.apiString
        status = plan.status.rawValue
        snapshotID = plan.snapshotID
        sourceTenantID = plan.sourceTenantID.apiString
        targetTenantID = plan.targetTenantID.apiString
        crossTenant = plan.isCrossTenant
        scope = plan.scope
        stepCount = plan.steps.count
        stepsByStatus = Dictionary(plan.counts.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +)
        stepsByAction = Dictionary(plan.steps.map { ($0.action.rawValue, 1) }, uniquingKeysWith: +)
        guards = Guards(destructiveCount: plan.destructiveCount, blastRadiusLimit: plan.blastRadiusLimit,
                        exceedsBlastRadius: plan.exceedsBlastRadius, lockoutFindings: plan.lockoutFindings)
        operatorActions = plan.operatorActions
        domainRewrites = plan.domainRewrites
        createdBy = plan.createdBy
        createdAt = plan.createdAt
        error = plan.error
    }
}

/// One row of `GET /v1/restores`.
struct RestorePlanSummary: Encodable, Sendable {
    var id: String
    var status: String
    var createdAt: Date
}

/// One step of a plan. Attribute values stay out (they can be large and hold personal data):
/// `changed_attributes` names what a patch changes; `holdfast restore show --steps` shows values.
struct RestoreStepResource: Encodable, Sendable {
    var seq: Int
    var phase: Int
    var action: String
    var type: String
    var sourceKey: String
    var displayName: String?
    var status: String
    var targetID: String?
    var changedAttributes: [String]
    var detail: String?

    init(_ step: RestoreStep) {
        seq = step.seq
        phase = step.phase.rawValue
        action = step.action.rawValue
        type = step.type
        sourceKey = step.sourceKey
        displayName = (step.after ?? step.before).flatMap { $0["userPrincipalName"]?.stringValue ?? $0["displayName"]?.stringValue }
        status = step.status.rawValue
        targetID = step.targetID
        changedAttributes = step.action == .patch
            ? AttributeChange.between(step.before, step.after).map(\.path).filter { !["modifiedDateTime", "id"].contains($0) } : []
        detail = step.detail
    }
}

/// `POST /v1/restores/{plan_id}/apply`'s answer: the queued `restore` job.
struct RestoreApplyResource: Encodable, Sendable {
    var planID: String
    var job: JobResource
}

/// `POST /v1/tenants/{tenant_id}/restores` body: which snapshot (exactly one of `snapshot_id`,
/// `at`, `deleted_since`), where to, and what.
struct RestorePlanBody: APIRequestBody {
    static let fields: Set<String> = ["snapshot_id", "at", "deleted_since", "target_tenant_id", "types", "ids", "only_missing"]

    var snapshotID: Int64?
    var at: String?
    var deletedSince: String?
    var targetTenantID: String?
    var types: [String]?
    var ids: [String]?
    var onlyMissing: Bool?

    enum CodingKeys: String, CodingKey {
        case snapshotID = "snapshot_id", at, deletedSince = "deleted_since", targetTenantID = "target_tenant_id", types, ids,
             onlyMissing = "only_missing"
    }

    func validate() throws {
        guard [snapshotID != nil, at != nil, deletedSince != nil].filter({ $0 }).count == 1 else {
            throw APIError(.invalidRequest, "give exactly one of 'snapshot_id', 'at' or 'deleted_since'")
        }
        if snapshotID == nil { _ = try time() }
        if let targetTenantID { _ = try Validate.uuid(targetTenantID, field: "target_tenant_id") }
        if let types {
            guard !types.isEmpty else { throw APIError(.invalidRequest, "field 'types' must not be empty (leave it out for every type)") }
            let unknown = types.filter { !RestorableTypes.all.contains($0) }
            guard unknown.isEmpty else {
                throw APIError(.invalidRequest, "field 'types' has types that cannot be restored (\(unknown.joined(separator: ", "))); restorable: \(RestorableTypes.all.sorted().joined(separator: ", "))")
            }
        }
        if let ids, ids.isEmpty || ids.contains(where: \.isEmpty) {
            throw APIError(.invalidRequest, "field 'ids' must list object ids (leave it out for every object)")
        }
    }

    /// The time of `at` or `deleted_since`.
    func time() throws -> Date {
        let (field, text) = at.map { ("at", $0) } ?? ("deleted_since", deletedSince ?? "")
        guard let date = APITime.parse(text) else {
            throw APIError(.invalidRequest, "field '\(field)' must be an ISO 8601 time such as 2026-11-20T08:00:00Z (got '\(text)')")
        }
        return date
    }
}

/// `POST /v1/restores/{plan_id}/apply` body.
struct RestoreApplyBody: APIRequestBody {
    static let fields: Set<String> = ["confirm_blast_radius", "confirm_lockout"]

    var confirmBlastRadius: Bool?
    var confirmLockout: Bool?

    enum CodingKeys: String, CodingKey {
        case confirmBlastRadius = "confirm_blast_radius", confirmLockout = "confirm_lockout"
    }
}

struct RestoreDiscardBody: APIRequestBody {
    static let fields: Set<String> = ["reason"]

    var reason: String?
}
