import Foundation
import HTTP
import HoldfastTesting
import Logging
import NIOConcurrencyHelpers
import Jobs
import Postgres
import Queue
import Testing
@testable import Vault

/// A window that tests change between snapshots.
final class AdjustableWindow: ImmutabilityWindowProvider {
    private let seconds = NIOLockedValueBox<TimeInterval>(0)
    init(_ seconds: TimeInterval) { self.seconds.withLockedValue { $0 = seconds } }
    func set(_ value: TimeInterval) { self.seconds.withLockedValue { $0 = value } }
    func immutabilityWindow(tenantID: UUID) async throws -> TimeInterval { self.seconds.withLockedValue { $0 } }
}

/// A fresh bucket on the test S3 server (moto) per test, so tests run in parallel.
enum S3TestBucket {
    static func withStore<T: Sendable>(objectLock: Bool, window: any ImmutabilityWindowProvider = FixedImmutabilityWindow(seconds: 0),
                                       lockGranularity: TimeInterval = 60,
                                       _ body: (S3BlobStore) async throws -> T) async throws -> T {
        let logger = TestLogger.make(label: "s3-test")
        let http = try HTTPClient(logger: logger)
        do {
            let configuration = S3BlobStore.Configuration(
                endpoint: try TestS3Server.url, bucket: "holdfast-\(UUID().uuidString.lowercased().prefix(18))",
                accessKeyID: "holdfast-test", secretAccessKey: "holdfast-test-secret", keyPrefix: "vault/",
                lockGranularity: lockGranularity, maxConcurrentRequests: 4)
            var create = HTTPRequest(method: .put, url: "\(configuration.endpoint)/\(configuration.bucket)")
            if objectLock { create.headers.add(name: "x-amz-bucket-object-lock-enabled", value: "true") }
            create.awsSigV4 = "aws:amz:\(configuration.region):s3"
            create.credentials = .init(username: configuration.accessKeyID, password: configuration.secretAccessKey)
            let created = try await http.execute(create)
            try #require(created.status == 200, "creating bucket \(configuration.bucket): HTTP \(created.status) \(String(decoding: created.body, as: UTF8.self))")
            let result = try await body(S3BlobStore(configuration: configuration, http: http, immutability: window, logger: logger))
            await http.shutdown()
            return result
        } catch {
            await http.shutdown()
            throw error
        }
    }
}

@Suite("S3 blob store")
struct S3BlobStoreTests {
    @Test func conformance() async throws {
        try await S3TestBucket.withStore(objectLock: false) { try await BlobStoreConformance.run($0) }
    }

    @Test func conformanceInAnObjectLockBucketWithoutAWindow() async throws {
        try await S3TestBucket.withStore(objectLock: true) { try await BlobStoreConformance.run($0) }
    }

    @Test func keysAreTenantPrefixedAndURLsPathStyle() throws {
        let configuration = S3BlobStore.Configuration(endpoint: "https://s3.example.com/", bucket: "b", accessKeyID: "a",
                                                      secretAccessKey: "s", keyPrefix: "p/")
        let store = S3BlobStore(configuration: configuration, http: try HTTPClient(logger: TestLogger.make()),
                                immutability: FixedImmutabilityWindow(seconds: 0), logger: TestLogger.make())
        let tenant = UUID(uuidString: "6f1c2a9e-0000-4000-8000-000000000001")!
        let id = BlobStoreConformance.blob(1).id
        #expect(store.key(id, tenant) == "p/tenants/6f1c2a9e-0000-4000-8000-000000000001/" + id.hex)
        #expect(store.url(key: nil, query: [("prefix", "p/t"), ("list-type", "2")]) == "https://s3.example.com/b/?list-type=2&prefix=p%2Ft")
        var virtual = configuration
        virtual.pathStyle = false
        let virtualStore = S3BlobStore(configuration: virtual, http: store.http, immutability: FixedImmutabilityWindow(seconds: 0),
                                       logger: TestLogger.make())
        #expect(virtualStore.url(key: "k/1", query: [("retention", "")]) == "https://b.s3.example.com/k/1?retention")
        #expect(!"\(configuration)".contains("s,") && "\(configuration)".contains("<redacted>"))
    }

    @Test func errorsCarryTheS3CodeAndRequestID() async throws {
        try await S3TestBucket.withStore(objectLock: false) { store in
            var configuration = store.configuration
            configuration.bucket = "holdfast-missing-\(UUID().uuidString.lowercased().prefix(8))"
            let missing = S3BlobStore(configuration: configuration, http: store.http, immutability: store.immutability, logger: store.logger)
            let error = await #expect(throws: S3Error.self) { try await missing.list(tenantID: UUID(), after: nil, limit: 10, logger: TestLogger.make()) }
            #expect(error?.code == .noSuchBucket)
            #expect(error?.requestID?.isEmpty == false)
            #expect(error?.status == 404)
        }
    }

    @Test func lockedBlobsCannotBeDeletedAndLocksOnlyGrow() async throws {
        try await S3TestBucket.withStore(objectLock: true, window: FixedImmutabilityWindow(seconds: 3600)) { store in
            let tenant = UUID()
            let blob = BlobStoreConformance.blob(5)
            let before = Date()
            #expect(try await store.put([blob], tenantID: tenant, logger: TestLogger.make()) == [blob.id])
            let lock = try #require(try await store.lock(of: blob.id, tenantID: tenant))
            #expect(lock.mode == .compliance)
            #expect(lock.until >= before.addingTimeInterval(3600))

            // Garbage collection asking to delete a locked blob: kept, not an error.
            #expect(try await store.delete([blob.id], tenantID: tenant, logger: TestLogger.make()).isEmpty)
            #expect(try await store.get(blob.id, tenantID: tenant, logger: TestLogger.make()) == blob.sealed, "a locked blob survives a DELETE")

            let later = lock.until.addingTimeInterval(86_400)
            try await store.extendRetention([blob.id], tenantID: tenant, until: later)
            #expect(try await store.lock(of: blob.id, tenantID: tenant)?.until == later)
            try await store.extendRetention([blob.id], tenantID: tenant, until: lock.until)
            #expect(try await store.lock(of: blob.id, tenantID: tenant)?.until == later, "extending never shortens")
            // Ids not stored are ignored.
            try await store.extendRetention([BlobStoreConformance.blob(6).id], tenantID: tenant, until: later)
        }
    }

