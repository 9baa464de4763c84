import ArgumentParser
import Foundation
import Logging
import Tenancy

/// Legal hold on a whole tenant: `hold TENANT --reason …` and `release TENANT`. The integrator
/// also lists ``Hold`` and ``Release`` under `holdfast tenants`, as `tenants hold|release`.
struct LegalHoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "legal-hold",
        abstract: "Place or release a legal hold on a tenant: while held, none of its snapshots can be deleted.",
        subcommands: [Hold.self, Release.self]
    )

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "hold", abstract: "Place TENANT under legal hold (audited).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var reason: ReasonOptions
        @Argument(help: "The tenant id.") var tenant: String

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let logger = logging.makeLogger(label: "holdfast.legal-hold")
            try await PoliciesCommand.perform(database, logger) {
                try await PolicyStore(client: $0, logger: logger).holdTenant(try tenantID(tenant), reason: reason.reason, actor: actor.name)
            }
            print("tenant \(tenant.lowercased()) is under legal hold: \(reason.reason)")
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Release TENANT's legal hold (audited).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var actor: AuditActorOptions
        @Argument(help: "The tenant id.") var tenant: String

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let logger = logging.makeLogger(label: "holdfast.legal-hold")
            try await PoliciesCommand.perform(database, logger) {
                try await PolicyStore(client: $0, logger: logger).releaseTenant(try tenantID(tenant), actor: actor.name)
            }
            print("tenant \(tenant.lowercased())'s legal hold is released")
        }
    }
}
