import Foundation

/// What a restore brings back.
public struct RestoreScope: Sendable, Hashable, Codable {
    /// Catalogue types (their relationships follow); nil: every restorable type.
    public var types: Set<String>?
    /// Object ids (source ids); a relationship is in scope when either end is. Nil: every object.
    public var ids: Set<String>?
    /// Only objects missing from the target (deleted since the snapshot): no attribute reverts,
    /// no reference removals.
    public var onlyMissing: Bool

    public init(types: Set<String>? = nil, ids: Set<String>? = nil, onlyMissing: Bool = false) {
        self.types = types
        self.ids = ids
        self.onlyMissing = onlyMissing
    }

    /// Everything the snapshot holds.
    public static let wholeTenant = RestoreScope()

    public var isWholeTenant: Bool { self.types == nil && self.ids == nil }

    func includes(key: String) -> Bool {
        guard let ids else { return true }
        return key.split(separator: "/").contains { ids.contains(String($0)) }
    }
}

/// A privileged account would be locked out by a conditional access policy the plan writes.
public struct LockoutFinding: Sendable, Hashable, Codable {
    public var policyID: String
    public var policyName: String
    public var reason: String
}

/// Something a restore cannot bring back, and what the operator must do.
public struct OperatorAction: Sendable, Hashable, Codable {
    public var type: String
    public var objectID: String
    public var action: String

    public init(type: String, objectID: String, action: String) {
        self.type = type
        self.objectID = objectID
        self.action = action
    }
}
