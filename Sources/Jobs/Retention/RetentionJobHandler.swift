public import Foundation
public import Queue
public import Tenancy
public import Vault

/// Runs `retention` jobs: applies the tenant's policy and collects garbage (``RetentionRun``).
public struct RetentionJobHandler: TypedJobHandler {
    /// No arguments (`{}`): the tenant's policy says what to keep. An offboarded or suspended
    /// tenant's snapshots are still kept and deleted by its policy.
    public struct Arguments: JobArguments {
        public static var kind: JobKind { .retention }
        public static var servesInactiveTenants: Bool { true }
        public init() {}
    }

    let vault: Vault
    let policies: PolicyStore
    /// The time the policy is evaluated at; tests move it.
    let clock: @Sendable () -> Date

    public init(vault: Vault, policies: PolicyStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.vault = vault
        self.policies = policies
        self.clock = clock
    }

    public func run(_ job: Job, arguments: Arguments, context: JobContext) async throws {
        guard let tenantID = job.tenantID else { throw PermanentJobError("a retention job needs a tenant") }
        let run = RetentionRun(vault: self.vault, policies: self.policies, logger: context.logger)
        do {
            _ = try await run.run(tenantID: tenantID, jobID: job.id, now: self.clock()) { try await context.reportProgress(encoding: $0) }
        } catch let error as PolicyError where error.code == .tenantNotFound {
            throw PermanentJobError("retention job \(job.id): \(error.message)", underlying: error)
        }
    }
}
