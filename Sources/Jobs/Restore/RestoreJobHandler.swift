public import Foundation
import Graph
import Logging
public import Queue
public import Restore

/// Runs `restore` jobs: applies a stored plan (`holdfast restore apply --enqueue`) to the plan's
/// target tenant. A retried attempt resumes the plan where the last one stopped (see
/// ``RestoreExecutor``). Recreated users' temporary passwords are not reported by a job (it has no
/// one to show them to once): the plan's operator actions say to reset them.
public struct RestoreJobHandler: TypedJobHandler {
    public struct Arguments: JobArguments {
        public static var kind: JobKind { .restore }
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

        public func validate() throws(QueueError) {
            if let actor, actor.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw Self.invalid("actor", "must name who asked for the restore, or be left out")
            }
        }
    }

    let store: RestoreStore
    let sessions: any GraphSessionProvider
    let configuration: RestoreConfiguration

    public init(store: RestoreStore, sessions: any GraphSessionProvider, configuration: RestoreConfiguration = .init()) {
        self.store = store
        self.sessions = sessions
        self.configuration = configuration
    }

    public func run(_ job: Job, arguments: Arguments, context: JobContext) async throws {
        // Its state and target only: the executor opens the steps once, when it applies them.
        let plan = try await self.store.plan(id: arguments.planID, logger: context.logger, content: .none)
        if plan.status == .applied && plan.jobID == job.id {
            // An earlier attempt of this job applied the plan and its worker stopped before the job
            // completed: the restore is done, so is the job (not a refusal to apply it again).
            context.logger.notice("restore plan was applied by an earlier attempt of this job", metadata: [
                "restore.plan_id": "\(plan.id.uuidString.lowercased())",
            ])
            try await context.reportProgress(encoding: [
                "planId": plan.id.uuidString.lowercased(), "status": plan.status.rawValue,
                "failedSteps": "0", "resumed": "true",
            ])
            return
        }
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
