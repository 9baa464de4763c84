public import Foundation
public import Graph
public import Logging
import Cryptography
public import Queue
import Vault

/// Applies a stored plan: phase by phase, independent writes twenty to a `$batch`, conditional
/// access writes one per interval. Every outcome (and every new id) is recorded as soon as Graph
/// answers, so a retried restore continues where it stopped. Creates are marked in flight before
/// they are sent; a resumed restore looks an in-flight create up by its natural key before sending
/// it again, so an object whose create succeeded but whose answer was lost is never created twice.
public struct RestoreExecutor: Sendable {
    /// What the foreground caller gets, once: temporary passwords are never stored or logged.
    public struct Outcome: Sendable {
        public var plan: RestorePlan
        public var map: IDMap
        /// Recreated users' user principal names and their new temporary passwords.
        public var temporaryPasswords: [(userPrincipalName: String, password: String)]
        public var failedSteps: [RestoreStep] { self.plan.steps.filter { $0.status == .failed } }
        public var seconds: Double
    }

    let store: RestoreStore
    let configuration: RestoreConfiguration
    let logger: Logger
    /// Called after Graph answered a batch and before its outcomes are recorded (progress, and a
    /// crash at the worst moment in tests).
    let afterBatch: @Sendable (_ seqs: [Int]) async throws -> Void

    public init(store: RestoreStore, configuration: RestoreConfiguration = .init(), logger: Logger,
                afterBatch: @escaping @Sendable (_ seqs: [Int]) async throws -> Void = { _ in }) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.afterBatch = afterBatch
    }

    /// Applies plan `planID` to the target through `target`. Refuses a plan over the blast-radius
    /// limit or with lockout findings unless confirmed.
    ///
    /// With a `claim` (the queue job applying it), every write is conditional on it: the plan's
    /// state and steps in the database (``RestoreStore``), and each Graph request, which is sent
    /// only while `leaseIsCurrent` says the worker renewed the job's lease in time.
    public func apply(planID: UUID, target: GraphSession, actor: String, claim: JobClaim? = nil,
                      leaseIsCurrent: @escaping @Sendable () -> Bool = { true },
                      confirmBlastRadius: Bool = false, confirmLockout: Bool = false) async throws -> Outcome {
        let started = ContinuousClock.now
        var plan = try await self.store.plan(id: planID)
        // The plan's state and expiry and the target tenant, as they are now (begin checks the
        // plan's state again, atomically).
        try await RestoreTargetCheck(client: self.store.client, logger: self.logger).check(plan)
        if plan.exceedsBlastRadius && !confirmBlastRadius {
            throw RestoreError(.blastRadiusExceeded, "the plan deletes or overwrites \(plan.destructiveCount) objects, more than the limit of \(plan.blastRadiusLimit); check the target tenant and confirm with --confirm-blast-radius")
        }
        if !plan.lockoutFindings.isEmpty && !confirmLockout {
            throw RestoreError(.lockoutRisk, "the plan writes conditional access policies that would lock out every privileged administrator: \(plan.lockoutFindings.map(\.policyName).joined(separator: ", ")); confirm with --confirm-lockout")
        }
        if !confirmBlastRadius {
            // The blast radius again, as the tenant is now: a patch overwrites what its target
            // holds at apply, which the operator saw only as it was when planned.
            let drifted = try await self.driftedPatches(plan, target: target)
            if !drifted.isEmpty {
                let named = drifted.prefix(5).map { "\($0.type) \($0.sourceKey)" }.joined(separator: ", ")
                throw RestoreError(.blastRadiusExceeded, "\(drifted.count) object(s) the plan overwrites changed since it was planned (\(named)\(drifted.count > 5 ? ", …" : "")): applying it would overwrite changes nobody reviewed; plan again, or confirm with --confirm-blast-radius")
            }
        }
        if !confirmLockout {
            // The guard again, against the tenant as it is now, not as it was when planned.
            let findings = try await self.liveLockoutFindings(plan, target: target)
            if !findings.isEmpty {
                throw RestoreError(.lockoutRisk, "as the tenant is now, the plan's conditional access policies would lock out every privileged administrator: \(findings.map(\.policyName).joined(separator: ", ")) (\(findings[0].reason)); confirm with --confirm-lockout")
            }
        }
        try await self.store.begin(planID: planID, actor: actor, claim: claim)
        var run = ExecutionRun(plan: plan, map: try await self.store.idMap(planID: planID), session: target, executor: self,
                               fence: ExecutionFence(claim: claim, leaseIsCurrent: leaseIsCurrent))
        for phase in RestorableTypes.Phase.allCases where phase <= .servicePrincipals {
            try Task.checkCancellation()
            try await run.execute(phase: phase)
        }
        // Conditional access (one request per second) needs principals, applications and service
        // principals, and nothing after it needs it: it runs beside patches, references and
        // assignments instead of after them.
        let conditionalAccess = run
        async let policies: ExecutionRun = {
            var policyRun = conditionalAccess
            try await policyRun.execute(phase: .conditionalAccess)
            return policyRun
        }()
        for phase in [RestorableTypes.Phase.patches, .relationships, .assignments] {
            try Task.checkCancellation()
            try await run.execute(phase: phase)
        }
        let policyRun = try await policies
        run.map.ids.merge(policyRun.map.ids) { current, _ in current }
        try await run.execute(phase: .removals)
        // Statuses only: the steps' objects were opened once, at the start.
        plan = try await self.store.refreshed(plan)
        let failed = plan.steps.filter { $0.status == .failed }
        try await self.store.finish(planID: planID, failed: failed.isEmpty ? nil : "\(failed.count) step(s) failed; first: \(failed[0].type) \(failed[0].sourceKey): \(failed[0].detail ?? "")",
                                    claim: claim)
        plan = try await self.store.refreshed(plan)
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        self.logger.info("restore applied", metadata: [
            "plan.id": "\(planID.uuidString.lowercased())", "tenant.id": "\(plan.targetTenantID.uuidString.lowercased())", "restore.failed": "\(failed.count)",
            "restore.seconds": "\(seconds)",
        ])
        return Outcome(plan: plan, map: run.map, temporaryPasswords: run.passwords, seconds: seconds)
    }
}

