// Every key Holdfast reads. A key added here must be documented in docs/configuration.md
// (ConfigurationDocumentationTests fails otherwise) and read in HoldfastConfiguration+Reading.swift.
extension ConfigurationKey {
    // MARK: General
    public static let configFile = ConfigurationKey(
        "HOLDFAST_CONFIG_FILE", flag: "--config", default: "unset: no file", section: .general,
        "A configuration file of `KEY=value` lines (the format of systemd's `EnvironmentFile`; `#` starts a comment) holding any key below but this one. Flags and environment variables win over it.")
    public static let actor = ConfigurationKey(
        "HOLDFAST_ACTOR", flag: "--actor", default: "`cli:$USER`", section: .general,
        "Who the audit log records as making a change from the CLI.")
    public static let migrationsDirectory = ConfigurationKey(
        "HOLDFAST_MIGRATIONS_DIR", flag: "--migrations-dir", default: "`../share/holdfast/migrations` beside the executable, else the checkout's `migrations/`",
        section: .general, "Where the numbered SQL migration files are (`holdfast migrate`, the API's `/readyz`).")

    // MARK: Database
    public static let databaseURL = ConfigurationKey(
        "HOLDFAST_DATABASE_URL", flag: "--database-url", default: "libpq's `PG*` variables", section: .database,
        "PostgreSQL URL (`postgresql://user@host:5432/db?sslmode=require`) or key=value connection string; every libpq option works. A password in it is shown as `***`; prefer `.pgpass` or `PGPASSWORD`.")
    public static let databasePoolSize = ConfigurationKey(
        "HOLDFAST_DATABASE_POOL_SIZE", flag: "--database-pool-size", default: "10", section: .database,
        "Most PostgreSQL connections one process opens (1-500).")

    // MARK: Logging and metrics
    public static let logLevel = ConfigurationKey(
        "HOLDFAST_LOG_LEVEL", flag: "--log-level", default: "`info`", section: .logging,
        "trace, debug, info, notice, warning, error or critical.")
    public static let logFormat = ConfigurationKey(
        "HOLDFAST_LOG_FORMAT", flag: "--log-format", default: "`text`", section: .logging,
        "`text` (`key=value`) or `json` (one object per line); logs go to standard error.")
    public static let metricsPort = ConfigurationKey(
        "HOLDFAST_METRICS_PORT", flag: "--metrics-port", default: "unset: no endpoint", section: .logging,
        "Serve Prometheus text at `/metrics` (and `/health`) on this port (worker, coordinator).")
    public static let metricsHost = ConfigurationKey(
        "HOLDFAST_METRICS_HOST", flag: "--metrics-host", default: "`127.0.0.1`", section: .logging,
        "Address the metrics endpoint listens on. Loopback unless set: metrics are unauthenticated; give `0.0.0.0` (or a pod/host address) where Prometheus scrapes from another host.")

    // MARK: HTTP API
    public static let apiListen = ConfigurationKey(
        "HOLDFAST_API_LISTEN", flag: "--api-listen", default: "unset: no API", section: .api,
        "Serve the HTTP API from the coordinator on `HOST:PORT` (`127.0.0.1:8080`; `:8080` is loopback too; `0.0.0.0:8080` for every address); see docs/api.md.")
    public static let apiMaxBodyBytes = ConfigurationKey(
        "HOLDFAST_API_MAX_BODY_BYTES", flag: "--api-max-body-bytes", default: "65536", section: .api,
        "Largest request body the API accepts (1024-67108864; 413 `body_too_large` beyond).")
    public static let apiTLSCertificate = ConfigurationKey(
        "HOLDFAST_API_TLS_CERTIFICATE", flag: "--api-tls-certificate", default: "unset: plain HTTP", section: .api,
        "PEM certificate chain: the API serves HTTPS itself (with `HOLDFAST_API_TLS_KEY`). Without TLS on a non-loopback address a warning is logged.")
    public static let apiTLSKey = ConfigurationKey(
        "HOLDFAST_API_TLS_KEY", flag: "--api-tls-key", default: "unset", section: .api,
        "The PEM private key of `HOLDFAST_API_TLS_CERTIFICATE`; refused (`config check`, and at start) when its group or others can read it.")
    public static let apiPoolSize = ConfigurationKey(
        "HOLDFAST_API_POOL_SIZE", flag: "--api-pool-size", default: "5", section: .api,
        "PostgreSQL connections of the API's own pool (1-100): however busy the API, the leader keeps the connections it renews its lease with.")
    public static let apiRequestTimeout = ConfigurationKey(
        "HOLDFAST_API_REQUEST_TIMEOUT", flag: "--api-request-timeout", default: "120", section: .api,
        "Seconds after which an API request is stopped (503 `request_timeout`; at least 1).")
    public static let apiIdleTimeout = ConfigurationKey(
        "HOLDFAST_API_IDLE_TIMEOUT", flag: "--api-idle-timeout", default: "30", section: .api,
        "Seconds after which an idle API connection is closed (at least 1).")
    public static let apiExpensivePerMinute = ConfigurationKey(
        "HOLDFAST_API_EXPENSIVE_PER_MINUTE", flag: "--api-expensive-per-minute", default: "20", section: .api,
        "Expensive calls (reports, live diffs, histories, restore plans, SLA history) one API key may make per minute (1-100000; 429 beyond).")
    public static let apiAcceptLegacyKeyHashes = ConfigurationKey(
        "HOLDFAST_API_ACCEPT_LEGACY_KEY_HASHES", flag: "--api-accept-legacy-key-hashes", default: "`false`", section: .api,
        "`true`: accept API keys created before keys were hashed under the master key, re-hashing each on first use (docs/api.md, Upgrading API keys).")

