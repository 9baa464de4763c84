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

    /// The environment keys `init(environment:)` reads.
    public enum EnvironmentKey {
        /// Path of a file holding the current key in base64 (mode 600 or stricter).
        public static let currentFile = "HOLDFAST_MASTER_KEY_FILE"
        /// The current key in base64, when no file is used.
        public static let current = "HOLDFAST_MASTER_KEY"
        /// Older keys still needed to unwrap data keys: file paths, separated by `:` or `,`.
        public static let previousFiles = "HOLDFAST_PREVIOUS_MASTER_KEY_FILES"
        /// Older keys in base64, separated by `,`.
        public static let previous = "HOLDFAST_PREVIOUS_MASTER_KEYS"
    }

    /// Loads the ring from the environment (see `EnvironmentKey`): exactly one of
    /// `HOLDFAST_MASTER_KEY_FILE` and `HOLDFAST_MASTER_KEY`, and any older keys.
    public init(environment: [String: String]) throws {
        let file = environment[EnvironmentKey.currentFile].flatMap { $0.isEmpty ? nil : $0 }
        let inline = environment[EnvironmentKey.current].flatMap { $0.isEmpty ? nil : $0 }
        let current: MasterKey
        switch (file, inline) {
        case (let path?, nil):
            current = try MasterKey(contentsOfFile: path)
        case (nil, .some):
            current = try MasterKey(environmentVariable: EnvironmentKey.current, environment: environment)
        case (.some, .some):
            throw EnvelopeError(.invalidMasterKey, "set either \(EnvironmentKey.currentFile) or \(EnvironmentKey.current), not both")
        case (nil, nil):
            throw EnvelopeError(.masterKeyMissing, "no master key: set \(EnvironmentKey.currentFile) to a file holding `openssl rand -base64 32` (mode 600), or \(EnvironmentKey.current)")
        }
        var previous: [MasterKey] = []
        if let paths = environment[EnvironmentKey.previousFiles] {
            for path in paths.split(whereSeparator: { $0 == ":" || $0 == "," }) where !path.isEmpty {
                previous.append(try MasterKey(contentsOfFile: String(path)))
            }
        }
        if let values = environment[EnvironmentKey.previous] {
            for (index, value) in values.split(separator: ",").enumerated() where !value.isEmpty {
                previous.append(try MasterKey(base64: String(value), source: "\(EnvironmentKey.previous)[\(index)]"))
            }
        }
        self.init(current: current, previous: previous)
    }
}
