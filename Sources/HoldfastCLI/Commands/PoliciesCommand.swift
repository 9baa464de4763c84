import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Postgres
import Tenancy

/// `holdfast policies create|list|show|update|assign`.
struct PoliciesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract: "Manage named policies (schedule, RPO, GFS retention, immutability, validation) and assign them to tenants.",
        discussion: "Durations take a unit: 90s, 30m, 12h, 30d, 2w (plain numbers are seconds). Every change is audited.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Assign.self]
    )

    /// The settings `create` and `update` share; unset options keep the default (create) or the
    /// current value (update).
    struct SettingOptions: ParsableArguments {
        @Option(help: "What the policy is for.") var description: String?
        @Option(help: "How often to back up.") var backupInterval: TimeSpan?
        @Option(help: "Preferred window start, HH:MM in --timezone.") var windowStart: String?
        @Option(help: "Preferred window end, HH:MM in --timezone.") var windowEnd: String?
        @Flag(help: "Remove the preferred window (update only).") var anyTime = false
        @Option(help: "IANA time zone of the window and of retention's days, weeks, months and years.") var timezone: String?
        @Option(help: "Maximum age of the newest snapshot (RPO target).") var rpo: TimeSpan?
        @Option(help: "Keep the newest N snapshots (at least 1).") var keepLast: Int?
        @Option(help: "Keep one snapshot a day for N days.") var keepDaily: Int?
        @Option(help: "Keep one snapshot a week for N ISO weeks.") var keepWeekly: Int?
        @Option(help: "Keep one snapshot a month for N months.") var keepMonthly: Int?
        @Option(help: "Keep one snapshot a year for N years.") var keepYearly: Int?
        @Option(help: "No snapshot younger than this can be deleted by anyone.") var immutability: TimeSpan?
        @Option(help: "How often retention runs.") var retentionInterval: TimeSpan?
        @Option(help: "How often a validation runs.") var validationInterval: TimeSpan?

        func validate() throws {
            if anyTime && (windowStart != nil || windowEnd != nil) {
                throw ValidationError("--any-time removes the window; do not give --window-start or --window-end with it.")
            }
            if (windowStart == nil) != (windowEnd == nil) {
                throw ValidationError("Give both --window-start and --window-end, or neither.")
            }
        }

        var changes: PolicyChanges {
            var changes = PolicyChanges()
            changes.description = description
            changes.backupInterval = backupInterval?.seconds
            if anyTime {
                changes.window = .some(nil)
            } else if let windowStart, let windowEnd {
                changes.window = (windowStart, windowEnd)
            }
            changes.timezone = timezone
            changes.rpoTarget = rpo?.seconds
            changes.keepLast = keepLast
            changes.keepDaily = keepDaily
            changes.keepWeekly = keepWeekly
            changes.keepMonthly = keepMonthly
            changes.keepYearly = keepYearly
            changes.immutabilityWindow = immutability?.seconds
            changes.retentionInterval = retentionInterval?.seconds
            changes.validationInterval = validationInterval?.seconds
            return changes
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a policy NAME; unset settings take the defaults.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var settings: SettingOptions
        @Argument(help: "The policy's name (letters, digits, '-', '_', '.').") var name: String

        func validate() throws {
            try PoliciesCommand.check { try settings.changes.applied(to: PolicySettings()).validate() }
        }

        func run() async throws {
            let policy = try await PoliciesCommand.perform(common, [actor]) {
                try await PolicyStore(client: $0.postgres, logger: $0.logger).create(
                    name: name, settings: settings.changes.applied(to: PolicySettings()), actor: $0.configuration.actor)
            }
            PoliciesCommand.print(policy)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List policies.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let policies = try await common.withRuntime(label: "holdfast.policies") { try await PolicyStore(client: $0.postgres, logger: $0.logger).policies() }
            Swift.print("NAME                  BACKUP  RPO     KEEP (last/d/w/m/y)   IMMUTABLE  VALIDATION  TIMEZONE")
            for policy in policies {
                let keep = "\(policy.retention.last)/\(policy.retention.daily)/\(policy.retention.weekly)/\(policy.retention.monthly)/\(policy.retention.yearly)"
                Swift.print([policy.name.padding(20), TimeSpan.format(policy.backupInterval).padding(6), TimeSpan.format(policy.rpoTarget).padding(6),
                             keep.padding(20), TimeSpan.format(policy.immutabilityWindow).padding(9),
                             TimeSpan.format(policy.validationInterval).padding(10), policy.timezone].joined(separator: "  "))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show policy NAME.")

        @OptionGroup var common: CommonOptions
        @Argument(help: "The policy's name.") var name: String

        func run() async throws {
            PoliciesCommand.print(try await PoliciesCommand.perform(common) {
                try await PolicyStore(client: $0.postgres, logger: $0.logger).policy(named: name)
            })
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change settings of policy NAME; every tenant with it follows (its schedule included).")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var settings: SettingOptions
        @Argument(help: "The policy's name.") var name: String

        func validate() throws {
            if settings.changes.isEmpty { throw ValidationError("Nothing to change: give at least one setting (see --help).") }
        }

        func run() async throws {
            PoliciesCommand.print(try await PoliciesCommand.perform(common, [actor]) {
                try await PolicyStore(client: $0.postgres, logger: $0.logger).update(name: name, changes: settings.changes, actor: $0.configuration.actor)
            })
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign policy NAME to TENANT(s).")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @Argument(help: "The policy's name.") var name: String
        @Argument(help: "Tenant ids.") var tenants: [String]

        func validate() throws {
            if tenants.isEmpty { throw ValidationError("Name at least one tenant id.") }
            for tenant in tenants { _ = try tenantID(tenant) }
        }

        func run() async throws {
            try await PoliciesCommand.perform(common, [actor]) { runtime in
                let store = PolicyStore(client: runtime.postgres, logger: runtime.logger)
                for tenant in tenants {
                    _ = try await store.assign(policyName: name, tenantID: try tenantID(tenant), actor: runtime.configuration.actor)
                    Swift.print("assigned policy \(name) to tenant \(tenant.lowercased())")
                }
            }
        }
    }

    /// Runs `body` with a client, turning policy errors into a clear message and exit code 1.
    static func perform<T: Sendable>(_ common: CommonOptions, _ flags: [any ConfigurationFlags] = [],
                                     _ body: (HoldfastRuntime) async throws -> T) async throws -> T {
        do {
            return try await common.withRuntime(label: "holdfast.policies", flags, body)
        } catch let error as PolicyError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }

    static func check(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as PolicyError {
            throw ValidationError(error.message)
        }
    }

    static func print(_ policy: Policy) {
        Swift.print("Policy \(policy.name) (\(policy.id.uuidString.lowercased()))")
        if !policy.description.isEmpty { Swift.print("  description:          \(policy.description)") }
        Swift.print("  backup interval:      \(TimeSpan.format(policy.backupInterval))")
        Swift.print("  preferred window:     \(policy.windowStart.map { "\($0)-\(policy.windowEnd ?? "")" } ?? "any time") (\(policy.timezone))")
        Swift.print("  RPO target:           \(TimeSpan.format(policy.rpoTarget))")
        Swift.print("  retention:            last \(policy.retention.last), daily \(policy.retention.daily), weekly \(policy.retention.weekly), monthly \(policy.retention.monthly), yearly \(policy.retention.yearly)")
        Swift.print("  immutability window:  \(TimeSpan.format(policy.immutabilityWindow))")
        Swift.print("  retention interval:   \(TimeSpan.format(policy.retentionInterval))")
        Swift.print("  validation interval:  \(TimeSpan.format(policy.validationInterval))")
    }
}