    // MARK: Operator console
    public static let consoleEnabled = ConfigurationKey(
        "HOLDFAST_CONSOLE", flag: "--console", default: "true", section: .api,
        "Serve the operator console under `/console` on the API's listener (needs `HOLDFAST_API_LISTEN`; users come from `holdfast users add`); `false` serves the API alone. See docs/console.md.")
    public static let consoleOrigin = ConfigurationKey(
        "HOLDFAST_CONSOLE_ORIGIN", flag: "--console-origin", default: "unset: the request's own host, plain HTTP", section: .api,
        "The origin browsers reach the console at (`https://holdfast.example.com`): form posts from any other origin are refused, and an `https` origin makes the session cookie `Secure` and `__Host-` prefixed. Set it whenever a TLS proxy is in front.")
    public static let consoleIdleTimeout = ConfigurationKey(
        "HOLDFAST_CONSOLE_IDLE_TIMEOUT", flag: "--console-idle-timeout", default: "1800 (30 min)", section: .api,
        "Seconds without a request after which a console session ends (60-86400).")
    public static let consoleSessionLifetime = ConfigurationKey(
        "HOLDFAST_CONSOLE_SESSION_LIFETIME", flag: "--console-session-lifetime", default: "43200 (12 h)", section: .api,
        "Seconds after sign-in at which a console session ends however busy (300-604800).")

    // MARK: Master keys
    public static let masterKeyFile = ConfigurationKey(
        "HOLDFAST_MASTER_KEY_FILE", default: "unset", section: .keys,
        "File holding the current master key (`openssl rand -base64 32`), mode 600 or stricter: a group- or world-readable file is refused. Without a master key a worker runs no backups and the API answers 503 for snapshot reads, restores and onboarding. See docs/security.md.")
    public static let masterKey = ConfigurationKey(
        "HOLDFAST_MASTER_KEY", default: "unset", secret: true, section: .keys,
        "The current master key in base64, instead of a file (set one, not both).")
    public static let previousMasterKeyFiles = ConfigurationKey(
        "HOLDFAST_PREVIOUS_MASTER_KEY_FILES", default: "unset", section: .keys,
        "Files of older master keys still needed while `holdfast keys rotate` re-wraps data keys, separated by `:` or `,`.")
    public static let previousMasterKeys = ConfigurationKey(
        "HOLDFAST_PREVIOUS_MASTER_KEYS", default: "unset", secret: true, section: .keys,
        "Older master keys in base64, separated by `,`.")

