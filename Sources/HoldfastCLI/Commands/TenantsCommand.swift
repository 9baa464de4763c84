import ArgumentParser
import HoldfastRuntime
import Cryptography
import Foundation
import Graph
import HTTP
import Logging
import Postgres
import Tenancy

/// `holdfast tenants`: onboarding and the lifecycle of customer tenants.
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Onboard customer tenants and manage their status and credentials.",
        discussion: """
            TENANT is Holdfast's tenant id, the Entra tenant id or the primary domain. Every change is written \
            to the audit log (actor: --actor, else $HOLDFAST_ACTOR, else cli:$USER). Secrets are read from files or standard input only.

            \(KeysCommand.keyHelp)
            Graph and the token service: HOLDFAST_GRAPH_BASE_URL and HOLDFAST_LOGIN_BASE_URL (default: the global cloud).
            """,
        subcommands: [Add.self, Import.self, List.self, Show.self, Update.self, Suspend.self, Resume.self, Offboard.self,
                      LegalHoldCommand.Hold.self, LegalHoldCommand.Release.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a tenant: sign in, probe every permission backup and restore need, and activate it if backups can run.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var credential: CredentialOptions

        @Argument(help: "The Entra tenant id (GUID) or a verified domain (contoso.onmicrosoft.com).")
        var directory: String

        @Option(name: .customLong("name"), help: "Display name.") var name: String
        @Option(name: .customLong("partner"), help: "The partner (reseller or the MSP) owning the tenant; created on first use.")
        var partner: String?
        @Option(name: .customLong("policy"), help: "The backup policy's name.") var policy = "standard"
        @Option(name: .customLong("size"), help: "Graph size class: S (<50 users), M (50-500), L (>500).") var size = "S"
        @Flag(name: .customLong("scratch"), help: "A scratch tenant for restore drills: the only kind a drill writes into (never a customer's).")
        var scratch = false

        func validate() throws {
            let text = directory.trimmingCharacters(in: .whitespaces)
            if UUID(uuidString: text) == nil && (!text.contains(".") || text.contains(" ") || text.contains("/")) {
                throw ValidationError("TENANT must be the Entra tenant id (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47) or a domain, not '\(directory)'.")
            }
            guard credential.clientID != nil else { throw ValidationError("--client-id is required.") }
            guard credential.isGiven else {
                throw ValidationError("give a credential: --client-secret-file, --client-secret-stdin, --certificate or --pkcs12.")
            }
            guard ["S", "M", "L"].contains(size) else { throw ValidationError("--size must be S, M or L.") }
        }

        func run() async throws {
            let newCredential = try credential.credential()
            try await TenantsCommand.withOnboarding(common, actor) { onboarding, runtime in
                let outcome = try await TenantsCommand.reportingFailures(runtime) {
                    try await onboarding.add(TenantOnboarding.Request(
                        directory: directory, displayName: name, partnerName: partner, policyName: policy, sizeClass: size,
                        credential: newCredential, scratch: scratch), actor: runtime.configuration.actor)
                }
                print("Added tenant \(outcome.tenant.id.uuidString.lowercased()) '\(outcome.tenant.displayName)' (Entra \(outcome.tenant.entraTenantID?.uuidString.lowercased() ?? "?")).")
                TenantsCommand.printOutcome(outcome)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List tenants with status, reason, partner, policy and credential expiry.")

        @OptionGroup var common: CommonOptions

        @Option(name: .customLong("status"), help: "Only tenants in this status (\(TenantStatus.allCases.map(\.rawValue).joined(separator: ", "))).")
        var status: String?

        @Option(name: .customLong("expiring"), help: "Only tenants with a credential expiring within this period (30d, 12h), or expired.")
        var expiring: TimeSpan?

        func validate() throws {
            if let status, TenantStatus(rawValue: status) == nil {
                throw ValidationError("--status must be one of \(TenantStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }

        func run() async throws {
            try await common.withRuntime(label: "holdfast.tenants") { runtime in
                let client = runtime.postgres, logger = runtime.logger
                let registry = TenantRegistry(client: client, logger: logger)
                let rows = try await registry.overviews(status: status.flatMap(TenantStatus.init(rawValue:)),
                                                        expiringBefore: expiring.map { Date().addingTimeInterval($0.seconds) })
                TenantsCommand.printTable(rows)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a tenant, its credentials' metadata and its last permission probe.")

        @OptionGroup var common: CommonOptions
        @Argument(help: "The tenant.") var tenant: String

        func run() async throws {
            try await common.withRuntime(label: "holdfast.tenants") { runtime in
                let client = runtime.postgres, logger = runtime.logger
                let registry = TenantRegistry(client: client, logger: logger)
                let found = try await TenantsCommand.reportingFailures(runtime) { try await registry.tenant(reference: tenant) }
                guard let overview = try await registry.overviews(tenantID: found.id).first else { return }
                let t = overview.tenant
                print("Tenant:        \(t.id.uuidString.lowercased())")
                print("Name:          \(t.displayName)")
                print("Entra tenant:  \(t.entraTenantID?.uuidString.lowercased() ?? "-")   domain: \(t.primaryDomain ?? "-")")
                print("Status:        \(t.status.rawValue) since \(TenantsCommand.format(t.statusChangedAt)) — \(t.statusReason ?? "")")
                print("Partner:       \(overview.partnerName ?? "-")   policy: \(overview.policyName ?? "-")   size class: \(t.sizeClass)")
                // Metadata only: the sealed secret and key are never opened here.
                let credentials = try await TenantCredentialStore.credentials(tenantID: t.id, client: client)
                print("Credentials:")
                if credentials.isEmpty { print("  (none)") }
                for credential in credentials {
                    var line = "  \(credential.kind.rawValue) for \(credential.appKind.rawValue) client \(credential.clientID.uuidString.lowercased())"
                    line += ", expires \(credential.expiresAt.map(TenantsCommand.format) ?? "unknown")"
                    if let sha = credential.certificateSHA256 { line += ", x5t#S256 \(sha)" }
                    line += ", added \(TenantsCommand.format(credential.createdAt)) by \(credential.createdBy)"
                    print(line)
                }
                if let report = try await TenantProbeStore(client: client).lastReport(tenantID: t.id) {
                    print("Last probe:    \(TenantsCommand.format(report.probedAt))")
                    TenantsCommand.printReport(report)
                } else {
                    print("Last probe:    never")
                }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Change a tenant's name, policy or partner, replace its credential, or re-probe its permissions.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var credential: CredentialOptions
        @Argument(help: "The tenant.") var tenant: String

        @Option(name: .customLong("name"), help: "New display name.") var name: String?
        @Option(name: .customLong("policy"), help: "New policy (by name).") var policy: String?
        @Option(name: .customLong("partner"), help: "New partner (created on first use).") var partner: String?
        @Flag(name: .customLong("reprobe"), help: "Sign in again and re-check every permission (done anyway after a new credential).")
        var reprobe = false
        @Flag(inversion: .prefixedNo, help: "Mark (--scratch) or unmark (--no-scratch) the tenant as a scratch tenant for restore drills.")
        var scratch: Bool?

        func validate() throws {
            guard name != nil || policy != nil || partner != nil || credential.isGiven || reprobe || scratch != nil else {
                throw ValidationError("nothing to update: give --name, --policy, --partner, --scratch/--no-scratch, a credential or --reprobe.")
            }
            if credential.isGiven && credential.clientID == nil { throw ValidationError("--client-id is required with a credential.") }
        }

        func run() async throws {
            let newCredential = credential.isGiven ? try credential.credential() : nil
            try await TenantsCommand.withOnboarding(common, actor) { onboarding, runtime in
                let actor = runtime.configuration.actor
                let found = try await TenantsCommand.reportingFailures(runtime) { try await onboarding.registry.tenant(reference: tenant) }
                if name != nil || policy != nil || partner != nil {
                    try await TenantsCommand.reportingFailures(runtime) {
                        try await onboarding.registry.update(tenantID: found.id, displayName: name, policyName: policy,
                                                             partnerName: partner, actor: actor)
                    }
                    print("Updated tenant \(found.id.uuidString.lowercased()).")
                }
                if let scratch {
                    try await TenantsCommand.reportingFailures(runtime) {
                        try await onboarding.registry.setScratch(scratch, tenantID: found.id, actor: actor)
                    }
                    print(scratch ? "Tenant \(found.id.uuidString.lowercased()) is a scratch tenant: restore drills may write into it."
                                  : "Tenant \(found.id.uuidString.lowercased()) is no longer a scratch tenant.")
                }
                if let newCredential {
                    let summary = try await TenantsCommand.reportingFailures(runtime) {
                        try await onboarding.replaceCredential(newCredential, tenantID: found.id, actor: actor)
                    }
                    print("Stored a new \(summary.kind.rawValue) for client \(summary.clientID.uuidString.lowercased()).")
                }
                if reprobe || newCredential != nil {
                    let outcome = try await TenantsCommand.reportingFailures(runtime) {
                        try await onboarding.reprobe(tenantID: found.id, actor: actor)
                    }
                    TenantsCommand.printOutcome(outcome)
                }
            }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Stop scheduling a tenant's jobs (snapshots are kept).")

        @OptionGroup var target: TenantActionOptions
        @Option(name: .customLong("reason"), help: "Why (shown as the status reason).") var reason = "suspended by an operator"

        func run() async throws {
            try await target.common.withRuntime(label: "holdfast.tenants", [target.actor]) { runtime in
                let client = runtime.postgres, logger = runtime.logger
                let registry = TenantRegistry(client: client, logger: logger)
                let found = try await TenantsCommand.reportingFailures(runtime) { try await registry.tenant(reference: target.tenant) }
                guard found.status != .offboarded else { throw TenantsCommand.failure("tenant \(target.tenant) is offboarded") }
                let updated = try await registry.setStatus(.suspended, reason: reason, tenantID: found.id, actor: runtime.configuration.actor)
                print("Tenant \(updated.id.uuidString.lowercased()) is \(updated.status.rawValue): \(updated.statusReason ?? "").")
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Take a suspended tenant back (re-probes its permissions).")

        @OptionGroup var target: TenantActionOptions

        func run() async throws {
            try await TenantsCommand.withOnboarding(target.common, target.actor) { onboarding, runtime in
                let found = try await TenantsCommand.reportingFailures(runtime) { try await onboarding.registry.tenant(reference: target.tenant) }
                let outcome = try await TenantsCommand.reportingFailures(runtime) { try await onboarding.resume(tenantID: found.id, actor: runtime.configuration.actor) }
                TenantsCommand.printOutcome(outcome)
            }
        }
    }

    struct Offboard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "offboard",
            abstract: "Stop protecting a tenant for good: retire its credentials; rows and snapshots stay for audit and retention.")

        @OptionGroup var target: TenantActionOptions
        @Option(name: .customLong("reason"), help: "Why (shown as the status reason).") var reason = "offboarded by an operator"

        func run() async throws {
            try await TenantsCommand.withOnboarding(target.common, target.actor) { onboarding, runtime in
                let found = try await TenantsCommand.reportingFailures(runtime) { try await onboarding.registry.tenant(reference: target.tenant) }
                let updated = try await onboarding.offboard(tenantID: found.id, reason: reason, actor: runtime.configuration.actor)
                print("Tenant \(updated.id.uuidString.lowercased()) is \(updated.status.rawValue); its credentials are retired.")
            }
        }
    }

    // MARK: Shared

    /// What every status change takes: the database, logging, the actor and the tenant.
    struct TenantActionOptions: ParsableArguments {
        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @Argument(help: "The tenant: Holdfast's id, the Entra tenant id or the primary domain.") var tenant: String
    }

    static func failure(_ message: String) -> CommandFailure { CommandFailure(message) }

    /// Runs `body`, turning the errors an operator causes into one clear line.
    @discardableResult
    static func reportingFailures<T>(_ runtime: HoldfastRuntime, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as GraphAuthenticationError {
            var text = "sign-in to \(error.identity.tenant) as \(error.identity.clientID) failed (\(error.code)): \(error.message)"
            if error.code == .applicationNotFound {
                text += "\nGrant admin consent: \(PermissionReport.adminConsentURL(loginBaseURL: runtime.configuration.graph.loginBaseURL, tenant: error.identity.tenant, clientID: error.identity.clientID))"
            } else if error.code == .tenantNotFound {
                text += "\nCheck the tenant id or domain (and the cloud: HOLDFAST_LOGIN_BASE_URL)."
            } else if error.isCredentialInvalid {
                text += "\nFix the credential and run `holdfast tenants update TENANT --client-id … --client-secret-file …` (or --certificate)."
            }
            throw failure(text)
        } catch let error as TenancyError {
            throw failure(error.message)
        }
    }

    /// Runs `body` with onboarding over this process's database, master key and its one Graph client.
    static func withOnboarding(_ common: CommonOptions, _ actor: AuditActorOptions,
                               _ body: (TenantOnboarding, HoldfastRuntime) async throws -> Void) async throws {
        try await common.withRuntime(label: "holdfast.tenants", [actor]) { runtime in
            try await body(try runtime.onboarding(), runtime)
        }
    }

    static func printOutcome(_ outcome: TenantOnboarding.Outcome) {
        if let report = outcome.report { printReport(report) }
        print("Status: \(outcome.tenant.status.rawValue) — \(outcome.tenant.statusReason ?? "")")
    }

    static func printReport(_ report: PermissionReport) {
        print("Signed in to \(report.tenant) as app \(report.clientID); token roles: \(report.roles.map { $0.isEmpty ? "(none)" : "\($0.count)" } ?? "unreadable")")
        for purpose in [PermissionReport.Purpose.backup, .restore] {
            print(purpose == .backup ? "Backup permissions:" : "Restore permissions (from the token; not required for backups):")
            var order: [String] = []
            var byPermission: [String: [PermissionReport.Requirement]] = [:]
            for requirement in report.requirements where requirement.purpose == purpose {
                let key = requirement.anyOf.first ?? requirement.name
                if byPermission[key] == nil { order.append(key) }
                byPermission[key, default: []].append(requirement)
            }
            let width = order.map(\.count).max() ?? 0
            for permission in order {
                let requirements = byPermission[permission] ?? []
                let outcome: String
                if requirements.contains(where: { $0.outcome == .missing }) {
                    // Capitals where backups are blocked; restore gaps are reported, not alarming.
                    outcome = purpose == .backup ? "MISSING" : "missing"
                } else if requirements.allSatisfy({ $0.outcome == .granted }) {
                    outcome = "granted"
                } else {
                    outcome = "unknown"
                }
                let names = requirements.map(\.name).joined(separator: ", ")
                var line = "  \(outcome.padding(toLength: 8, withPad: " ", startingAt: 0)) \(permission.padding(toLength: width, withPad: " ", startingAt: 0))  \(names)"
                if let denied = requirements.first(where: { $0.outcome == .missing && $0.status == 403 }), let probe = denied.probe {
                    line += "  [\(probe) → 403 \(denied.detail?.split(separator: ":").first ?? "")]"
                }
                print(line)
            }
        }
        print("Admin consent: \(report.adminConsentURL)")
    }

    static func printTable(_ rows: [TenantOverview]) {
        let header = ["TENANT", "NAME", "STATUS", "PARTNER", "POLICY", "CREDENTIAL EXPIRES", "REASON"]
        let table = rows.map { row in
            [row.tenant.id.uuidString.lowercased(), row.tenant.displayName, row.tenant.status.rawValue, row.partnerName ?? "-",
             row.policyName ?? "-", row.credentialExpiresAt.map(format) ?? "-", row.tenant.statusReason ?? ""]
        }
        var widths = header.map(\.count)
        for line in table { for (index, cell) in line.enumerated() where index < header.count - 1 { widths[index] = max(widths[index], cell.count) } }
        for line in [header] + table {
            print(line.enumerated().map { index, cell in
                index == line.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  "))
        }
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
