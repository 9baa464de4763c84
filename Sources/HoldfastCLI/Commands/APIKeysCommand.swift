import API
import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Postgres
import Tenancy

/// `holdfast apikeys create|list|revoke`: keys for the HTTP API (docs/api.md).
struct APIKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikeys",
        abstract: "Create, list and revoke HTTP API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print its token once; only a hash of it is stored.",
            discussion: "Roles: operator (everything), read-only (every GET an operator has), partner (its own tenants only; needs --partner).")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Option(help: "A name that says who or what uses the key (\"grafana\", \"contoso portal\").") var name: String
        @Option(help: "operator, partner or read-only.") var role: String
        @Option(help: "For partner keys: the partner's id or name.") var partner: String?

        var keyRole: APIKeyRole { APIKeyRole(rawValue: role) ?? .readOnly }

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty.") }
            guard let role = APIKeyRole(rawValue: role) else { throw ValidationError("--role must be operator, partner or read-only (got '\(self.role)').") }
            if role == .partner, partner == nil { throw ValidationError("a partner key needs --partner.") }
            if role != .partner, partner != nil { throw ValidationError("--partner is only for --role partner.") }
        }

        func run() async throws {
            let created = try await common.withRuntime(label: "holdfast.apikeys", [actor]) { runtime in
                var partnerID: UUID?
                if let partner { partnerID = try await TenantRegistry(client: runtime.postgres, logger: runtime.logger).partner(reference: partner).id }
                // Stored hashes are keyed by the master key, so creating a key needs it.
                let hasher = APIKeyHasher(keyRing: try runtime.keyRing())
                return try await APIKeyStore(client: runtime.postgres, hasher: hasher, logger: runtime.logger).create(
                    name: name, role: keyRole, partnerID: partnerID, actor: runtime.configuration.actor)
            }
            print("Created API key \(created.key.keyID) (\(created.key.role.rawValue)\(created.key.partnerID.map { ", partner \($0.uuidString.lowercased())" } ?? "")).")
            print("Token (shown once; store it now, it cannot be shown again):")
            print(created.token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their tokens).")

        @OptionGroup var common: CommonOptions

        @Flag(help: "Include revoked keys.") var all = false

        func run() async throws {
            let keys = try await common.withRuntime(label: "holdfast.apikeys") { runtime in
                try await APIKeyStore(client: runtime.postgres, hasher: nil, logger: runtime.logger).list(includeRevoked: all)
            }
            print("KEY ID        ROLE       PARTNER                               CREATED (UTC)         LAST USED (UTC)       REVOKED               NAME")
            for key in keys {
                print([
                    key.keyID.padding(12), key.role.rawValue.padding(9), (key.partnerID?.uuidString.lowercased() ?? "-").padding(36),
                    SnapshotFormatting.date(key.createdAt).padding(20), (key.lastUsedAt.map(SnapshotFormatting.date) ?? "never").padding(20),
                    (key.revokedAt.map(SnapshotFormatting.date) ?? "-").padding(20), key.name,
                ].joined(separator: "  "))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: every request with it is refused from now on.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Argument(help: "The key id (the 12 characters after hf_live_, as `holdfast apikeys list` shows).") var keyID: String

        func run() async throws {
            let key = try await common.withRuntime(label: "holdfast.apikeys", [actor]) { runtime in
                try await APIKeyStore(client: runtime.postgres, hasher: nil, logger: runtime.logger).revoke(keyID: keyID, actor: runtime.configuration.actor)
            }
            print("Revoked API key \(key.keyID) (\(key.name)).")
        }
    }
}
