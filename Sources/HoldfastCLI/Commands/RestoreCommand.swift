import ArgumentParser
import HoldfastRuntime
import Foundation
import Jobs
import Logging
import Queue
import Restore
import Vault
import Worker

/// `holdfast restore plan|apply|show|verify|discard`.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore objects from a snapshot: plan first (a dry run, stored), then apply the stored plan.",
        subcommands: [Plan.self, Apply.self, Show.self, Verify.self, Discard.self]
    )

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a restore of TENANT's snapshot into TENANT (or --into another tenant) and print every write.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Argument(help: "The tenant whose snapshot is restored.") var tenant: String
        @Option(help: "The snapshot id.") var snapshot: Int64?
        @Option(help: "The newest snapshot committed by this time (ISO 8601).") var at: String?
        @Option(name: .customLong("deleted-since"),
                help: "Only objects deleted since this time (ISO 8601): restores the snapshot of then, missing objects only.")
        var deletedSince: String?
        @Option(help: "Restore into this tenant instead (a sandbox, a scratch tenant).") var into: String?
        @Option(name: .customLong("type"), help: "Only this type (repeatable); its relationships follow.") var types: [String] = []
        @Option(name: .customLong("id"), help: "Only this object id (repeatable).") var ids: [String] = []
        @Flag(name: .customLong("only-missing"), help: "Only bring back what is missing: revert no attribute.") var onlyMissing = false
        @Option(name: .customLong("blast-radius-limit"), help: "Objects the plan may overwrite or delete without confirmation.")
        var blastRadiusLimit: Int = RestoreConfiguration().blastRadiusLimit
        @Flag(help: "Print the steps as JSON.") var json = false

        func validate() throws {
            _ = try tenantID(tenant)
            if let into { _ = try tenantID(into) }
            let choices = [snapshot != nil, at != nil, deletedSince != nil].filter { $0 }.count
            guard choices == 1 else { throw ValidationError("give exactly one of --snapshot, --at, --deleted-since") }
            for time in [at, deletedSince].compactMap({ $0 }) where ObjectsCommand.parseDate(time) == nil {
                throw ValidationError("'\(time)' is not an ISO 8601 time")
            }
        }

        func run() async throws {
            let source = try tenantID(tenant)
            let target = try into.map(tenantID) ?? source
            let output = try await common.withRuntime(label: "holdfast.restore", [actor]) { runtime -> String in
                let client = runtime.postgres, logger = runtime.logger
                let vault = try runtime.vault()
                let snapshotID: Int64
                if let snapshot { snapshotID = snapshot } else {
                    let time = ObjectsCommand.parseDate(at ?? deletedSince ?? "")!
                    snapshotID = try await vault.snapshot(tenantID: source, at: time).id
                }
                let scope = RestoreScope(types: types.isEmpty ? nil : Set(types), ids: ids.isEmpty ? nil : Set(ids),
                                         onlyMissing: onlyMissing || deletedSince != nil)
                let sessions = try runtime.graphSessions()
                let plan = try await RestorePlanner(vault: vault, store: RestoreStore(vault: vault),
                                                    configuration: RestoreConfiguration(blastRadiusLimit: blastRadiusLimit), logger: logger)
                    .plan(snapshotID: snapshotID, targetTenantID: target, target: try await sessions.session(tenantID: target, logger: logger),
                          scope: scope, actor: runtime.configuration.actor)
                return json ? try RestoreCommand.json(plan) : RestoreCommand.describe(plan, steps: true)
            }
            print(output)
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a stored plan. In the foreground, recreated users' temporary passwords are printed once.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Argument(help: "The plan id.") var plan: String
        @Flag(name: .customLong("confirm-blast-radius"), help: "Apply although the plan overwrites more objects than its limit.")
        var confirmBlastRadius = false
        @Flag(name: .customLong("confirm-lockout"), help: "Apply although a policy would block every privileged administrator.")
        var confirmLockout = false
        @Flag(help: "Enqueue a restore job for a worker instead of applying here (passwords are then not shown).")
        var enqueue = false

        func validate() throws {
            guard UUID(uuidString: plan) != nil else { throw ValidationError("PLAN must be a plan id (UUID)") }
        }

        func run() async throws {
            let planID = UUID(uuidString: plan)!
            try await common.withRuntime(label: "holdfast.restore", [actor]) { runtime in
                let client = runtime.postgres, logger = runtime.logger
                let store = try runtime.restoreStore()
                let stored = try await store.plan(id: planID, logger: logger)
                // Expired, discarded or applied plans, and suspended, offboarded or foreign target tenants, are refused here.
                try await RestoreTargetCheck(client: client, logger: logger).check(stored)
                let arguments = RestoreJobHandler.Arguments(planID: planID, confirmBlastRadius: confirmBlastRadius,
                                                            confirmLockout: confirmLockout, actor: runtime.configuration.actor)
                let text = String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self)
                let request = EnqueueRequest(kind: .restore, tenantID: stored.targetTenantID, arguments: text, priority: QueuePriority.restore,
                                             maxAttempts: enqueue ? 5 : 1, uniqueKey: "restore:\(plan.lowercased())")
                if enqueue {
                    let result = try await runtime.enqueuer().enqueue(request)
                    print("Enqueued restore job \(result.job.id) for plan \(plan.lowercased()).")
                    return
                }
                // In the foreground, still as a job of the queue: the tenant's exclusivity and a claim.
                let (confirmBlastRadius, confirmLockout) = (self.confirmBlastRadius, self.confirmLockout)
                let session = try await runtime.graphSessions().session(tenantID: stored.targetTenantID, logger: logger)
                let actor = runtime.configuration.actor
                let outcome = try await ForegroundJob(client: client, logger: logger).run(request) { context in
                    try await RestoreExecutor(store: store, logger: context.logger).apply(
                        planID: planID, target: session, actor: actor, claim: context.claim,
                        leaseIsCurrent: { context.leaseIsCurrent },
                        confirmBlastRadius: confirmBlastRadius, confirmLockout: confirmLockout)
                }
                print(RestoreCommand.describe(outcome.plan, steps: false))
                print(String(format: "applied in %.1f s", outcome.seconds))
                if !outcome.temporaryPasswords.isEmpty {
                    print("temporary passwords (shown once; users must change them at next sign-in):")
                    for (upn, password) in outcome.temporaryPasswords { print("  \(upn)\t\(password)") }
                }
                if !outcome.failedSteps.isEmpty { throw ExitCode(2) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a plan, its progress and operator actions.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The plan id.") var plan: String
        @Flag(help: "List every step.") var steps = false
        @Flag(help: "As JSON.") var json = false

        func validate() throws {
            guard UUID(uuidString: plan) != nil else { throw ValidationError("PLAN must be a plan id (UUID)") }
        }

        func run() async throws {
            let stored = try await common.withRuntime(label: "holdfast.restore") { try await $0.restoreStore().plan(id: UUID(uuidString: plan)!, logger: $0.logger) }
            print(json ? try RestoreCommand.json(stored) : RestoreCommand.describe(stored, steps: steps))
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a plan's snapshot with its target tenant now, up to the plan's id mapping (exit 2 on differences).")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The plan id.") var plan: String

        func validate() throws {
            guard UUID(uuidString: plan) != nil else { throw ValidationError("PLAN must be a plan id (UUID)") }
        }

        func run() async throws {
            let differences = try await common.withRuntime(label: "holdfast.restore") { runtime in
                let vault = try runtime.vault()
                let store = RestoreStore(vault: vault)
                let stored = try await store.plan(id: UUID(uuidString: plan)!, logger: runtime.logger)
                let map = try await store.idMap(planID: stored.id)
                let types = RestorableTypes.closure(of: stored.scope.types ?? RestorableTypes.all)
                let source = try await SnapshotObjectReader(vault: vault).objects(of: try await vault.snapshot(id: stored.snapshotID), types: types)
                return try await RestoreComparison().differences(
                    plan: stored, map: map, source: source, target: try await runtime.graphSessions().session(tenantID: stored.targetTenantID, logger: runtime.logger))
            }
            print("\(differences.count) difference(s) between the snapshot and the tenant, up to id mapping")
            for difference in differences { print("  \(difference)") }
            if !differences.isEmpty { throw ExitCode(2) }
        }
    }

    static func describe(_ plan: Restore.RestorePlan, steps: Bool) -> String {
        var lines = [
            "plan \(plan.id.uuidString.lowercased()): \(plan.status.rawValue)",
            "  snapshot \(plan.snapshotID) of tenant \(plan.sourceTenantID.uuidString.lowercased()) → tenant \(plan.targetTenantID.uuidString.lowercased())\(plan.isCrossTenant ? " (another tenant)" : "")",
            "  \(plan.steps.count) step(s): " + plan.counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "),
            "  overwrites or removals: \(plan.destructiveCount) (limit \(plan.blastRadiusLimit))\(plan.exceedsBlastRadius ? " — EXCEEDS the blast-radius limit: apply needs --confirm-blast-radius" : "")",
        ]
        for finding in plan.lockoutFindings {
            lines.append("  LOCKOUT RISK: policy \(finding.policyName) (\(finding.policyID)) \(finding.reason): apply needs --confirm-lockout")
        }
        if let error = plan.error { lines.append("  error: \(error)") }
        if steps {
            for step in plan.steps {
                let name = (step.after ?? step.before).flatMap { $0["userPrincipalName"]?.stringValue ?? $0["displayName"]?.stringValue }
                lines.append("  \(step.seq). [\(step.status.rawValue)] \(step.action.rawValue) \(step.type) \(step.sourceKey)\(name.map { " (\($0))" } ?? "")")
                if step.action == .patch {
                    for change in AttributeChange.between(step.before, step.after) where !["modifiedDateTime", "id"].contains(change.path) {
                        lines.append("       \(change.path): \(change.before.map(ChangeSet.text) ?? "∅") → \(change.after.map(ChangeSet.text) ?? "∅")")
                    }
                }
                if let detail = step.detail, step.status == .failed { lines.append("       failed: \(detail)") }
            }
        }
        if !plan.operatorActions.isEmpty {
            lines.append("  operator actions:")
            for action in plan.operatorActions { lines.append("    \(action.type) \(action.objectID): \(action.action)") }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ plan: Restore.RestorePlan) throws -> String {
        struct Step: Encodable {
            var seq: Int; var phase: Int; var action: String; var type: String; var key: String; var status: String
            var changes: [AttributeChange]
        }
        struct Output: Encodable {
            var id: String; var status: String; var snapshotID: Int64; var source: String; var target: String
            var destructiveCount: Int; var blastRadiusLimit: Int; var lockoutFindings: [LockoutFinding]
            var operatorActions: [OperatorAction]; var steps: [Step]
        }
        let output = Output(
            id: plan.id.uuidString.lowercased(), status: plan.status.rawValue, snapshotID: plan.snapshotID,
            source: plan.sourceTenantID.uuidString.lowercased(), target: plan.targetTenantID.uuidString.lowercased(),
            destructiveCount: plan.destructiveCount, blastRadiusLimit: plan.blastRadiusLimit, lockoutFindings: plan.lockoutFindings,
            operatorActions: plan.operatorActions,
            steps: plan.steps.map { Step(seq: $0.seq, phase: $0.phase.rawValue, action: $0.action.rawValue, type: $0.type,
                                         key: $0.sourceKey, status: $0.status.rawValue, changes: AttributeChange.between($0.before, $0.after)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
