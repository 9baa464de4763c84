public import Foundation

/// A committed snapshot's row.
public struct SnapshotSummary: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable { case full, incremental }
    public enum Status: String, Sendable, Hashable, Codable { case complete, partial }

    /// A type the backup could not read; its objects carry over from the previous snapshot.
    public struct MissingType: Sendable, Hashable, Codable {
        public var type: String
        /// Machine-readable cause (`Authorization_RequestDenied`, `serviceUnavailable`, …).
        public var code: String
        /// What an operator should know, e.g. which permission to grant.
        public var reason: String

        public init(type: String, code: String, reason: String) {
            self.type = type
            self.code = code
            self.reason = reason
        }
    }

    public var id: Int64
    public var tenantID: UUID
    public var jobID: Int64?
    public var kind: Kind
    public var status: Status
    public var startedAt: Date
    public var committedAt: Date
    public var durationMilliseconds: Int64
    public var objectCount: Int64
    public var changedCount: Int64
    public var newBlobs: Int64
    public var bytesAdded: Int64
    public var rootHash: RootHash
    public var dataKeyID: String
    public var deltaLinks: [String: String]
    public var missingTypes: [MissingType]
    /// The MAC of `deltaLinks` under the tenant's key; nil on rows written before links were
    /// authenticated. Read the links through `Vault.trustedDeltaLinks(of:)`, which checks it.
    var deltaLinksTag: [UInt8]?
    /// Every blob of this snapshot is locked in the blob store until then (S3 Object Lock); nil
    /// when none is.
    public var retainedUntil: Date?
}

/// One version of an object: its content from snapshot `validFrom` until `validTo` (exclusive).
public struct ObjectVersion: Sendable, Hashable {
    public var type: String
    public var objectID: String
    public var blobID: BlobID
    public var validFrom: Int64
    public var validTo: Int64?
    /// When the snapshot that introduced this version was committed.
    public var committedAt: Date
}
