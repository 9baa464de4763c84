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

    @Option(name: .customLong("api-tls-certificate"), help: "Serve HTTPS with this PEM certificate chain (with --api-tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("api-tls-key"), help: "The PEM private key of --api-tls-certificate.")
    var tlsKey: String?

    @Option(name: .customLong("api-pool-size"), help: "PostgreSQL connections of the API's own pool (default: 5).")
    var poolSize: String?

    @Option(name: .customLong("api-request-timeout"), help: "Seconds after which an API request is stopped (default: 120).")
    var requestTimeout: String?

    @Option(name: .customLong("api-idle-timeout"), help: "Seconds after which an idle API connection is closed (default: 30).")
    var idleTimeout: String?

    @Option(name: .customLong("api-expensive-per-minute"),
            help: "Expensive calls (reports, diffs, histories, plans, SLA history) one key may make per minute (default: 20).")
    var expensivePerMinute: String?

    @Flag(name: .customLong("api-accept-legacy-key-hashes"),
          help: "Accept API keys created before keyed hashes, re-hashing each on its first use (docs/api.md, Upgrading API keys).")
    var acceptsLegacyKeyHashes = false

    @Option(name: .customLong("console"), help: "Serve the operator console under /console on the API's listener: true or false (default: true; docs/console.md).")
    var console: String?

    @Option(name: .customLong("console-origin"),
            help: "The origin browsers reach the console at, e.g. https://holdfast.example.com (default: the request's own host, plain HTTP).")
    var consoleOrigin: String?

    @Option(name: .customLong("console-idle-timeout"), help: "Seconds without a request that end a console session (default: 1800).")
    var consoleIdleTimeout: String?

    @Option(name: .customLong("console-session-lifetime"), help: "Seconds after sign-in that end a console session (default: 43200).")
    var consoleSessionLifetime: String?

    var flagValues: [String: String] {
        Self.given([.apiListen: listen, .apiMaxBodyBytes: maxBodyBytes, .apiTLSCertificate: tlsCertificate, .apiTLSKey: tlsKey,
                    .apiPoolSize: poolSize, .apiRequestTimeout: requestTimeout, .apiIdleTimeout: idleTimeout,
                    .apiExpensivePerMinute: expensivePerMinute, .apiAcceptLegacyKeyHashes: acceptsLegacyKeyHashes ? "true" : nil,
                    .consoleEnabled: console, .consoleOrigin: consoleOrigin, .consoleIdleTimeout: consoleIdleTimeout,
                    .consoleSessionLifetime: consoleSessionLifetime])
    }
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
