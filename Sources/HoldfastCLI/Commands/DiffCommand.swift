import ArgumentParser
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

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var vault: VaultOptions

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
        let logger = logging.makeLogger(label: "holdfast.diff")
        let tenantID = try tenantID(tenant)
        let text = try await database.withClient(logger: logger) { client -> String in
            let vault = try self.vault.makeVault(client: client, logger: logger)
            let differ = ChangeDiffer(vault: vault, logger: logger)
            let typeFilter = types.isEmpty ? nil : Set(types)
            var changes: ChangeSet
            if let toID = Int64(to), !who {
                changes = try await differ.diff(tenantID: tenantID, from: from, to: toID, types: typeFilter)
            } else {
                changes = try await CommandGraph.withSessions(client: client, logger: logger) { sessions in
                    let session = try await sessions.session(tenantID: tenantID, logger: logger)
                    var result = try await {
                        if let toID = Int64(to) { return try await differ.diff(tenantID: tenantID, from: from, to: toID, types: typeFilter) }
                        return try await differ.diff(tenantID: tenantID, from: from, live: session, types: typeFilter ?? RestorableTypes.all)
                    }()
                    if who {
                        let since = try await vault.snapshot(id: from).committedAt
                        result = try await DirectoryAuditAnnotator(session: session, logger: logger).annotate(result, since: since)
                    }
                    return result
                }
            }
            return format == .json ? try changes.renderJSON() : changes.renderText()
        }
        print(text)
    }
}
