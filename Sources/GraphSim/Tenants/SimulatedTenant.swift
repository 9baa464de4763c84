import Foundation
import NIOConcurrencyHelpers

/// A tenant inside the simulator: its directory behind a lock, its request log, and its own
/// throttling and fault settings.
///
/// A tenant created lazily (a fleet's) holds only its specification until something reads or
/// changes its directory: then it is seeded, under its lock, and the changes made to it before
/// (an app's consent) are applied in order. Until then it costs a few hundred bytes.
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
    private let slot: NIOLockedValueBox<DirectorySlot>
    /// Builds the directory of a lazily created tenant (nil: it was seeded when created).
    private let seedDirectory: (@Sendable () -> TenantDirectory)?
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
        self.slot = NIOLockedValueBox(DirectorySlot(directory: directory))
        self.seedDirectory = nil
        self.requestLog = RequestLog(capacity: requestLogCapacity)
    }

    /// A tenant seeded by `seedDirectory` on first use; `initialDomain` is the one it will seed.
    init(
        id: String,
        name: String,
        displayName: String,
        initialDomain: String,
        profile: SeedProfile,
        seed: UInt64,
        clock: SimulatedClock,
        requestLogCapacity: Int,
        seedDirectory: @escaping @Sendable () -> TenantDirectory
    ) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.initialDomain = initialDomain
        self.profile = profile
        self.seed = seed
        self.clock = clock
        self.slot = NIOLockedValueBox(DirectorySlot())
        self.seedDirectory = seedDirectory
        self.requestLog = RequestLog(capacity: requestLogCapacity)
    }

    /// Runs `body` with the directory locked (seeding it first if it was created lazily), after
    /// purging deleted items past their 30 days.
    func withDirectory<T>(_ body: (inout TenantDirectory) throws -> T) rethrows -> T {
        let now = clock.now
        return try slot.withLockedValue { slot in
            if slot.directory == nil { seed(&slot) }
            if let due = slot.directory!.nextPurgeDue, due <= now {
                slot.directory!.purgeExpired(now: now)
            }
            return try body(&slot.directory!)
        }
    }

    /// Runs `body` only if the directory has been seeded (nil otherwise): for sweeps over every
    /// tenant that must not seed a whole lazy fleet.
    func withSeededDirectory<T>(_ body: (inout TenantDirectory) throws -> T) rethrows -> T? {
        try slot.withLockedValue { slot in
            guard slot.directory != nil else { return nil }
            return try body(&slot.directory!)
        }
    }

    /// Runs `change` now if the directory is seeded, else right after it is seeded.
    func changeDirectory(_ change: @escaping @Sendable (inout TenantDirectory) -> Void) {
        slot.withLockedValue { slot in
            if slot.directory != nil {
                change(&slot.directory!)
            } else {
                slot.deferred.append(change)
            }
        }
    }

    /// Whether the directory exists yet (a lazily created tenant nobody has used has none).
    public var isSeeded: Bool {
        slot.withLockedValue { $0.directory != nil }
    }

    private func seed(_ slot: inout DirectorySlot) {
        guard let seedDirectory else { preconditionFailure("a tenant created seeded always has its directory") }
        var directory = seedDirectory()
        for change in slot.deferred { change(&directory) }
        slot.deferred = []
        slot.directory = directory
    }

    /// Verified domain names the token endpoint accepts in place of the tenant id.
    var domainNames: [String] {
        if let lazyDomains = slot.withLockedValue({ $0.directory == nil ? TenantSeeder.verifiedDomains(name: name, profile: profile) : nil }) {
            return lazyDomains
        }
        return withDirectory { directory in
            directory.collection(.domain).elements.compactMap { entity in
                entity.object["isVerified"]?.boolValue == true ? entity.id.lowercased() : nil
            }
        }
    }

    var sizeClass: TenantSizeClass {
        withDirectory { $0.sizeClass }
    }
}

/// A tenant's directory, or (created lazily, not used yet) the changes waiting for it.
struct DirectorySlot {
    var directory: TenantDirectory?
    var deferred: [@Sendable (inout TenantDirectory) -> Void] = []
}

/// Per-tenant switches set through the admin API.
struct TenantSettings: Sendable {
    /// nil follows the simulator-wide setting.
    var throttlingEnabled: Bool?
    var throttleScale: Double?
    var faults: FaultProfile?
}
