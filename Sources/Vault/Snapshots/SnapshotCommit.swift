public import Foundation

/// What a backup tells the vault when it commits its snapshot.
public struct SnapshotCommit: Sendable {
    public var kind: SnapshotSummary.Kind
    public var startedAt: Date
    /// Types read in full this run: their current versions not staged by this job are closed
    /// (the objects were deleted). Delta types read incrementally and missing types are not listed.
    public var fullyReadTypes: [String]
    /// Per type, the delta link for the next run; types without one start from a full read.
    public var deltaLinks: [String: String]
    /// Types that could not be read; non-empty makes the snapshot partial.
    public var missingTypes: [SnapshotSummary.MissingType]
    public var newBlobs: Int
    public var bytesAdded: Int

    /// The commit is conditional on the claim the writer began with (``SnapshotWriter/claim``).
    public init(kind: SnapshotSummary.Kind, startedAt: Date, fullyReadTypes: [String], deltaLinks: [String: String],
                missingTypes: [SnapshotSummary.MissingType], newBlobs: Int, bytesAdded: Int) {
        self.kind = kind
        self.startedAt = startedAt
        self.fullyReadTypes = fullyReadTypes
        self.deltaLinks = deltaLinks
        self.missingTypes = missingTypes
        self.newBlobs = newBlobs
        self.bytesAdded = bytesAdded
    }
}