    // MARK: Blob store
    public static let blobDirectory = ConfigurationKey(
        "HOLDFAST_BLOB_DIR", flag: "--blob-dir", default: "unset: blobs in PostgreSQL (`vault_blobs`)", section: .blobStore,
        "Store sealed blobs as files under this directory. Not together with `HOLDFAST_S3_BUCKET`.")
    public static let blobDirectoryMinimumFree = ConfigurationKey(
        "HOLDFAST_BLOB_DIR_MIN_FREE_MB", default: "1024", section: .blobStore,
        "Megabytes a write into `HOLDFAST_BLOB_DIR` must leave free on its file system; a backup that would go below fails (`storageFull`) and writes nothing, rather than fill a disk others share. 0 turns the check off.")
    public static let s3Bucket = ConfigurationKey(
        "HOLDFAST_S3_BUCKET", default: "unset: no S3", section: .blobStore,
        "Store sealed blobs in this S3 (or S3-compatible) bucket, at `<prefix>tenants/<tenant id>/<blob id>`; the endpoint, access key id and secret are then required. For Object Lock the bucket must be created with Object Lock enabled (docs/backup.md, \"S3 and Object Lock\").")
    public static let s3Endpoint = ConfigurationKey(
        "HOLDFAST_S3_ENDPOINT", default: "required with a bucket", section: .blobStore,
        "`https://s3.eu-west-1.amazonaws.com`, `http://minio:9000`.")
    public static let s3AccessKeyID = ConfigurationKey(
        "HOLDFAST_S3_ACCESS_KEY_ID", default: "required with a bucket", section: .blobStore, "Access key id for SigV4.")
    public static let s3SecretAccessKeyFile = ConfigurationKey(
        "HOLDFAST_S3_SECRET_ACCESS_KEY_FILE", default: "required with a bucket (or the next key)", section: .blobStore,
        "File holding the secret access key (trailing whitespace trimmed).")
    public static let s3SecretAccessKey = ConfigurationKey(
        "HOLDFAST_S3_SECRET_ACCESS_KEY", default: "unset", secret: true, section: .blobStore,
        "The secret access key itself, instead of a file.")
    public static let s3Region = ConfigurationKey(
        "HOLDFAST_S3_REGION", default: "`us-east-1`", section: .blobStore, "Signing region.")
    public static let s3PathStyle = ConfigurationKey(
        "HOLDFAST_S3_PATH_STYLE", default: "`true`", section: .blobStore,
        "`true`: `endpoint/bucket/key` (MinIO, Ceph, moto); `false`: virtual-hosted `bucket.endpoint/key` (AWS's preference).")
    public static let s3KeyPrefix = ConfigurationKey(
        "HOLDFAST_S3_KEY_PREFIX", default: "empty", section: .blobStore, "Put before every object key, e.g. `holdfast/`.")
    public static let s3LockMode = ConfigurationKey(
        "HOLDFAST_S3_LOCK_MODE", default: "`COMPLIANCE`", section: .blobStore,
        "Object Lock mode for tenants whose policy has an immutability window: `COMPLIANCE` (nobody can delete early) or `GOVERNANCE` (principals with `s3:BypassGovernanceRetention` can).")
    public static let s3LockGranularity = ConfigurationKey(
        "HOLDFAST_S3_LOCK_GRANULARITY_SECONDS", default: "86400", section: .blobStore,
        "Lock dates are rounded up to a multiple of this many seconds (at least 1); a tenant's live map is re-locked at most once per period.")

    // MARK: Microsoft Graph
    public static let graphBaseURL = ConfigurationKey(
        "HOLDFAST_GRAPH_BASE_URL", default: "`https://graph.microsoft.com/v1.0`", section: .graph,
        "Microsoft Graph endpoint (a national cloud's; graph-sim in the demo and tests).")
    public static let loginBaseURL = ConfigurationKey(
        "HOLDFAST_LOGIN_BASE_URL", default: "`https://login.microsoftonline.com`", section: .graph,
        "Entra token endpoint base; also the host of the admin-consent URL `holdfast tenants` prints.")

    // MARK: Webhooks
    public static let webhookURL = ConfigurationKey(
        "HOLDFAST_WEBHOOK_URL", default: "unset: no webhook", section: .webhook,
        "http(s) receiver of SLA breach/recovery and change-alert events. On a worker it registers the `webhook` job kind; on the coordinator it makes the SLA evaluation enqueue events (docs/sla.md).")
    public static let webhookSecretFile = ConfigurationKey(
        "HOLDFAST_WEBHOOK_SECRET_FILE", default: "required with a URL (or the next key)", section: .webhook,
        "File holding the HMAC-SHA256 secret (at least 16 bytes; trailing newline ignored) for the `X-Holdfast-Signature-256` header.")
    public static let webhookSecret = ConfigurationKey(
        "HOLDFAST_WEBHOOK_SECRET", default: "unset", secret: true, section: .webhook, "The webhook secret itself, instead of a file.")
    public static let webhookTimeout = ConfigurationKey(
        "HOLDFAST_WEBHOOK_TIMEOUT", default: "10", section: .webhook, "Seconds one webhook delivery may take.")

