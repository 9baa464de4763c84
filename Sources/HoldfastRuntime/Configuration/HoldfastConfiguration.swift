public import Compliance
public import Foundation
public import Logging
public import Queue
public import Vault

/// Everything a Holdfast process is configured with, read once by ``load(flags:environment:)``
/// from, in order of precedence, command-line flags, environment variables, the configuration
/// file (`--config FILE` / `HOLDFAST_CONFIG_FILE`, `KEY=value` lines) and the defaults below.
/// Secrets are never flags: they come from a `…_FILE` key naming a file (preferred) or from the
/// key itself, which is logged as a warning when it is in the environment.
///
/// Keys (environment variable = file key, flag, default); ``ConfigurationKey/all`` holds the same
/// list with descriptions, and `holdfast config check` prints the effective values:
///
/// - `HOLDFAST_CONFIG_FILE` (`--config`): unset
/// - `HOLDFAST_ACTOR` (`--actor`): `cli:$USER`
/// - `HOLDFAST_MIGRATIONS_DIR` (`--migrations-dir`): beside the executable, else the checkout's
/// - `HOLDFAST_DATABASE_URL` (`--database-url`): libpq's `PG*` variables
/// - `HOLDFAST_DATABASE_POOL_SIZE` (`--database-pool-size`): 10
/// - `HOLDFAST_LOG_LEVEL` (`--log-level`): info; `HOLDFAST_LOG_FORMAT` (`--log-format`): text
/// - `HOLDFAST_METRICS_PORT` (`--metrics-port`): unset; `HOLDFAST_METRICS_HOST` (`--metrics-host`): 127.0.0.1
/// - `HOLDFAST_API_LISTEN` (`--api-listen`): unset; `HOLDFAST_API_MAX_BODY_BYTES` (`--api-max-body-bytes`): 65536
/// - `HOLDFAST_CONSOLE` (`--console`): true; `HOLDFAST_CONSOLE_ORIGIN` (`--console-origin`): unset;
///   `HOLDFAST_CONSOLE_IDLE_TIMEOUT` (`--console-idle-timeout`): 1800; `HOLDFAST_CONSOLE_SESSION_LIFETIME`
///   (`--console-session-lifetime`): 43200
/// - `HOLDFAST_MASTER_KEY_FILE` or `HOLDFAST_MASTER_KEY` (secret): unset;
///   `HOLDFAST_PREVIOUS_MASTER_KEY_FILES`, `HOLDFAST_PREVIOUS_MASTER_KEYS` (secret): unset
/// - `HOLDFAST_BLOB_DIR` (`--blob-dir`) or `HOLDFAST_S3_BUCKET` with `HOLDFAST_S3_ENDPOINT`,
///   `HOLDFAST_S3_ACCESS_KEY_ID`, `HOLDFAST_S3_SECRET_ACCESS_KEY_FILE` or `HOLDFAST_S3_SECRET_ACCESS_KEY`
///   (secret), `HOLDFAST_S3_REGION` (us-east-1), `HOLDFAST_S3_PATH_STYLE` (true),
///   `HOLDFAST_S3_KEY_PREFIX` (empty), `HOLDFAST_S3_LOCK_MODE` (COMPLIANCE),
///   `HOLDFAST_S3_LOCK_GRANULARITY_SECONDS` (86400); neither: PostgreSQL
/// - `HOLDFAST_GRAPH_BASE_URL`, `HOLDFAST_LOGIN_BASE_URL`: Microsoft's global cloud
/// - `HOLDFAST_WEBHOOK_URL`: unset; `HOLDFAST_WEBHOOK_SECRET_FILE` or `HOLDFAST_WEBHOOK_SECRET`
///   (secret): required with a URL; `HOLDFAST_WEBHOOK_TIMEOUT`: 10
/// - `HOLDFAST_SLA_INTERVAL` (`--sla-interval`): 60; `HOLDFAST_REPORT_SIGNING_KEY_FILE`
///   (`--report-signing-key`), `HOLDFAST_REPORT_PUBLIC_KEY_FILE` (`--public-key`),
///   `HOLDFAST_REPORT_DIRECTORY` (`--report-directory`): unset; `HOLDFAST_REPORT_PARTNERS`
///   (`--report-partners`): every partner; `HOLDFAST_REPORT_PERIOD` (`--report-period`): monthly;
///   `HOLDFAST_REPORT_FORMATS` (`--report-formats`): json,html
/// - worker: `HOLDFAST_WORKER_CONCURRENCY` (`--concurrency`, 10), `HOLDFAST_WORKER_KINDS` (`--kinds`,
///   all), `HOLDFAST_WORKER_LEASE` (`--lease`, 30), `HOLDFAST_WORKER_HEARTBEAT` (`--heartbeat`,
///   lease/3), `HOLDFAST_WORKER_POLL` (`--poll`, 2), `HOLDFAST_WORKER_SHUTDOWN_TIMEOUT`
///   (`--shutdown-timeout`, 30), `HOLDFAST_WORKER_RETRY_BASE` (`--retry-base`, 15),
///   `HOLDFAST_WORKER_RETRY_MAX` (`--retry-max`, 3600), `HOLDFAST_WORKER_MAX_RUN_TIME`
///   (`--max-run-time`, none), `HOLDFAST_DRILL_SCRATCH_TENANT` (`--drill-scratch-tenant`, none)
/// - coordinator: `HOLDFAST_LEADER_LEASE` (`--leader-lease`, 15), `HOLDFAST_RESCUE_INTERVAL`
///   (`--rescue-interval`, 5), `HOLDFAST_PROMOTE_INTERVAL` (`--promote-interval`, 1),
///   `HOLDFAST_PRUNE_INTERVAL` (`--prune-interval`, 300), `HOLDFAST_JOB_RETENTION_DAYS`
///   (`--retention-days`, 7), `HOLDFAST_SCHEDULE_INTERVAL` (`--schedule-interval`, 15),
///   `HOLDFAST_CREDENTIAL_WARNING_DAYS` (`--credential-warning-days`, 30),
///   `HOLDFAST_CREDENTIAL_CHECK_INTERVAL` (`--credential-check-interval`, 21600)
public struct HoldfastConfiguration: Sendable {
    /// The configuration file read, if any.
    public var configFile: String?
    /// Who the audit log names for a change made from the CLI.
    public var actor: String
    /// Where the SQL migrations are; nil: located beside the executable or in the checkout.
    public var migrationsDirectory: String?
    public var database: Database
    public var logging: Logging
    public var metrics: Metrics
    public var api: API
    public var masterKeys: MasterKeys
    public var blobStore: BlobStore
    public var graph: Graph
    /// nil: no webhook.
    public var webhook: Webhook?
    public var compliance: Compliance
    public var worker: Worker
    public var coordinator: Coordinator

