/// What a running backup reports to its job, per catalogue entry, as it goes.
public struct BackupProgress: Sendable, Codable, Hashable {
    public struct TypeProgress: Sendable, Codable, Hashable {
        public enum State: String, Sendable, Codable { case reading, done, missing }
        public var state: State = .reading
        /// `full` or `delta`.
        public var mode: String = "full"
        public var objectsRead = 0
        public var changed = 0
        public var newBlobs = 0
        public var bytes = 0
        public var error: String?
    }

    public var kind: String
    public var types: [String: TypeProgress] = [:]
}
