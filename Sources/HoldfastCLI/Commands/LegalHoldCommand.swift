import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Tenancy

/// Legal hold on a whole tenant: `hold TENANT --reason …` and `release TENANT`; ``Hold`` and
/// ``Release`` are also `holdfast tenants hold|release`.
struct LegalHoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "legal-hold",
        abstract: "Place or release a legal hold on a tenant: while held, none of its snapshots can be deleted.",
        subcommands: [Hold.self, Release.self]
    )

    /// What both commands take.
    struct TenantOptions: ParsableArguments {
        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @Argument(help: "The tenant id.") var tenant: String

        func validate() throws { _ = try tenantID(tenant) }

        func perform(_ body: (PolicyStore, UUID, String) async throws -> Void) async throws {
            try await PoliciesCommand.perform(common, [actor]) {
                try await body(PolicyStore(client: $0.postgres, logger: $0.logger), try tenantID(tenant), $0.configuration.actor)
            }
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "hold", abstract: "Place TENANT under legal hold (audited).")

        @OptionGroup var options: TenantOptions
        @OptionGroup var reason: ReasonOptions

        func run() async throws {
            try await options.perform { try await $0.holdTenant($1, reason: reason.reason, actor: $2) }
            print("tenant \(options.tenant.lowercased()) is under legal hold: \(reason.reason)")
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Release TENANT's legal hold (audited).")

        @OptionGroup var options: TenantOptions

        func run() async throws {
            try await options.perform { try await $0.releaseTenant($1, actor: $2) }
            print("tenant \(options.tenant.lowercased())'s legal hold is released")
        }
    }
}
