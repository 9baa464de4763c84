import Foundation
import Mustache

extension ComplianceReport {
    /// A self-contained, printable HTML page (no scripts, no external resources), rendered from
    /// `Resources/report.mustache`: Mustache escapes every value, so a hostile tenant or partner
    /// name cannot add markup. The output is deterministic, as signing the bytes needs.
    public func renderedHTML() -> String {
        ReportTemplate.html.render(HTMLView(self))
    }
}

/// The report's template, embedded in the binary (SwiftPM `embedInCode`) and parsed once.
enum ReportTemplate {
    static let html: MustacheTemplate = {
        do {
            return try MustacheTemplate(string: String(decoding: PackageResources.report_mustache, as: UTF8.self))
        } catch {
            // Only an edit to the embedded template gets here; every report test renders it.
            preconditionFailure("the embedded report template does not parse: \(error)")
        }
    }()
}

/// What `report.mustache` shows, every value already formatted as text. Stored properties only:
/// Mustache reads values through `Mirror`.
struct HTMLView {
    var format: String
    var reportID: String
    var generator: String
    var signingKeyID: String
    var signingKey: String
    var scopeName: String
    var scopeKind: String
    var scopeID: String
    var firstDay: String
    var lastDay: String
    var periodStart: String
    var periodEnd: String
    var generatedAt: String
    var tenants: [Tenant]

    struct Tenant {
        var id: String
        var name: String
        var entraTenantID: String?
        var status: String
        var protectedSince: String
        // The summary row.
        var policy: String
        var rpoTarget: String
        var adherence: String
        var breachCount: String
        var backups: String
        var validations: String
        var newestRestorePoint: String
        var legalHold: String
        // The tenant's section.
        var facts: [Fact]
        var hasBreaches: Bool
        var breaches: [Breach]
        var hasValidations: Bool
        var validationRuns: [ValidationRun]
    }

    struct Fact {
        var name: String
        var value: String
    }

    struct Breach {
        var start: String
        var end: String
        var duration: String
    }

    struct ValidationRun {
        var startedAt: String
        var snapshotID: String
        var result: String
        var resultClass: String
        var restoreTime: String
        var failedChecks: String
    }

    init(_ report: ComplianceReport) {
        format = report.format
        reportID = report.reportID
        generator = report.generator
        signingKeyID = report.signingKeyID ?? "unsigned"
        signingKey = report.signingKeyID ?? "none: this report is not signed"
        scopeName = report.scope.name
        scopeKind = report.scope.kind
        scopeID = report.scope.id
        firstDay = Self.day(report.periodStart)
        lastDay = Self.day(report.periodEnd)
        periodStart = ComplianceDates.iso8601(report.periodStart)
        periodEnd = ComplianceDates.iso8601(report.periodEnd)
        generatedAt = ComplianceDates.iso8601(report.generatedAt)
        tenants = report.tenants.map(Self.tenant)
    }

    private static func tenant(_ tenant: ComplianceReport.TenantSection) -> Tenant {
        let policy = tenant.policy
        let history = tenant.slaHistory
        let points = tenant.restorePoints
        let immutability = tenant.immutability
        let facts = [
            Fact(name: "Policy", value: "\(policy.name): backup every \(hours(policy.backupIntervalSeconds)), RPO \(hours(policy.rpoTargetSeconds)), "
                + "validation every \(hours(policy.validationIntervalSeconds))"),
            Fact(name: "Retention", value: points.retention),
            Fact(name: "Backups", value: "\(tenant.backups.scheduled) scheduled, \(tenant.backups.succeeded) succeeded, \(tenant.backups.partial) partial, "
                + "\(tenant.backups.failed) failed (\(tenant.backups.failedAttempts) failed attempts)"),
            Fact(name: "RPO adherence", value: tenant.rpo.adherence.map {
                "\(ComplianceReport.number($0 * 100)) % of \(hours(tenant.rpo.measuredSeconds)) measured; \(hours(tenant.rpo.breachedSeconds)) out of RPO"
            } ?? "not measured in this period"),
            Fact(name: "SLA history", value: "current \(history.currentState ?? "not evaluated"); at risk \(hours(history.atRiskSeconds)), "
                + "breached \(hours(history.breachedSeconds)), changes recorded: \(history.changes)"),
            Fact(name: "Restore points", value: "\(points.count); oldest \(points.oldest.map(ComplianceDates.iso8601) ?? "none"), "
                + "newest \(points.newest.map(ComplianceDates.iso8601) ?? "none")"),
            Fact(name: "Immutability", value: "window \(hours(immutability.windowSeconds)); legal hold "
                + (immutability.legalHold ? "yes (\(immutability.legalHoldReason ?? ""))" : "no")),
            Fact(name: "Encryption", value: "\(tenant.encryption.algorithm); " + (tenant.encryption.dataKeys.isEmpty ? "no data key"
                : tenant.encryption.dataKeys.map { "data key \($0.dataKeyID) under master key \($0.masterKeyID)" }.joined(separator: "; "))),
            Fact(name: "Credentials", value: tenant.credentials.isEmpty ? "none" : tenant.credentials.map {
                "\($0.clientID) (\($0.kind)) expires \($0.expiresAt.map(ComplianceDates.iso8601) ?? "never")"
            }.joined(separator: "; ")),
        ]
        return Tenant(
            id: tenant.tenantID, name: tenant.tenantName, entraTenantID: tenant.entraTenantID, status: tenant.status,
            protectedSince: ComplianceDates.iso8601(tenant.protectedSince),
            policy: policy.name, rpoTarget: hours(policy.rpoTargetSeconds),
            adherence: tenant.rpo.adherence.map { ComplianceReport.number($0 * 100) + " %" } ?? "not measured",
            breachCount: String(tenant.rpo.breaches.count),
            backups: "\(tenant.backups.succeeded) / \(tenant.backups.partial) / \(tenant.backups.failed)",
            validations: "\(tenant.validations.passed) of \(tenant.validations.run)",
            newestRestorePoint: points.newest.map(ComplianceDates.iso8601) ?? "none",
            legalHold: immutability.legalHold ? "yes" : "no",
            facts: facts,
            hasBreaches: !tenant.rpo.breaches.isEmpty,
            breaches: tenant.rpo.breaches.map {
                Breach(start: ComplianceDates.iso8601($0.start), end: ComplianceDates.iso8601($0.end) + ($0.ongoing ? " (ongoing)" : ""),
                       duration: hours($0.durationSeconds))
            },
            hasValidations: !tenant.validations.runs.isEmpty,
            validationRuns: tenant.validations.runs.map {
                ValidationRun(startedAt: ComplianceDates.iso8601($0.startedAt), snapshotID: $0.snapshotID.map(String.init) ?? "",
                              result: $0.passed ? "passed" : "failed", resultClass: $0.passed ? "ok" : "breached",
                              restoreTime: $0.restoreSeconds.map { ComplianceReport.number($0) + " s" } ?? "",
                              failedChecks: $0.failedChecks.joined(separator: ", "))
            })
    }

    private static func day(_ date: Date) -> String {
        String(ComplianceDates.iso8601(date).prefix(10))
    }

    private static func hours(_ seconds: Double) -> String {
        seconds >= 86_400 && seconds.truncatingRemainder(dividingBy: 86_400) == 0
            ? "\(ComplianceReport.number(seconds / 86_400)) d" : "\(ComplianceReport.number(seconds / 3600)) h"
    }
}
