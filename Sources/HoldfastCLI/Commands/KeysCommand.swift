import ArgumentParser
import HoldfastRuntime
import Cryptography
import Foundation
import Logging
import Postgres
import Restore
import Tenancy

/// `holdfast keys`: the master key hierarchy.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the master key that wraps every tenant's data key.",
        subcommands: [Rotate.self, RotateTenant.self, Status.self, SealLegacy.self]
    )

    /// Master keys come from the environment or the configuration file, never a flag.
    static let keyHelp = """
        The current master key is read from HOLDFAST_MASTER_KEY_FILE (a file holding `openssl rand -base64 32`, mode 600) \
        or HOLDFAST_MASTER_KEY; older keys still in use from HOLDFAST_PREVIOUS_MASTER_KEY_FILES (paths separated by ':') \
        or HOLDFAST_PREVIOUS_MASTER_KEYS (base64, separated by ',').
        """

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Re-wrap every tenant data key under the current master key (resumable; secrets are not decrypted).",
            discussion: """
                Set the new key as the current one and the old key as a previous one, then run this. It can be \
                interrupted and run again, and may run while workers are up. When it reports that only the \
                current key is in use, remove the old key from the configuration.

                \(KeysCommand.keyHelp)
                """
        )

        @OptionGroup var common: CommonOptions

        @Option(help: "Data keys re-wrapped per transaction.")
        var batchSize = 500

        func validate() throws {
            guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        }

        func run() async throws {
            try await common.withRuntime(label: "holdfast.keys") { runtime in
                let ring = try runtime.keyRing()
                let client = runtime.postgres, logger = runtime.logger
                let rotation = MasterKeyRotation(client: client, keyRing: ring, batchSize: batchSize, logger: logger)
                let report = try await rotation.run()
                print("Re-wrapped \(report.rewrapped) data key(s) under master key \(ring.current.id).")
                print("Master keys in use: \(report.masterKeyIDsInUse.joined(separator: ", "))")
                if report.remaining > 0 {
                    print("\(report.remaining) data key(s) are still under an older key (held by another run); run again.")
                } else if report.masterKeyIDsInUse.allSatisfy({ $0 == ring.current.id }) {
                    print("Older master keys are no longer needed.")
                }
            }
        }
    }

    struct RotateTenant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-tenant",
            abstract: "Give one tenant a new data key (after a worker compromise) and re-seal its active credentials under it.",
            discussion: """
                What is sealed from now on (new blobs, credentials) uses the new key; what the old key sealed stays \
                readable under it, and blob names do not change, so the next backup stores no more than usual. \
                Rotate the tenant's credential too (holdfast tenants update) if a worker that held it was compromised.

                \(KeysCommand.keyHelp)
                """
        )

        @OptionGroup var options: TenantsCommand.TenantActionOptions

        func run() async throws {
            try await options.common.withRuntime(label: "holdfast.keys", [options.actor]) { runtime in
                let tenant = try await TenantRegistry(client: runtime.postgres, logger: runtime.logger).tenant(reference: options.tenant)
                let dataKeyID = try await runtime.credentials().rotateDataKey(tenantID: tenant.id, actor: runtime.configuration.actor)
                print("Tenant \(tenant.id.uuidString.lowercased()) now seals with data key \(dataKeyID).")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the configured master key ids and which ones the database still needs.",
            discussion: KeysCommand.keyHelp
        )

        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await common.withRuntime(label: "holdfast.keys") { runtime in
                let ring = try runtime.keyRing()
                let client = runtime.postgres, logger = runtime.logger
                let rotation = MasterKeyRotation(client: client, keyRing: ring, logger: logger)
                print("Current master key: \(ring.current.id)")
                print("Configured: \(ring.ids.joined(separator: ", "))")
                let inUse = try await rotation.masterKeyIDsInUse()
                print("In use by data keys: \(inUse.isEmpty ? "(none)" : inUse.joined(separator: ", "))")
                print("Data keys not under the current key: \(try await rotation.remaining())")
                let missing = inUse.filter { !ring.ids.contains($0) }
                if !missing.isEmpty {
                    print("MISSING from the configuration (their tenants' secrets cannot be opened): \(missing.joined(separator: ", "))")
                }
            }
        }
    }

    struct SealLegacy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal-legacy",
            abstract: "Seal the restore steps and change alerts written before migration 0024, which still hold directory content in clear.",
            discussion: """
                Since migration 0024 a restore step's objects and a change alert's payload are sealed with the tenant's \
                keys; rows written before it keep their clear columns until this command seals them and clears those \
                columns. Resumable and safe beside running workers; --dry-run only counts. Webhook jobs that ran \
                before 0024 keep their payload in the job's arguments until retention deletes finished jobs.

                \(KeysCommand.keyHelp)
                """
        )

        @OptionGroup var common: CommonOptions

        @Option(help: "Rows sealed per batch (1 to 10000).")
        var batchSize = 500

        @Flag(help: "Only count the rows still in clear.")
        var dryRun = false

        func validate() throws {
            guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 10000 (got \(batchSize))") }
        }

        func run() async throws {
            try await common.withRuntime(label: "holdfast.keys") { runtime in
                let sealing = LegacyContentSealing(vault: try runtime.vault(), batchSize: batchSize, logger: runtime.logger)
                if dryRun {
                    let pending = try await sealing.pending()
                    print("In clear: \(pending.restoreSteps) restore step(s), \(pending.changeAlerts) change alert(s).")
                    return
                }
                let sealed = try await sealing.run()
                print("Sealed \(sealed.restoreSteps) restore step(s) and \(sealed.changeAlerts) change alert(s); none is left in clear.")
            }
        }
    }
}