    public struct Database: Sendable {
        /// A libpq URL or connection string; empty: libpq's `PG*` variables.
        public var url: String
        public var poolSize: Int
    }

    public enum LogFormat: String, Sendable, CaseIterable {
        case text, json
    }

    public struct Logging: Sendable {
        public var level: Logger.Level
        public var format: LogFormat
    }

    public struct Metrics: Sendable {
        /// nil: no metrics endpoint.
        public var port: Int?
        public var host: String
    }

    public struct API: Sendable {
        /// Host and port to serve on; nil: no API.
        public var listen: (host: String, port: Int)?
        public var maxBodyBytes: Int
        /// PEM paths; nil: plain HTTP.
        public var tls: (certificate: String, key: String)?
        public var poolSize: Int
        public var requestTimeout: Duration
        public var idleTimeout: Duration
        public var expensivePerMinute: Int
        public var acceptsLegacyKeyHashes: Bool
        /// The operator console on the same listener; nil: not served.
        public var console: ConsoleSettings?
    }

    /// The operator console's settings (docs/console.md).
    public struct ConsoleSettings: Sendable {
        /// `https://host[:port]` or `http://…` as browsers send it in `Origin`; nil: the request's own host.
        public var origin: String?
        public var idleTimeout: Duration
        public var sessionLifetime: Duration
    }

    /// A secret: a file that holds it, or the value itself. Its description never shows the value.
    public enum Secret: Sendable, CustomStringConvertible {
        case file(String)
        case value(String)

        public var description: String {
            switch self {
            case .file(let path): "file \(path)"
            case .value: "<redacted>"
            }
        }

        /// The secret's text; a file's trailing newline is dropped.
        public func read() throws(ConfigurationError) -> String {
            switch self {
            case .value(let text):
                return text
            case .file(let path):
                var text: String
                do {
                    text = try String(contentsOfFile: path, encoding: .utf8)
                } catch {
                    throw ConfigurationError(.fileUnreadable, "cannot read the secret file \(path): \(ConfigurationSources.reason(error))", underlying: error)
                }
                while let last = text.last, last.isNewline || last == " " || last == "\t" { text.removeLast() }
                return text
            }
        }
    }

    public struct MasterKeys: Sendable {
        /// The current key; nil: none configured (no backups, restores or onboarding).
        public var current: Secret?
        /// Older keys still wrapping some data keys.
        public var previous: [Secret]
    }

    public enum BlobStore: Sendable {
        /// The `vault_blobs` table.
        case postgres
        /// Files under a directory, leaving `minimumFreeBytes` free on its file system.
        case directory(String, minimumFreeBytes: Int64)
        case s3(S3Settings)
    }

    /// An S3 blob store's settings; the secret access key is read (from its file) when the
    /// store is built, so `store.secretAccessKey` is empty until then.
    public struct S3Settings: Sendable {
        public var store: S3BlobStore.Configuration
        public var secret: Secret

        /// The store's configuration with its secret access key.
        public func resolved() throws(ConfigurationError) -> S3BlobStore.Configuration {
            var configuration = store
            configuration.secretAccessKey = try secret.read()
            return configuration
        }
    }

    public struct Graph: Sendable {
        public var graphBaseURL: String
        public var loginBaseURL: String
    }

    public struct Webhook: Sendable {
        public var url: String
        public var secret: Secret
        public var timeout: Duration
    }

    public struct Compliance: Sendable {
        /// Zero: the leader evaluates no SLAs.
        public var slaInterval: Duration
        public var signingKeyFile: String?
        public var publicKeyFile: String?
        /// nil: no scheduled reports.
        public var reportDirectory: String?
        /// Names or ids; empty: every partner.
        public var reportPartners: [String]
        public var reportPeriod: ReportPeriod
        public var reportFormats: [ReportFormat]
    }

    public struct Worker: Sendable {
        public var concurrency: Int
        /// Slots only interactive jobs (restores, manual backups, webhooks) may take.
        public var interactiveSlots: Int
        /// nil: every kind with a handler.
        public var kinds: [JobKind]?
        public var lease: Duration
        public var heartbeat: Duration
        public var poll: Duration
        public var shutdownTimeout: Duration
        public var retryBase: Duration
        public var retryMax: Duration
        public var maximumRunTimes: [JobKind: Duration]
        public var drillScratchTenant: UUID?
    }

    public struct Coordinator: Sendable {
        public var leaderLease: Duration
        public var rescueInterval: Duration
        public var promoteInterval: Duration
        public var pruneInterval: Duration
        public var jobRetention: Duration
        public var scheduleInterval: Duration
        public var credentialWarning: Duration
        public var credentialCheckInterval: Duration
    }
}
