import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Restore
import Vault

/// `holdfast diff TENANT --from A --to B|live`.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed in a tenant between two snapshots, or between a snapshot and the live tenant.",
        discussion: "Objects added (+), removed (-) and changed (~) attribute by attribute, and relationship changes "
            + "(members, owners, role assignments). With --who, each change carries who made it, from the tenant's "
            + "directory audit log (needs AuditLog.Read.All).")

    enum Format: String, ExpressibleByArgument { case text, json }

    @OptionGroup var common: CommonOptions

    @Argument(help: "The tenant id.") var tenant: String
    @Option(help: "The older snapshot id.") var from: Int64
    @Option(help: "The newer snapshot id, or `live` to read the tenant through Graph now.") var to: String
    @Option(help: "text or json.") var format: Format = .text
    @Option(name: .customLong("type"), help: "Only this catalogue type (repeatable).") var types: [String] = []
    @Flag(help: "Annotate changes with who made them (directory audit log).") var who = false

    func validate() throws {
        _ = try tenantID(tenant)
        if to != "live" && Int64(to) == nil { throw ValidationError("--to must be a snapshot id or `live`, not '\(to)'.") }
    }

    func run() async throws {
        let tenantID = try tenantID(tenant)
        let text = try await common.withRuntime(label: "holdfast.diff") { runtime -> String in
            let logger = runtime.logger
            let vault = try runtime.vault()
            let differ = ChangeDiffer(vault: vault, logger: logger)
            let typeFilter = types.isEmpty ? nil : Set(types)
            var changes: ChangeSet
            if let toID = Int64(to), !who {
                changes = try await differ.diff(tenantID: tenantID, from: from, to: toID, types: typeFilter)
            } else {
                let session = try await runtime.graphSessions().session(tenantID: tenantID, logger: logger)
                if let toID = Int64(to) {
                    changes = try await differ.diff(tenantID: tenantID, from: from, to: toID, types: typeFilter)
                } else {
                    changes = try await differ.diff(tenantID: tenantID, from: from, live: session, types: typeFilter ?? RestorableTypes.all)
                }
                if who {
                    let since = try await vault.snapshot(id: from).committedAt
                    changes = try await DirectoryAuditAnnotator(session: session, logger: logger).annotate(changes, since: since)
                }
            }
            return format == .json ? try changes.renderJSON() : changes.renderText()
        }
        print(text)
    }
}