    // MARK: SLA and compliance reports
    public static let slaInterval = ConfigurationKey(
        "HOLDFAST_SLA_INTERVAL", flag: "--sla-interval", default: "60", section: .compliance,
        "Seconds between the leader's SLA evaluations (0: off).")
    public static let reportSigningKeyFile = ConfigurationKey(
        "HOLDFAST_REPORT_SIGNING_KEY_FILE", flag: "--report-signing-key", default: "unset: reports unsigned", section: .compliance,
        "Ed25519 private key PEM (`holdfast report keygen`) that signs compliance reports, scheduled and served by the API; `report generate` also takes it as `--signing-key` (docs/reports.md).")
    public static let reportPublicKeyFile = ConfigurationKey(
        "HOLDFAST_REPORT_PUBLIC_KEY_FILE", flag: "--public-key", default: "unset", section: .compliance,
        "The published public key `holdfast report verify` requires.")
    public static let reportDirectory = ConfigurationKey(
        "HOLDFAST_REPORT_DIRECTORY", flag: "--report-directory", default: "unset: no scheduled reports", section: .compliance,
        "Where the leader writes each partner's report for the last complete period.")
    public static let reportPartners = ConfigurationKey(
        "HOLDFAST_REPORT_PARTNERS", flag: "--report-partners", default: "every partner", section: .compliance,
        "Comma-separated partner names or ids for scheduled reports.")
    public static let reportPeriod = ConfigurationKey(
        "HOLDFAST_REPORT_PERIOD", flag: "--report-period", default: "`monthly`", section: .compliance,
        "`daily`, `weekly` or `monthly`: each scheduled run writes the last complete period.")
    public static let reportFormats = ConfigurationKey(
        "HOLDFAST_REPORT_FORMATS", flag: "--report-formats", default: "`json,html`", section: .compliance,
        "Comma-separated formats of scheduled reports: json, csv, html.")

    // MARK: Worker
    public static let workerConcurrency = ConfigurationKey(
        "HOLDFAST_WORKER_CONCURRENCY", flag: "--concurrency", default: "10", section: .worker, "Jobs one worker runs at once (1-1000).")
    public static let workerInteractiveSlots = ConfigurationKey(
        "HOLDFAST_WORKER_INTERACTIVE_SLOTS", flag: "--interactive-slots", default: "1 (0 with --concurrency 1)", section: .worker,
        "Slots kept for restores, manual backups and webhooks: scheduled work fills at most concurrency minus these, so an operator's job starts while the nightly pass keeps the worker busy (0 to concurrency-1).")
    public static let workerKinds = ConfigurationKey(
        "HOLDFAST_WORKER_KINDS", flag: "--kinds", default: "every kind this build has a handler for", section: .worker,
        "Comma-separated job kinds the worker runs.")
    public static let workerLease = ConfigurationKey(
        "HOLDFAST_WORKER_LEASE", flag: "--lease", default: "30", section: .worker, "Seconds a claim holds without a heartbeat (at least 0.5).")
    public static let workerHeartbeat = ConfigurationKey(
        "HOLDFAST_WORKER_HEARTBEAT", flag: "--heartbeat", default: "a third of the lease", section: .worker,
        "Seconds between heartbeats; shorter than two thirds of the lease (a job not renewed for that long is fenced).")
    public static let workerPoll = ConfigurationKey(
        "HOLDFAST_WORKER_POLL", flag: "--poll", default: "2", section: .worker, "Seconds between polls when no NOTIFY arrives.")
    public static let workerShutdownTimeout = ConfigurationKey(
        "HOLDFAST_WORKER_SHUTDOWN_TIMEOUT", flag: "--shutdown-timeout", default: "30", section: .worker,
        "Seconds running jobs may take to finish on SIGTERM before they are handed back.")
    public static let workerRetryBase = ConfigurationKey(
        "HOLDFAST_WORKER_RETRY_BASE", flag: "--retry-base", default: "15", section: .worker,
        "Seconds before the first retry of a failed job (doubling per attempt, ±20 % jitter).")
    public static let workerRetryMax = ConfigurationKey(
        "HOLDFAST_WORKER_RETRY_MAX", flag: "--retry-max", default: "3600", section: .worker, "Longest delay between attempts, in seconds.")
    public static let workerMaxRunTime = ConfigurationKey(
        "HOLDFAST_WORKER_MAX_RUN_TIME", flag: "--max-run-time", default: "unset: no limit", section: .worker,
        "Longest run per job kind, `KIND=SECONDS[,KIND=SECONDS…]` (`backup=21600,restore=43200`); a job past its kind's limit is cancelled and fails as retryable.")
    public static let drillScratchTenant = ConfigurationKey(
        "HOLDFAST_DRILL_SCRATCH_TENANT", flag: "--drill-scratch-tenant", default: "unset: drills skipped", section: .worker,
        "Holdfast id of an onboarded scratch tenant that validation jobs restore each snapshot into as a drill; never a production tenant (docs/policies.md).")

