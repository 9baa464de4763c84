public import Foundation

/// A blob store that can make blobs undeletable until a date (S3 Object Lock).
///
/// The rule (docs/backup.md, "Immutability"): every blob a committed snapshot references is locked
/// until at least the snapshot's `retained_until`, which is at least its start plus the tenant's
/// immutability window. Lock dates are rounded up to a multiple of a granularity `G`, so all
/// blobs written or extended within one period share one date, and a snapshot whose predecessor
/// already reached that date only needs its new blobs (locked when written) and its de-duplication
/// hits (extended when staged) to be locked; the whole live map is extended once per period.
public protocol RetentionLockingBlobStore: BlobStore {
    /// The date blobs of `tenantID` written at `date` are locked until, or nil when the tenant has
    /// no immutability window.
    func retentionTarget(tenantID: UUID, at date: Date) async throws -> Date?
    /// Locks `ids` until at least `until`; never shortens a lock. Ids not stored are ignored.
    func extendRetention(_ ids: [BlobID], tenantID: UUID, until: Date) async throws
}

/// Rounds `date + window` up to a multiple of `granularity` seconds since 1970.
func lockDate(from date: Date, window: TimeInterval, granularity: TimeInterval) -> Date {
    let target = date.timeIntervalSince1970 + window
    guard granularity > 0 else { return Date(timeIntervalSince1970: target.rounded(.up)) }
    return Date(timeIntervalSince1970: (target / granularity).rounded(.up) * granularity)
}