    @Test func withoutAWindowBlobsAreNotLocked() async throws {
        try await S3TestBucket.withStore(objectLock: true) { store in
            let tenant = UUID()
            let blob = BlobStoreConformance.blob(7)
            _ = try await store.put([blob], tenantID: tenant, logger: TestLogger.make())
            #expect(try await store.lock(of: blob.id, tenantID: tenant) == nil)
            #expect(try await store.delete([blob.id], tenantID: tenant, logger: TestLogger.make()) == [blob.id])
            #expect(try await store.get(blob.id, tenantID: tenant, logger: TestLogger.make()) == nil)
        }
    }

    /// Garbage collection over a locked bucket keeps unreferenced blobs whose lock has not expired
    /// (and says so) instead of failing the retention run on S3's AccessDenied.
    @Test func collectionKeepsUnreferencedBlobsWhileTheyAreLocked() async throws {
        try await S3TestBucket.withStore(objectLock: true, window: FixedImmutabilityWindow(seconds: 3600)) { store in
            try await TestDatabase.withIsolatedSchema { schema in
                let tenant = UUID()
                let orphans = [BlobStoreConformance.blob(21), BlobStoreConformance.blob(22)]
                _ = try await store.put(orphans, tenantID: tenant, logger: TestLogger.make())
                let collector = BlobGarbageCollector(client: schema.client, blobStore: store, attempts: JobAttempts(), logger: Logger(label: "test"))
                let result = try await collector.collect(tenantID: tenant)
                #expect(result.blobsDeleted == 0)
                #expect(result.blobsKeptLocked == 2)
                #expect(try await store.contains(orphans.map(\.id), tenantID: tenant, logger: TestLogger.make()).count == 2)
            }
        }
    }

    /// Every blob a committed snapshot references is locked until at least its `retained_until`:
    /// carried-over blobs when the lock date moves, and blobs that changed objects re-use.
    @Test func snapshotsLockEveryBlobTheyReference() async throws {
        let window = AdjustableWindow(600)
        try await S3TestBucket.withStore(objectLock: true, window: window) { store in
            try await TestDatabase.withIsolatedSchema { schema in
                let fixture = VaultFixture(schema: schema, blobStore: store)
                let tenant = try await fixture.addTenant("fabrikam")
                func users(_ names: [String: String]) throws -> [(objectID: String, canonical: [UInt8])] {
                    try names.sorted { $0.key < $1.key }.map { ($0.key, try json(#"{"id":"\#($0.key)","displayName":"\#($0.value)"}"#)) }
                }
                func snapshot(_ job: Int64, _ names: [String: String]) async throws -> SnapshotSummary {
                    let writer = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: job)
                    _ = try await writer.stage(type: "user", objects: try users(names), fullyRead: true)
                    return try await writer.commit(SnapshotCommit(kind: .full, startedAt: Date(), fullyReadTypes: ["user"], deltaLinks: [:],
                                                                  missingTypes: [], newBlobs: 0, bytesAdded: 0))
                }
                func expectAllLocked(_ snapshot: SnapshotSummary) async throws {
                    let until = try #require(snapshot.retainedUntil)
                    #expect(until >= snapshot.startedAt.addingTimeInterval(try await window.immutabilityWindow(tenantID: tenant)))
                    let rows = try await schema.client.query("""
                        SELECT encode(blob_id, 'hex') AS blob FROM object_versions
                        WHERE tenant_id = \(tenant) AND valid_from <= \(snapshot.id) AND (valid_to IS NULL OR valid_to > \(snapshot.id))
                        """)
                    #expect(rows.count > 0)
                    for row in rows {
                        let id = try #require(BlobID(hex: try row.decode(String.self, "blob")))
                        let lock = try await store.lock(of: id, tenantID: tenant)
                        #expect(lock != nil && lock!.until >= until, "blob \(id) of snapshot \(snapshot.id) is locked too briefly")
                    }
                }

                let s1 = try await snapshot(1, ["u1": "Ann", "u2": "Bob"])
                try await expectAllLocked(s1)
                // The window grows: u2's unchanged blob is carried over and must be locked longer.
                window.set(7200)
                let s2 = try await snapshot(2, ["u1": "Ann B", "u2": "Bob"])
                try await expectAllLocked(s2)
                // u1 returns to a content stored before (a de-duplication hit), locked since s1 only.
                window.set(10_800)
                let s3 = try await snapshot(3, ["u1": "Ann", "u2": "Bob"])
                try await expectAllLocked(s3)

                // The window removed: snapshots stop recording a lock.
                window.set(0)
                #expect(try await snapshot(4, ["u1": "Ann"]).retainedUntil == nil)
            }
        }
    }

    @Test func lockDatesRoundUpToTheGranularity() {
        let date = Date(timeIntervalSince1970: 1_000_000_123)
        #expect(lockDate(from: date, window: 3600, granularity: 86_400).timeIntervalSince1970 == 1_000_080_000)
        #expect(lockDate(from: date, window: 0.5, granularity: 0).timeIntervalSince1970 == 1_000_000_124)
    }
}