extension RestoreExecutor {
    /// ``LockoutGuard`` over the live role assignments and memberships of the target, for the
    /// plan's conditional access writes (none: nothing is read).
    /// The plan's pending patches whose target, read now, no longer holds what the plan saw in a
    /// property the patch writes. (A target that is gone is not counted: its patch fails, it
    /// destroys nothing.)
    func driftedPatches(_ plan: RestorePlan, target: GraphSession) async throws -> [RestoreStep] {
        let patches = plan.steps.filter { $0.action == .patch && $0.status != .done && $0.before != nil && $0.after != nil }
        guard !patches.isEmpty else { return [] }
        let live = try await LiveObjectReader(session: target).objects(types: Set(patches.map(\.type)))
        let map = try await self.store.idMap(planID: plan.id)
        return patches.filter { step in
            guard let entry = ResourceCatalogue.entry(named: step.type), let before = step.before, let after = step.after else { return false }
            let parts = step.sourceKey.split(separator: "/").map(String.init)
            let targetParts = parts.compactMap { map.ids[$0] ?? (plan.isCrossTenant ? nil : $0) }
            guard targetParts.count == parts.count, let now = live[step.type][targetParts.joined(separator: "/")] else { return false }
            let written = PlanningContext.writableDifferences(entry, desired: after, current: before, rewrites: plan.domainRewrites)
            return written.contains { !AttributeChange.between(now[$0] ?? .null, before[$0] ?? .null).isEmpty }
        }
    }

    func liveLockoutFindings(_ plan: RestorePlan, target: GraphSession) async throws -> [LockoutFinding] {
        let writesPolicies = plan.steps.contains {
            $0.type == "conditionalAccessPolicy" && ($0.action == .create || $0.action == .patch) && $0.status != .done
        }
        guard writesPolicies else { return [] }
        let live = try await LiveObjectReader(session: target).objects(types: ["roleAssignment", "group.members"])
        return LockoutGuard(privilegedRoleTemplates: self.configuration.privilegedRoleTemplates)
            .liveFindings(steps: plan.steps.filter { $0.status != .done }, live: live, map: try await self.store.idMap(planID: plan.id),
                          sameTenant: !plan.isCrossTenant)
    }
}

/// Whose apply this is: the claim its database writes are conditional on, and the lease check
/// made right before each Graph write.
struct ExecutionFence: Sendable {
    let claim: JobClaim?
    let leaseIsCurrent: @Sendable () -> Bool

    /// Throws `.claimLost` once the lease is not current: nothing more is sent to Graph.
    func check() throws {
        guard self.leaseIsCurrent(), !Task.isCancelled else {
            throw RestoreError(.claimLost, "the lease of job \(self.claim.map { "\($0.jobID)" } ?? "?") was not renewed in time; no more Graph writes are sent")
        }
    }
}

