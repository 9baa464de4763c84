/// The master key new data keys are wrapped under, and the older keys that may still wrap some,
/// by id. After `holdfast keys rotate` finishes, no data key needs an older key and it can be
/// removed from the configuration.
public struct MasterKeyRing: Sendable {
    public let current: MasterKey
    private let keys: [String: MasterKey]

    public init(current: MasterKey, previous: [MasterKey] = []) {
        self.current = current
        var keys: [String: MasterKey] = [:]
        for key in previous { keys[key.id] = key }
        keys[current.id] = current
        self.keys = keys
    }

    /// Ids of every key in the ring, the current one first.
    public var ids: [String] {
        [self.current.id] + self.keys.keys.filter { $0 != self.current.id }.sorted()
    }

    public func key(id: String) throws -> MasterKey {
        guard let key = self.keys[id] else {
            throw EnvelopeError(.unknownMasterKey, "no configured master key has id \(id); add it to HOLDFAST_PREVIOUS_MASTER_KEY_FILES (or _KEYS) until `holdfast keys rotate` has finished")
        }
        return key
    }
}
