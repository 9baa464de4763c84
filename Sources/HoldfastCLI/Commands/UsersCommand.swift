import ArgumentParser
import Console
import HoldfastRuntime
import Foundation
import Tenancy

/// `holdfast users add|list|disable|reset`: people who sign in to the operator console (docs/console.md).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list, disable and reset operator console users.",
        subcommands: [Add.self, List.self, Disable.self, Reset.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user and print a generated password once; they set up TOTP at their first sign-in.",
            discussion: "Roles: operator (every page and action), read-only (every page, no action), partner (its own tenants only; needs --partner).")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Argument(help: "The user name (a-z, 0-9, '.', '_', '@', '-'; up to 64).") var username: String
        @Option(help: "operator, read-only or partner.") var role: String
        @Option(help: "For partner users: the partner's id or name.") var partner: String?

        func validate() throws {
            guard ConsoleUserStore.normalisedUsername(username) != nil else {
                throw ValidationError("the user name must be 1 to 64 of a-z, 0-9, '.', '_', '@', '-', starting with a letter or digit.")
            }
            guard let role = ConsoleRole(rawValue: role) else { throw ValidationError("--role must be operator, read-only or partner (got '\(self.role)').") }
            if role == .partner, partner == nil { throw ValidationError("a partner user needs --partner.") }
            if role != .partner, partner != nil { throw ValidationError("--partner is only for --role partner.") }
        }

        func run() async throws {
            let issued = try await common.withRuntime(label: "holdfast.users", [actor]) { runtime in
                var partnerID: UUID?
                if let partner { partnerID = try await TenantRegistry(client: runtime.postgres, logger: runtime.logger).partner(reference: partner).id }
                return try await runtime.consoleUsers().add(username: username, role: ConsoleRole(rawValue: role) ?? .readOnly,
                                                            partnerID: partnerID, actor: runtime.configuration.actor)
            }
            print("Added console user \(issued.user.username) (\(issued.user.role.rawValue)\(issued.user.partnerID.map { ", partner \($0.uuidString.lowercased())" } ?? "")).")
            print("Password (shown once; give it to the user over a safe channel):")
            print(issued.password)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users (never their passwords or TOTP secrets).")

        @OptionGroup var common: CommonOptions

        @Flag(help: "Include disabled users.") var all = false

        func run() async throws {
            let users = try await common.withRuntime(label: "holdfast.users") { runtime in
                try await runtime.consoleUsers().list(includeDisabled: all)
            }
            print("USER                  ROLE       PARTNER                               TOTP       LOCKED UNTIL (UTC)    DISABLED (UTC)")
            for user in users {
                print([
                    user.username.padding(20), user.role.rawValue.padding(9), (user.partnerID?.uuidString.lowercased() ?? "-").padding(36),
                    (user.totpEnrolled ? "enrolled" : "pending").padding(9),
                    (user.lockedUntil.flatMap { $0 > Date() ? SnapshotFormatting.date($0) : nil } ?? "-").padding(20),
                    user.disabledAt.map(SnapshotFormatting.date) ?? "-",
                ].joined(separator: "  "))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user and end their sessions at once.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Argument(help: "The user name.") var username: String

        func run() async throws {
            let user = try await common.withRuntime(label: "holdfast.users", [actor]) { runtime in
                try await runtime.consoleUsers().disable(username: username, actor: runtime.configuration.actor)
            }
            print("Disabled console user \(user.username); their sessions have ended.")
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user a new generated password, clear their TOTP (they set it up again), lift a lockout, re-enable them and end their sessions.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Argument(help: "The user name.") var username: String

        func run() async throws {
            let issued = try await common.withRuntime(label: "holdfast.users", [actor]) { runtime in
                try await runtime.consoleUsers().reset(username: username, actor: runtime.configuration.actor)
            }
            print("Reset console user \(issued.user.username): sessions ended, TOTP to be set up again at the next sign-in.")
            print("New password (shown once):")
            print(issued.password)
        }
    }
}
