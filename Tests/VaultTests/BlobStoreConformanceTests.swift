import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HoldfastTesting
import Testing
@testable import Vault

/// One suite every back-end passes.
enum BlobStoreConformance {
    static func blob(_ seed: UInt8) -> (id: BlobID, sealed: [UInt8]) {
        (BlobID(bytes: [UInt8](repeating: seed, count: 32)), Array("sealed-\(seed)".utf8) + [UInt8](repeating: seed, count: Int(seed)))
    }

    static func run(_ store: any BlobStore) async throws {
        let tenant = UUID()
        let other = UUID()
        let blobs = (1...12).map { blob(UInt8($0 * 7)) }

        #expect(try await store.put(Array(blobs.prefix(8)), tenantID: tenant, logger: TestLogger.make()) == Set(blobs.prefix(8).map(\.id)))
        // Idempotent: a second put of the same ids writes nothing and changes nothing.
        #expect(try await store.put(Array(blobs.prefix(4)) + Array(blobs.suffix(4)), tenantID: tenant, logger: TestLogger.make()) == Set(blobs.suffix(4).map(\.id)))
        #expect(try await store.put([], tenantID: tenant, logger: TestLogger.make()).isEmpty)
        for blob in blobs {
            #expect(try await store.get(blob.id, tenantID: tenant, logger: TestLogger.make()) == blob.sealed)
        }
        let absent = BlobStoreConformance.blob(250)
        #expect(try await store.get(absent.id, tenantID: tenant, logger: TestLogger.make()) == nil)
        #expect(try await store.contains(blobs.map(\.id) + [absent.id], tenantID: tenant, logger: TestLogger.make()) == Set(blobs.map(\.id)))
        #expect(try await store.contains([], tenantID: tenant, logger: TestLogger.make()).isEmpty)

        // Tenants do not see each other's blobs.
        #expect(try await store.get(blobs[0].id, tenantID: other, logger: TestLogger.make()) == nil)
        #expect(try await store.contains(blobs.map(\.id), tenantID: other, logger: TestLogger.make()).isEmpty)

        // Listing walks ids in order, page by page.
        var listed: [BlobID] = []
        var after: BlobID?
        while true {
            let page = try await store.list(tenantID: tenant, after: after, limit: 5, logger: TestLogger.make())
            listed += page
            guard page.count == 5 else { break }
            after = page.last
        }
        #expect(listed == blobs.map(\.id).sorted())

        // What was deleted comes back; an id that was not stored is not in it.
        #expect(try await store.delete([blobs[0].id, blobs[1].id, absent.id], tenantID: tenant, logger: TestLogger.make()) == [blobs[0].id, blobs[1].id])
        #expect(try await store.get(blobs[0].id, tenantID: tenant, logger: TestLogger.make()) == nil)
        #expect(try await store.contains(blobs.map(\.id), tenantID: tenant, logger: TestLogger.make()).count == blobs.count - 2)
        #expect(try await store.put([blobs[0]], tenantID: tenant, logger: TestLogger.make()) == [blobs[0].id], "a deleted id can be written again")

        // Concurrent writers of one id: exactly one of them wrote it.
        let racing = BlobStoreConformance.blob(99)
        let writes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { try await store.put([racing], tenantID: tenant, logger: TestLogger.make()).count } }
            return try await group.reduce(0, +)
        }
        #expect(writes == 1)
        #expect(try await store.get(racing.id, tenantID: tenant, logger: TestLogger.make()) == racing.sealed)
    }
}

@Suite("Blob stores")
struct BlobStoreConformanceTests {
    @Test func postgres() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            try await BlobStoreConformance.run(PostgresBlobStore(client: schema.client, batchSize: 3))
        }
    }

    @Test func filesystem() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try await BlobStoreConformance.run(FileBlobStore(root: root))
    }

    /// Review F15: a write that would leave the file system below its reserve writes nothing and
    /// says so; the same write with room to spare goes through.
    @Test func aFileStoreKeepsItsFreeSpaceReserve() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var status = statvfs()
        try #require(statvfs(root.path, &status) == 0)
        let free = Int64(status.f_bavail) * Int64(status.f_frsize)
        let tenant = UUID()
        let blob = (id: BlobID(bytes: Array(repeating: 7, count: 32)), sealed: Array(repeating: UInt8(1), count: 4096))
        let logger = TestLogger.make()
        // A reserve just above what is free: nothing may be written.
        let full = FileBlobStore(root: root, minimumFreeBytes: free + (1 << 30))
        do {
            _ = try await full.put([blob], tenantID: tenant, logger: logger)
            Issue.record("a write below the reserve went through")
        } catch let error as VaultError {
            #expect(error.code == .storageFull)
            #expect(error.message.contains(root.path) && error.message.contains("HOLDFAST_BLOB_DIR_MIN_FREE_MB"), "\(error.message)")
        }
        #expect(try await full.get(blob.id, tenantID: tenant, logger: logger) == nil)
        let roomy = FileBlobStore(root: root, minimumFreeBytes: 0)
        #expect(try await roomy.put([blob], tenantID: tenant, logger: logger) == [blob.id])
        #expect(try await roomy.get(blob.id, tenantID: tenant, logger: logger) == blob.sealed)
    }
}
