import Foundation
import Tenancy

/// A tenant as operators see it.
struct TenantResource: Encodable, Sendable {
    var id: UUID
    var entraTenantID: UUID?
    var primaryDomain: String?
    var displayName: String
    var partnerID: UUID?
    var status: String
    var statusReason: String?
    var statusChangedAt: Date
    var sizeClass: String
    var createdAt: Date

    init(_ tenant: Tenant) {
        id = tenant.id
        entraTenantID = tenant.entraTenantID
        primaryDomain = tenant.primaryDomain
        displayName = tenant.displayName
        partnerID = tenant.partnerID
        status = tenant.status.rawValue
        statusReason = tenant.statusReason
        statusChangedAt = tenant.statusChangedAt
        sizeClass = tenant.sizeClass
        createdAt = tenant.createdAt
    }
}

/// What a partner sees of one of its tenants: identity, status and its newest restore point.
struct TenantSummaryResource: Encodable, Sendable {
    var id: UUID
    var displayName: String
    var primaryDomain: String?
    var status: String
    var statusChangedAt: Date
    var lastSnapshotAt: Date?
    var lastSnapshotStatus: String?
}
