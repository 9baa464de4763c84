public import Foundation

/// A recorded change of a tenant's SLA state.
public struct SLATransition: Sendable, Hashable, Codable {
    public var id: Int64
    public var tenantID: UUID
    /// nil for the tenant's first evaluation.
    public var from: SLAState?
    public var to: SLAState
    public var reasons: [SLAReason]
    public var at: Date

    public init(id: Int64, tenantID: UUID, from: SLAState?, to: SLAState, reasons: [SLAReason], at: Date) {
        self.id = id
        self.tenantID = tenantID
        self.from = from
        self.to = to
        self.reasons = reasons
        self.at = at
    }

    /// The webhook event this change sends, if any: entering `breached`, or leaving it.
    public var webhookEventName: String? {
        if to == .breached && from != .breached { return "sla.breached" }
        if from == .breached && to != .breached { return "sla.recovered" }
        return nil
    }
}

/// The payload of `sla.breached` and `sla.recovered` webhook events.
public struct SLATransitionPayload: Sendable, Hashable, Encodable {
    public var tenantID: UUID
    public var tenantName: String
    public var partnerID: UUID?
    public var partnerName: String?
    public var fromState: SLAState?
    public var toState: SLAState
    public var reasons: [SLAReason]
    public var at: Date
    public var rpoTargetSeconds: Double
    public var snapshotAgeSeconds: Double
    public var newestSnapshotAt: Date?

    public init(transition: SLATransition, assessment: SLAAssessment) {
        self.tenantID = transition.tenantID
        self.tenantName = assessment.tenantName
        self.partnerID = assessment.partnerID
        self.partnerName = assessment.partnerName
        self.fromState = transition.from
        self.toState = transition.to
        self.reasons = transition.reasons
        self.at = transition.at
        self.rpoTargetSeconds = assessment.rpoTargetSeconds
        self.snapshotAgeSeconds = assessment.snapshotAgeSeconds
        self.newestSnapshotAt = assessment.newestSnapshotAt
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", tenantName = "tenant_name", partnerID = "partner_id", partnerName = "partner_name"
        case fromState = "from_state", toState = "to_state", reasons, at
        case rpoTargetSeconds = "rpo_target_seconds", snapshotAgeSeconds = "snapshot_age_seconds", newestSnapshotAt = "newest_snapshot_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tenantID.uuidString.lowercased(), forKey: .tenantID)
        try container.encode(tenantName, forKey: .tenantName)
        try container.encode(partnerID?.uuidString.lowercased(), forKey: .partnerID)
        try container.encode(partnerName, forKey: .partnerName)
        try container.encode(fromState, forKey: .fromState)
        try container.encode(toState, forKey: .toState)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(ComplianceDates.iso8601(at), forKey: .at)
        try container.encode(rpoTargetSeconds, forKey: .rpoTargetSeconds)
        try container.encode(snapshotAgeSeconds, forKey: .snapshotAgeSeconds)
        try container.encode(newestSnapshotAt.map(ComplianceDates.iso8601), forKey: .newestSnapshotAt)
    }
}
