public import Foundation
import Graph
import Logging
public import Queue
public import Restore

/// Runs `restore` jobs: applies a stored plan (`holdfast restore apply --enqueue`) to the plan's
/// target tenant. A retried attempt resumes the plan where the last one stopped (see
/// ``RestoreExecutor``). Recreated users' temporary passwords are not reported by a job (it has no
/// one to show them to once): the plan's operator actions say to reset them.
public struct RestoreJobHandler: JobHandler {
    public struct Arguments: Codable, Sendable {
        public var planID: UUID
        public var confirmBlastRadius: Bool?
        public var confirmLockout: Bool?
        /// Who asked for the restore, for the audit log.
        public var actor: String?

        public init(planID: UUID, confirmBlastRadius: Bool? = nil, confirmLockout: Bool? = nil, actor: String? = nil) {
            self.planID = planID
            self.confirmBlastRadius = confirmBlastRadius
            self.confirmLockout = confirmLockout
            self.actor = actor
        }

        enum CodingKeys: String, CodingKey {
            case planID = "planId", confirmBlastRadius, confirmLockout, actor
        }
    }

    public let kind: JobKind = .restore
    let store: RestoreStore
    let sessions: any GraphSessionProvider
    let configuration: RestoreConfiguration

    public init(store: RestoreStore, sessions: any GraphSessionProvider, configuration: RestoreConfiguration = .init()) {
        self.store = store
        self.sessions = sessions
        self.configuration = configuration
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let arguments: Arguments
        do {
            arguments = try job.decodeArguments(Arguments.self)
        } catch {
            throw PermanentJobError("restore job \(job.id) has arguments that are not {\"planId\": …}", underlying: error)
        }
        let plan = try await self.store.plan(id: arguments.planID)
        let session = try await self.sessions.session(tenantID: plan.targetTenantID, logger: context.logger)
        let executor = RestoreExecutor(store: self.store, configuration: self.configuration, logger: context.logger)
        do {
            let outcome = try await executor.apply(planID: plan.id, target: session, actor: arguments.actor ?? "job:\(job.id)",
                                                   claim: context.claim, leaseIsCurrent: { context.leaseIsCurrent },
                                                   confirmBlastRadius: arguments.confirmBlastRadius ?? false,
                                                   confirmLockout: arguments.confirmLockout ?? false)
            try await context.reportProgress(encoding: [
                "planId": plan.id.uuidString.lowercased(), "status": outcome.plan.status.rawValue,
                "failedSteps": "\(outcome.failedSteps.count)", "seconds": "\(outcome.seconds)",
            ])
        } catch let error as RestoreError where error.code != .writeFailed && error.code != .claimLost {
            // A guard refused or the plan is applied already: retrying cannot change that.
            throw PermanentJobError(error.message, underlying: error)
        }
    }
}
