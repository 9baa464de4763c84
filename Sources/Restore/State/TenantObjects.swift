public import Vault

/// Objects of a tenant by catalogue type and key (the vault's object id: relationships are
/// `parent/child`), as a snapshot stored them or as Graph serves them now.
public struct TenantObjects: Sendable {
    public var types: [String: [String: CanonicalJSON]]

    public init(types: [String: [String: CanonicalJSON]] = [:]) {
        self.types = types
    }

    public subscript(type: String) -> [String: CanonicalJSON] {
        get { self.types[type] ?? [:] }
        set { self.types[type] = newValue }
    }

    public var count: Int { self.types.values.reduce(0) { $0 + $1.count } }
}
