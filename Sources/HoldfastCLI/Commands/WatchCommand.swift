import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Restore

/// `holdfast watch add|list|remove`: change alert rules.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Rules that raise change alerts (sent through a webhook job) after each backup.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a rule.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Argument(help: "A unique name.") var name: String
        @Option(help: "One of: \(WatchRule.Kind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: String
        @Option(help: "Only this tenant (default: every tenant).") var tenant: String?
        @Option(name: .customLong("option"), help: "KEY=VALUE, e.g. type=group, properties=membershipRule, roles=ID,ID.")
        var options: [String] = []

        func validate() throws {
            guard WatchRule.Kind(rawValue: kind) != nil else { throw ValidationError("unknown --kind '\(kind)'") }
            if let tenant { _ = try tenantID(tenant) }
            for option in options where !option.contains("=") { throw ValidationError("--option must be KEY=VALUE, not '\(option)'") }
        }

        func run() async throws {
            var parsed: [String: String] = [:]
            for option in options {
                let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
                parsed[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            let rule = WatchRule(name: name, tenantID: try tenant.map(tenantID), kind: WatchRule.Kind(rawValue: kind)!, options: parsed)
            try await common.withRuntime(label: "holdfast.watch", [actor]) { runtime in
                try await WatchRuleStore(client: runtime.postgres).add(rule, actor: runtime.configuration.actor)
            }
            print("Added watch rule \(name) (\(kind)).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rules.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let rules = try await common.withRuntime(label: "holdfast.watch") { try await WatchRuleStore(client: $0.postgres).rules() }
            for rule in rules {
                let options = rule.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print("\(rule.name)\t\(rule.kind.rawValue)\t\(rule.tenantID?.uuidString.lowercased() ?? "all tenants")\t\(options)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a rule.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions

        @Argument(help: "The rule's name.") var name: String

        func run() async throws {
            guard try await common.withRuntime(label: "holdfast.watch", [actor], { try await WatchRuleStore(client: $0.postgres).remove(name: name, actor: $0.configuration.actor) }) else {
                throw ValidationError("no watch rule is named '\(name)'")
            }
            print("Removed watch rule \(name).")
        }
    }
}