/// One application of a plan.
struct ExecutionRun: Sendable {
    let plan: RestorePlan
    var map: IDMap
    let session: GraphSession
    let executor: RestoreExecutor
    let fence: ExecutionFence
    var passwords: [(userPrincipalName: String, password: String)] = []

    init(plan: RestorePlan, map: IDMap, session: GraphSession, executor: RestoreExecutor, fence: ExecutionFence) {
        self.plan = plan
        self.map = map
        self.session = session
        self.executor = executor
        self.fence = fence
    }

    var remapper: ReferenceRemapper { ReferenceRemapper(map: map, sameTenant: !plan.isCrossTenant) }

    mutating func execute(phase: RestorableTypes.Phase) async throws {
        var steps = plan.steps.filter { $0.phase == phase && $0.status != .done && $0.status != .skipped }
        guard !steps.isEmpty else { return }
        // Creates whose answer was lost: find them before sending anything again.
        var reconciled: [StepOutcome] = []
        var newMap = IDMap()
        for step in steps where step.status == .inFlight && step.action == .create {
            if let found = try await self.lookUp(step) {
                reconciled.append(StepOutcome(seq: step.seq, status: .done, targetID: found.id, detail: "found after an interrupted create"))
                self.learn(step, targetID: found.id, appID: found.appID, into: &newMap)
            }
        }
        try await executor.store.record(planID: plan.id, outcomes: reconciled, map: newMap, claim: fence.claim)
        let reconciledSeqs = Set(reconciled.map(\.seq))
        steps.removeAll { reconciledSeqs.contains($0.seq) }

        // Conditional access allows one request per second: batching would only collect 429s.
        for step in steps where RestorableTypes.conditionalAccess.contains(step.type) {
            try await self.executeOne(step)
        }
        steps.removeAll { RestorableTypes.conditionalAccess.contains($0.type) }
        // Steps of one phase do not depend on each other: a few batches travel at once (Graph
        // throttles each part on its own), and their answers are recorded one batch at a time.
        let batches = self.batches(steps)
        for window in stride(from: 0, to: batches.count, by: Self.batchesInFlight) {
            let sending = Array(batches[window..<min(window + Self.batchesInFlight, batches.count)])
            try await executor.store.markInFlight(
                planID: plan.id, seqs: sending.flatMap { $0.flatMap { $0.steps.filter { $0.action == .create }.map(\.seq) } },
                claim: fence.claim)
            let session = self.session
            let fence = self.fence
            let answered = try await withThrowingTaskGroup(of: (Int, [GraphBatchResponse]).self) { group in
                for (index, parts) in sending.enumerated() {
                    group.addTask {
                        try fence.check()
                        return (index, try await session.batch(parts.map(\.request)))
                    }
                }
                var answers: [Int: [GraphBatchResponse]] = [:]
                for try await (index, response) in group { answers[index] = response }
                return answers
            }
            for (index, parts) in sending.enumerated() {
                try await self.record(parts, answers: answered[index] ?? [])
            }
        }
    }

    static let batchesInFlight = 4

    /// One request of a batch: one step, or several reference steps bound in one PATCH.
    struct Part: Sendable {
        var steps: [RestoreStep]
        var request: GraphBatchRequest
    }

    /// Parts of at most 20 per batch; members and owners of one group bound 20 to a PATCH.
    mutating func batches(_ steps: [RestoreStep]) -> [[Part]] {
        var parts: [Part] = []
        var bindable: [String: [RestoreStep]] = [:]
        for step in steps {
            if step.action == .addReference, step.type == "group.members" || step.type == "group.owners",
               let parent = step.sourceKey.split(separator: "/").first {
                bindable[step.type + "|" + String(parent), default: []].append(step)
                continue
            }
            if let request = self.request(for: step, id: "\(step.seq)") {
                parts.append(Part(steps: [step], request: request))
            }
        }
        for (_, group) in bindable.sorted(by: { $0.key < $1.key }) {
            for chunk in stride(from: 0, to: group.count, by: 20) {
                let slice = Array(group[chunk..<min(chunk + 20, group.count)])
                if slice.count > 1, let request = self.bindRequest(slice) {
                    parts.append(Part(steps: slice, request: request))
                } else {
                    for step in slice {
                        if let request = self.request(for: step, id: "\(step.seq)") { parts.append(Part(steps: [step], request: request)) }
                    }
                }
            }
        }
        return stride(from: 0, to: parts.count, by: GraphSession.maxBatchParts).map {
            Array(parts[$0..<min($0 + GraphSession.maxBatchParts, parts.count)])
        }
    }

