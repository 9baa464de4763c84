import ArgumentParser
import HoldfastRuntime
import Compliance
import Foundation
import Logging
import Tenancy

/// `holdfast sla`: the fleet's SLA, worst first.
struct SLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla",
        abstract: "Show every tenant's SLA (RPO, backup success, validation), worst first.",
        discussion: """
            Computed now from snapshots, backup history and validations (docs/sla.md). The coordinator's \
            leader records changes of state on its own interval; --record records this evaluation too.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var common: CommonOptions

    @Option(help: "Only this partner's tenants (name or id).") var partner: String?
    @Option(help: "Only this tenant (id).") var tenant: String?
    @Option(help: "text or json.") var format: Format = .text
    @Flag(help: "Record changes of state (as the coordinator's leader does) before showing.") var record = false

    func validate() throws {
        if let tenant { _ = try tenantID(tenant) }
        if partner != nil && tenant != nil { throw ValidationError("give --partner or --tenant, not both") }
        if record && (partner != nil || tenant != nil) { throw ValidationError("--record evaluates every tenant; drop --partner/--tenant") }
    }

    func run() async throws {
        let assessments = try await common.withRuntime(label: "holdfast.sla") { runtime in
            let client = runtime.postgres, logger = runtime.logger
            let evaluator = SLAEvaluator(client: client, enqueueChecks: .holdfast, logger: logger)
            if record { return try await evaluator.evaluateAndRecord().assessments }
            let scope: SLAScope
            if let partner {
                scope = .partner(try await TenantRegistry(client: client, logger: logger).partner(reference: partner).id)
            } else if let tenant {
                scope = .tenant(try tenantID(tenant))
            } else {
                scope = .all
            }
            return try await evaluator.assess(scope: scope)
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(assessments), as: UTF8.self))
        case .text:
            print(SLATable.render(assessments))
        }
    }
}

/// The text table `holdfast sla` prints.
enum SLATable {
    static func render(_ assessments: [SLAAssessment]) -> String {
        var lines = [
            ["STATE", "TENANT", "PARTNER", "POLICY", "NEWEST SNAPSHOT (UTC)", "AGE/RPO", "OK 30D", "LAST VALIDATION", "RESTORE", "SINCE (UTC)", "REASONS"]
        ]
        for assessment in assessments {
            lines.append([
                assessment.state.rawValue, assessment.tenantName, assessment.partnerName ?? "-", assessment.policyName,
                assessment.newestSnapshotAt.map(ComplianceDates.iso8601) ?? "none",
                "\(hours(assessment.snapshotAgeSeconds))/\(hours(assessment.rpoTargetSeconds))",
                assessment.successRate30Days.map { "\(Int(($0 * 100).rounded())) %" } ?? "-",
                assessment.lastPassedValidationAt.map(ComplianceDates.iso8601) ?? "never",
                assessment.lastRestoreSeconds.map { String(format: "%.1f s", $0) } ?? "-",
                assessment.since.map(ComplianceDates.iso8601) ?? "-",
                assessment.reasons.map(\.rawValue).joined(separator: ","),
            ])
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        let table = lines.map { row in
            zip(row, widths).map { $0.padding($1) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let counts = Dictionary(grouping: assessments, by: \.state).mapValues(\.count)
        let summary = "\(assessments.count) tenants: \(counts[.breached] ?? 0) breached, \(counts[.atRisk] ?? 0) at risk, \(counts[.ok] ?? 0) ok"
        return (table + [summary]).joined(separator: "\n")
    }

    static func hours(_ seconds: Double) -> String {
        seconds < 3600 ? "\(Int(seconds / 60))m" : String(format: "%.1fh", seconds / 3600)
    }
}
