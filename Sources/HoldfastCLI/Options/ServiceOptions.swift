import ArgumentParser
import HoldfastRuntime

/// `--metrics-port` / `--metrics-host`, for the long-running commands.
struct MetricsOptions: ParsableArguments, ConfigurationFlags {
    @Option(name: .customLong("metrics-port"),
            help: "Serve Prometheus metrics at http://HOST:PORT/metrics (default: $HOLDFAST_METRICS_PORT; unset: no endpoint).")
    var port: String?

    @Option(name: .customLong("metrics-host"), help: "Address the metrics endpoint listens on (default: 127.0.0.1).")
    var host: String?

    var flagValues: [String: String] { Self.given([.metricsPort: port, .metricsHost: host]) }
}

/// `--api-listen` and the API's limits, for `holdfast coordinator`.
struct APIOptions: ParsableArguments, ConfigurationFlags {
    @Option(name: .customLong("api-listen"),
            help: ArgumentHelp("Serve the HTTP API on HOST:PORT (e.g. 127.0.0.1:8080).",
                               discussion: "Default: $HOLDFAST_API_LISTEN; unset: no API. See docs/api.md."))
    var listen: String?

    @Option(name: .customLong("api-max-body-bytes"), help: "Largest request body the API accepts (default: 65536).")
    var maxBodyBytes: String?

    var flagValues: [String: String] { Self.given([.apiListen: listen, .apiMaxBodyBytes: maxBodyBytes]) }
}

/// The coordinator's SLA evaluation and scheduled report options (docs/sla.md, docs/reports.md).
struct ComplianceOptions: ParsableArguments, ConfigurationFlags {
    @Option(name: .customLong("sla-interval"), help: "Seconds between SLA evaluations by the leader (0: off; default: 60).")
    var slaInterval: String?

    @Option(name: .customLong("report-directory"),
            help: "Write scheduled compliance reports here (default: $HOLDFAST_REPORT_DIRECTORY; unset: no scheduled reports).")
    var reportDirectory: String?

    @Option(name: .customLong("report-partners"), help: "Comma-separated partner names or ids for scheduled reports (default: every partner).")
    var reportPartners: String?

    @Option(name: .customLong("report-period"), help: "daily, weekly or monthly: each run writes the last complete period (default: monthly).")
    var reportPeriod: String?

    @Option(name: .customLong("report-formats"), help: "Comma-separated formats of scheduled reports: json, csv, html (default: json,html).")
    var reportFormats: String?

    @Option(name: .customLong("report-signing-key"), help: "Ed25519 private key PEM that signs reports (default: $HOLDFAST_REPORT_SIGNING_KEY_FILE).")
    var reportSigningKey: String?

    var flagValues: [String: String] {
        Self.given([.slaInterval: slaInterval, .reportDirectory: reportDirectory, .reportPartners: reportPartners,
                    .reportPeriod: reportPeriod, .reportFormats: reportFormats, .reportSigningKeyFile: reportSigningKey])
    }
}
