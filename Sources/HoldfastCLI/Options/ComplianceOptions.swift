import ArgumentParser
import Compliance
import Foundation
import Logging
import Postgres
import Queue

/// The coordinator's SLA evaluation and scheduled report options (docs/sla.md, docs/reports.md).
struct ComplianceOptions: ParsableArguments {
    @Option(name: .customLong("sla-interval"), help: "Seconds between SLA evaluations by the leader (0: off).")
    var slaInterval = Seconds(60)

    @Option(name: .customLong("report-directory"),
            help: "Write scheduled compliance reports here (default: $HOLDFAST_REPORT_DIRECTORY; unset: no scheduled reports).")
    var reportDirectory: String?

    @Option(name: .customLong("report-partners"), help: "Comma-separated partner names or ids for scheduled reports (default: every partner).")
    var reportPartners: String?

    @Option(name: .customLong("report-period"), help: "daily, weekly or monthly: each run writes the last complete period.")
    var reportPeriod: ReportPeriodArgument = .monthly

    @Option(name: .customLong("report-formats"), help: "Comma-separated formats of scheduled reports: json, csv, html.")
    var reportFormats = "json,html"

    @Option(name: .customLong("report-signing-key"), help: "Ed25519 private key PEM that signs scheduled reports (default: $HOLDFAST_REPORT_SIGNING_KEY_FILE).")
    var reportSigningKey: String?

    func validate() throws {
        for name in reportFormats.split(separator: ",") where ReportFormat(rawValue: name.trimmingCharacters(in: .whitespaces)) == nil {
            throw ValidationError("--report-formats: unknown format '\(name)' (json, csv, html)")
        }
    }

    /// The leader's SLA and report tasks. Webhook events are enqueued when `HOLDFAST_WEBHOOK_URL`
    /// is set for the coordinator too (the workers deliver them).
    func leaderTasks(client: PostgresClient, metrics: TenantHealthMetrics, logger: Logger) throws -> [any MaintenanceTask] {
        let environment = ProcessInfo.processInfo.environment
        var tasks: [any MaintenanceTask] = []
        if slaInterval.duration > .zero {
            let webhooks = !(environment["HOLDFAST_WEBHOOK_URL"] ?? "").isEmpty
            let evaluator = SLAEvaluator(client: client, configuration: .init(sendsWebhooks: webhooks), logger: logger)
            tasks.append(SLAEvaluationTask(evaluator: evaluator, interval: slaInterval.duration, observer: metrics))
        }
        if let directory = reportDirectory ?? environment["HOLDFAST_REPORT_DIRECTORY"], !directory.isEmpty {
            let key = try signingKey()
            if key == nil {
                logger.warning("scheduled compliance reports are written unsigned: no HOLDFAST_REPORT_SIGNING_KEY_FILE")
            }
            let configuration = ScheduledReportTask.Configuration(
                directory: directory,
                partners: (reportPartners ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                period: reportPeriod.period,
                formats: reportFormats.split(separator: ",").compactMap { ReportFormat(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
            tasks.append(ScheduledReportTask(
                builder: ComplianceReportBuilder(client: client, generator: "holdfast \(HoldfastVersion.current)", logger: logger),
                configuration: configuration, signingKey: key, logger: logger))
        }
        return tasks
    }
}

extension ComplianceOptions {
    /// The key that signs reports, scheduled and served by the API: `--report-signing-key`, else
    /// `HOLDFAST_REPORT_SIGNING_KEY_FILE`; nil when neither is set.
    func signingKey() throws -> ReportSigningKey? {
        let path = reportSigningKey ?? ProcessInfo.processInfo.environment["HOLDFAST_REPORT_SIGNING_KEY_FILE"]
        return try path.flatMap { $0.isEmpty ? nil : try ReportSigningKey(pemFile: $0) }
    }
}

/// `--report-period daily|weekly|monthly`.
enum ReportPeriodArgument: String, ExpressibleByArgument, CaseIterable {
    case daily, weekly, monthly
    var period: ReportPeriod { ReportPeriod(rawValue: rawValue)! }
}
