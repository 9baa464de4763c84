import Compliance
import Foundation

/// A tenant's SLA with its recorded changes of state over a period (`GET …/tenants/{tenant_id}/sla`).
struct TenantSLAResource: Encodable, Sendable {
    var tenantId: String
    /// False while the tenant is onboarding or offboarded: SLA is not evaluated, `sla` is null.
    var protected: Bool
    /// The assessment as `holdfast sla --json` prints it (docs/sla.md).
    var sla: SLAAssessment?
    var from: Date
    var to: Date
    var transitions: [SLATransitionResource]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tenantId, forKey: .tenantId)
        try container.encode(protected, forKey: .protected)
        // Always present, null when not protected.
        try container.encode(sla, forKey: .sla)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(transitions, forKey: .transitions)
    }

    enum CodingKeys: String, CodingKey { case tenantId, protected, sla, from, to, transitions }
}

/// One recorded change of SLA state.
struct SLATransitionResource: Encodable, Sendable {
    var id: Int64
    /// Absent for the tenant's first evaluation.
    var fromState: String?
    var toState: String
    var reasons: [String]
    var at: Date

    init(_ transition: SLATransition) {
        id = transition.id
        fromState = transition.from?.rawValue
        toState = transition.to.rawValue
        reasons = transition.reasons.map(\.rawValue)
        at = transition.at
    }
}
