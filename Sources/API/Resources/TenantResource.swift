import Foundation
import Tenancy

/// A tenant as operators see it.
struct TenantResource: Encodable, Sendable {
    var id: String
    var entraTenantID: String?
    var primaryDomain: String?
    var displayName: String
    var partnerID: String?
    var status: String
    var statusReason: String?
    var statusChangedAt: Date
    var sizeClass: String
    var createdAt: Date
    var scratch: Bool

    init(_ tenant: Tenant) {
        id = tenant.id.apiString
        entraTenantID = tenant.entraTenantID?.apiString
        primaryDomain = tenant.primaryDomain
        displayName = tenant.displayName
        partnerID = tenant.partnerID?.apiString
        status = tenant.status.rawValue
        statusReason = tenant.statusReason
        statusChangedAt = tenant.statusChangedAt
        sizeClass = tenant.sizeClass
        createdAt = tenant.createdAt
        scratch = tenant.scratch
    }
}

/// What a partner sees of one of its tenants: identity, status and its newest restore point.
struct TenantSummaryResource: Encodable, Sendable {
    var id: String
    var displayName: String
    var primaryDomain: String?
    var status: String
    var statusChangedAt: Date
    var lastSnapshotAt: Date?
    var lastSnapshotStatus: String?
}

extension UUID {
    /// UUIDs in API bodies are lower case, as everywhere else in Holdfast (JSONEncoder would write
    /// upper case).
    var apiString: String { uuidString.lowercased() }
}
