public import Foundation
public import Logging

/// Where sealed blobs live. Blobs are immutable and content-addressed, so every operation is
/// idempotent: writing an id that exists leaves it as it is. The operations map onto an object
/// store one-to-one (PUT with `If-None-Match: *`, GET, HEAD, DELETE, LIST with a start key), so
/// the PostgreSQL, filesystem and S3 back-ends share one conformance suite. Each operation logs
/// (its statements, its requests) with the caller's `logger`.
public protocol BlobStore: Sendable {
    /// Stores each blob whose id is not there yet; returns the ids this call wrote.
    func put(_ blobs: [(id: BlobID, sealed: [UInt8])], tenantID: UUID, logger: Logger) async throws -> Set<BlobID>
    /// The sealed bytes of `id`, or nil when it is not stored.
    func get(_ id: BlobID, tenantID: UUID, logger: Logger) async throws -> [UInt8]?
    /// Which of `ids` are stored.
    func contains(_ ids: [BlobID], tenantID: UUID, logger: Logger) async throws -> Set<BlobID>
    /// Deletes those of `ids` the store's retention lets go (garbage collection) and returns
    /// them; ids not stored are ignored, and a blob still under an S3 Object Lock is kept for a
    /// later collection instead of failing this one.
    @discardableResult
    func delete(_ ids: [BlobID], tenantID: UUID, logger: Logger) async throws -> Set<BlobID>
    /// Up to `limit` stored ids after `after`, in ascending order (garbage collection walks them).
    func list(tenantID: UUID, after: BlobID?, limit: Int, logger: Logger) async throws -> [BlobID]
    /// Removes what interrupted writes of the tenant left behind (a file store's temporary
    /// files) and returns how many; garbage collection calls it. Stores that write atomically
    /// have nothing to remove.
    func collectLeftovers(tenantID: UUID, logger: Logger) async throws -> Int
}

extension BlobStore {
    public func collectLeftovers(tenantID: UUID, logger: Logger) async throws -> Int { 0 }
}
