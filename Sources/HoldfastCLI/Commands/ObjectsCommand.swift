import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Restore
import Vault

/// `holdfast objects show|history TENANT TYPE ID`.
struct ObjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objects",
        abstract: "Read backed-up objects: as they were at any time, and every change to them.",
        subcommands: [Show.self, History.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an object's JSON as of the newest snapshot, or as it was at --at.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The tenant id.") var tenant: String
        @Argument(help: "The catalogue type (user, group, group.members, conditionalAccessPolicy, …).") var type: String
        @Argument(help: "The object id (relationships: PARENT/ID).") var id: String
        @Option(help: "A time (ISO 8601, e.g. 2026-11-20T08:00:00Z): the object as the newest snapshot committed by then held it.")
        var at: String?

        func validate() throws {
            _ = try tenantID(tenant)
            if let at, ObjectsCommand.parseDate(at) == nil { throw ValidationError("--at must be an ISO 8601 time, not '\(at)'.") }
        }

        func run() async throws {
            let tenantID = try tenantID(tenant)
            try await common.withRuntime(label: "holdfast.objects") { runtime in
                let vault = try runtime.vault()
                let snapshot = try await vault.snapshot(tenantID: tenantID, at: at.flatMap(ObjectsCommand.parseDate) ?? Date())
                guard let json = try await vault.object(tenantID: tenantID, type: type, objectID: id, at: snapshot.id) else {
                    throw ValidationError("\(type) \(id) is not in snapshot \(snapshot.id) (committed \(SnapshotFormatting.date(snapshot.committedAt)))")
                }
                print(String(decoding: json, as: UTF8.self))
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every version of an object across snapshots, with what changed attribute by attribute.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The tenant id.") var tenant: String
        @Argument(help: "The catalogue type.") var type: String
        @Argument(help: "The object id.") var id: String
        @Option(help: "text or json.") var format: DiffCommand.Format = .text

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let tenantID = try tenantID(tenant)
            try await common.withRuntime(label: "holdfast.objects") { runtime in
                let vault = try runtime.vault()
                let history = try await ObjectHistory.load(vault: vault, tenantID: tenantID, type: type, objectID: id)
                guard !history.events.isEmpty else { throw ValidationError("no snapshot of tenant \(tenant) holds \(type) \(id)") }
                print(format == .json ? try history.renderJSON() : history.renderText())
            }
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
