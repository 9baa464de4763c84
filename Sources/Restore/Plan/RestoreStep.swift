public import Vault

/// One Graph write of a plan, with the object as the target holds it now and as it will be.
public struct RestoreStep: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, Codable {
        /// `POST …/deletedItems/{id}/restore`: back from the recycle bin with its id.
        case undelete
        /// `POST` the backed-up object (references remapped when sent); the new id is recorded.
        case create
        /// `PATCH` the writable properties that differ.
        case patch
        /// Add a reference (`$ref`, `members@odata.bind`, manager).
        case addReference
        /// Remove a reference the snapshot does not have.
        case removeReference
    }

    public enum Status: String, Sendable, Hashable, Codable {
        case pending
        /// Sent, answer not recorded: a resumed restore reconciles before sending again.
        case inFlight = "in_flight"
        case done, failed, skipped
    }

    public var seq: Int
    public var phase: RestorableTypes.Phase
    public var action: Action
    public var type: String
    /// The key in the snapshot (source ids).
    public var sourceKey: String
    /// The object as backed up (source ids; references are remapped when the write is sent).
    public var after: CanonicalJSON?
    /// The object as the target holds it when planned; nil when absent.
    public var before: CanonicalJSON?
    /// For creates: the property values that identify the object (`userPrincipalName`, …).
    public var naturalKey: [String: String]?
    /// Target ids matching the natural key when planned: not created by this restore.
    public var preexisting: [String]
    public var status: Status
    /// The target object's id once done.
    public var targetID: String?
    public var detail: String?

    public init(seq: Int, phase: RestorableTypes.Phase, action: Action, type: String, sourceKey: String,
                after: CanonicalJSON?, before: CanonicalJSON?, naturalKey: [String: String]? = nil,
                preexisting: [String] = [], status: Status = .pending, targetID: String? = nil, detail: String? = nil) {
        self.seq = seq
        self.phase = phase
        self.action = action
        self.type = type
        self.sourceKey = sourceKey
        self.after = after
        self.before = before
        self.naturalKey = naturalKey
        self.preexisting = preexisting
        self.status = status
        self.targetID = targetID
        self.detail = detail
    }

    /// Whether the step deletes or overwrites something the target holds (the blast radius).
    public var isDestructive: Bool { self.action == .patch || self.action == .removeReference }
}
