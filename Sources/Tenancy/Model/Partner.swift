public import Foundation

/// The MSP itself, or a reseller it serves; owns tenants.
public struct Partner: Sendable, Hashable {
    public let id: UUID
    public let name: String
    public let createdAt: Date
}
