import Foundation
import NIOConcurrencyHelpers

/// A tenant inside the simulator: its directory behind a lock, its request log, and its own
/// throttling and fault settings.
public final class SimulatedTenant: Sendable {
    public let id: String
    /// The short name the tenant was created with (`contoso`).
    public let name: String
    public let displayName: String
    /// `name.onmicrosoft.com`.
    public let initialDomain: String
    public let profile: SeedProfile
    public let seed: UInt64
    let clock: SimulatedClock
    private let directory: NIOLockedValueBox<TenantDirectory>
    public let requestLog: RequestLog
    let settings = NIOLockedValueBox(TenantSettings())

    init(
        id: String,
        name: String,
        displayName: String,
        profile: SeedProfile,
        seed: UInt64,
        clock: SimulatedClock,
        directory: TenantDirectory,
        requestLogCapacity: Int
    ) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.initialDomain = directory.initialDomain
        self.profile = profile
        self.seed = seed
        self.clock = clock
        self.directory = NIOLockedValueBox(directory)
        self.requestLog = RequestLog(capacity: requestLogCapacity)
    }

    /// Runs `body` with the directory locked, after purging deleted items past their 30 days.
    func withDirectory<T>(_ body: (inout TenantDirectory) throws -> T) rethrows -> T {
        let now = clock.now
        return try directory.withLockedValue { directory in
            if let due = directory.nextPurgeDue, due <= now {
                directory.purgeExpired(now: now)
            }
            return try body(&directory)
        }
    }

    /// Verified domain names the token endpoint accepts in place of the tenant id.
    var domainNames: [String] {
        withDirectory { directory in
            directory.collection(.domain).elements.compactMap { entity in
                entity.object["isVerified"]?.boolValue == true ? entity.id.lowercased() : nil
            }
        }
    }

    var sizeClass: TenantSizeClass {
        withDirectory { $0.sizeClass }
    }
}

/// Per-tenant switches set through the admin API.
struct TenantSettings: Sendable {
    /// nil follows the simulator-wide setting.
    var throttlingEnabled: Bool?
    var throttleScale: Double?
    var faults: FaultProfile?
}