    // MARK: Coordinator
    public static let leaderLease = ConfigurationKey(
        "HOLDFAST_LEADER_LEASE", flag: "--leader-lease", default: "15", section: .coordinator,
        "Seconds a leader's lease lasts without renewal (at least 1).")
    public static let rescueInterval = ConfigurationKey(
        "HOLDFAST_RESCUE_INTERVAL", flag: "--rescue-interval", default: "5", section: .coordinator,
        "Seconds between rescues of jobs whose lease expired.")
    public static let promoteInterval = ConfigurationKey(
        "HOLDFAST_PROMOTE_INTERVAL", flag: "--promote-interval", default: "1", section: .coordinator,
        "Seconds between promotions of due scheduled and retryable jobs.")
    public static let pruneInterval = ConfigurationKey(
        "HOLDFAST_PRUNE_INTERVAL", flag: "--prune-interval", default: "300", section: .coordinator,
        "Seconds between prunes of finished jobs and old history.")
    public static let jobRetentionDays = ConfigurationKey(
        "HOLDFAST_JOB_RETENTION_DAYS", flag: "--retention-days", default: "7", section: .coordinator,
        "Days finished jobs and their history are kept.")
    public static let scheduleInterval = ConfigurationKey(
        "HOLDFAST_SCHEDULE_INTERVAL", flag: "--schedule-interval", default: "15", section: .coordinator,
        "Seconds between looks for tenants due a backup, retention or validation.")
    public static let credentialWarningDays = ConfigurationKey(
        "HOLDFAST_CREDENTIAL_WARNING_DAYS", flag: "--credential-warning-days", default: "30", section: .coordinator,
        "The leader logs a warning for tenant credentials expiring within this many days (docs/onboarding.md).")
    public static let credentialCheckInterval = ConfigurationKey(
        "HOLDFAST_CREDENTIAL_CHECK_INTERVAL", flag: "--credential-check-interval", default: "21600 (6 h)", section: .coordinator,
        "Seconds between the leader's credential expiry checks (at least 1).")

    /// Every key, in the order `config check` and docs/configuration.md list them.
    public static let all: [ConfigurationKey] = [
        configFile, actor, migrationsDirectory,
        databaseURL, databasePoolSize,
        logLevel, logFormat, metricsPort, metricsHost,
        apiListen, apiMaxBodyBytes, apiTLSCertificate, apiTLSKey, apiPoolSize, apiRequestTimeout, apiIdleTimeout,
        apiExpensivePerMinute, apiAcceptLegacyKeyHashes, consoleEnabled, consoleOrigin, consoleIdleTimeout, consoleSessionLifetime,
        masterKeyFile, masterKey, previousMasterKeyFiles, previousMasterKeys,
        blobDirectory, blobDirectoryMinimumFree, s3Bucket, s3Endpoint, s3AccessKeyID, s3SecretAccessKeyFile, s3SecretAccessKey, s3Region, s3PathStyle,
        s3KeyPrefix, s3LockMode, s3LockGranularity,
        graphBaseURL, loginBaseURL,
        webhookURL, webhookSecretFile, webhookSecret, webhookTimeout,
        slaInterval, reportSigningKeyFile, reportPublicKeyFile, reportDirectory, reportPartners, reportPeriod, reportFormats,
        workerConcurrency, workerInteractiveSlots, workerKinds, workerLease, workerHeartbeat, workerPoll, workerShutdownTimeout, workerRetryBase, workerRetryMax,
        workerMaxRunTime, drillScratchTenant,
        leaderLease, rescueInterval, promoteInterval, pruneInterval, jobRetentionDays, scheduleInterval, credentialWarningDays,
        credentialCheckInterval,
    ]
}