    /// Judges and records a batch's answers.
    mutating func record(_ parts: [Part], answers: [GraphBatchResponse]) async throws {
        try await executor.afterBatch(parts.flatMap { $0.steps.map(\.seq) })
        var outcomes: [StepOutcome] = []
        var newMap = IDMap()
        var retryOneByOne: [RestoreStep] = []
        for (part, answer) in zip(parts, answers) {
            if part.steps.count > 1 {
                // A bind is all or nothing: one member already there fails it; add them one by one.
                if (200..<300).contains(answer.status) {
                    outcomes += part.steps.map { StepOutcome(seq: $0.seq, status: .done) }
                } else {
                    retryOneByOne += part.steps
                }
                continue
            }
            let step = part.steps[0]
            outcomes.append(self.outcome(step, status: answer.status, body: answer.body,
                                         error: answer.error, map: &newMap))
        }
        try await executor.store.record(planID: plan.id, outcomes: outcomes, map: newMap, claim: fence.claim)
        for step in retryOneByOne { try await self.executeOne(step) }
    }

    /// Sends one step on its own (conditional access, unbound references).
    mutating func executeOne(_ step: RestoreStep) async throws {
        guard let request = self.request(for: step, id: "1") else { return }
        if step.action == .create { try await executor.store.markInFlight(planID: plan.id, seqs: [step.seq], claim: fence.claim) }
        var status: Int
        var body: CanonicalJSON?
        var graphError: GraphError?
        try fence.check()
        do {
            let response = try await session.sendPaced(GraphRequest(
                method: request.method, path: request.url, headers: request.headers.map { ($0.key, $0.value) },
                body: request.body?.serialized, isIdempotent: request.method != "POST"),
                interval: executor.configuration.conditionalAccessInterval)
            status = response.status
            body = response.body.isEmpty ? nil : try? CanonicalJSON.parse(response.body)
        } catch let error as GraphError {
            guard let code = error.status else { throw error }
            status = code
            graphError = error
        }
        try await executor.afterBatch([step.seq])
        var newMap = IDMap()
        let outcome = self.outcome(step, status: status, body: body, error: graphError, map: &newMap)
        try await executor.store.record(planID: plan.id, outcomes: [outcome], map: newMap, claim: fence.claim)
    }

    /// Judges one answer; learns the new id of a create.
    mutating func outcome(_ step: RestoreStep, status: Int, body: CanonicalJSON?, error: GraphError?,
                          map newMap: inout IDMap) -> StepOutcome {
        if (200..<300).contains(status) {
            let id = body?["id"]?.stringValue
            if step.action == .create, let id {
                self.learn(step, targetID: id, appID: body?["appId"]?.stringValue, into: &newMap)
            }
            return StepOutcome(seq: step.seq, status: .done, targetID: id ?? map.ids[step.sourceKey])
        }
        let message = error.map { "\($0.code): \($0.message)" } ?? "HTTP \(status)"
        // Idempotent outcomes: the reference is already there, already gone, or the object is back.
        if step.action == .addReference && status == 400 && (message.contains("already exist") || message.contains("added")) {
            return StepOutcome(seq: step.seq, status: .done, detail: "already present")
        }
        if step.action == .removeReference && status == 404 {
            return StepOutcome(seq: step.seq, status: .done, detail: "already absent")
        }
        // A schedule whose principal this plan undeleted can come back with it: the same
        // principal, role and scope is what the step asked for.
        if step.action == .create && PlanningContext.scheduleRequestPaths[step.type] != nil && status == 400
            && error?.code.rawValue == "RoleAssignmentExists" {
            return StepOutcome(seq: step.seq, status: .done, detail: "already present")
        }
        executor.logger.warning("restore step failed", metadata: [
            "plan.id": "\(plan.id)", "restore.step": "\(step.seq)", "restore.type": "\(step.type)", "graph.status": "\(status)",
            "graph.error_code": "\(error.map { "\($0.code)" } ?? "")",
        ])
        return StepOutcome(seq: step.seq, status: .failed, detail: message)
    }

    mutating func learn(_ step: RestoreStep, targetID: String, appID: String?, into newMap: inout IDMap) {
        let sourceID = String(step.sourceKey.split(separator: "/").last ?? "")
        map.ids[sourceID] = targetID
        newMap.ids[sourceID] = targetID
        if step.type == "application", let old = step.after?["appId"]?.stringValue, let appID {
            map.appIDs[old] = appID
            newMap.appIDs[old] = appID
        }
    }
}
