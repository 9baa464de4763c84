public import Foundation

/// Which tenants an SLA query or a report covers.
public enum SLAScope: Sendable, Hashable {
    case all
    case partner(UUID)
    case tenant(UUID)

    var partnerID: UUID? {
        if case .partner(let id) = self { return id }
        return nil
    }

    var tenantID: UUID? {
        if case .tenant(let id) = self { return id }
        return nil
    }
}
