import API
import Console
public import Compliance
import Foundation
import Graph
public import Logging
public import Queue
public import Vault

extension HoldfastConfiguration {
    /// A configuration read from its sources, with what `config check` shows and what a process
    /// logs at start.
    public struct Loaded: Sendable {
        public var configuration: HoldfastConfiguration
        public var sources: ConfigurationSources
        /// Allowed but discouraged settings, to log as warnings.
        public var warnings: [String]
    }

    /// Reads flags (key name to text), the environment and the configuration file. Throws one
    /// error listing every invalid or contradictory setting.
    public static func load(flags: [String: String] = [:], environment: [String: String]) async throws(ConfigurationError) -> Loaded {
        let sources = try await ConfigurationSources.read(flags: flags, environment: environment)
        let (configuration, problems) = read(sources)
        guard let configuration, problems.isEmpty else { throw ConfigurationError(.invalid, problems) }
        return Loaded(configuration: configuration, sources: sources, warnings: sources.warnings)
    }

    /// The configuration `sources` describe, and every problem with them (the configuration is
    /// nil when there is any).
    public static func read(_ sources: ConfigurationSources) -> (HoldfastConfiguration?, [ConfigurationProblem]) {
        var reader = SettingReader(sources)
        let configuration = HoldfastConfiguration(reader: &reader)
        return (reader.problems.isEmpty ? configuration : nil, reader.problems)
    }

    init(reader: inout SettingReader) {
        configFile = reader.sources.configFile
        actor = reader.text(.actor) ?? "cli:" + (reader.sources.userName.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")
        migrationsDirectory = reader.text(.migrationsDirectory)

        let databaseURL = reader.text(.databaseURL) ?? ""
        if let scheme = databaseURL.range(of: "://").map({ databaseURL[..<$0.lowerBound].lowercased() }), scheme != "postgresql", scheme != "postgres" {
            reader.problem(.databaseURL, "is not a postgresql:// URL or a key=value connection string")
        }
        database = Database(url: databaseURL, poolSize: reader.int(.databasePoolSize, default: 10, in: 1...500))

        logging = Logging(level: reader.choice(.logLevel, default: Logger.Level.info, transform: { $0.lowercased() }),
                          format: reader.choice(.logFormat, default: LogFormat.text, transform: { $0.lowercased() }))
        metrics = Metrics(port: reader.optionalInt(.metricsPort, in: 1...65535), host: reader.text(.metricsHost) ?? "127.0.0.1")

        var listen: (host: String, port: Int)?
        if let address = reader.text(.apiListen) {
            listen = APIConfiguration.parseListenAddress(address)
            if listen == nil { reader.problem(.apiListen, "is not HOST:PORT, e.g. 127.0.0.1:8080") }
        }
        var console: ConsoleSettings?
        if reader.bool(.consoleEnabled, default: true) {
            var origin: String?
            if let text = reader.text(.consoleOrigin) {
                origin = ConsoleConfiguration.normalisedOrigin(text.hasSuffix("/") ? String(text.dropLast()) : text)
                if origin == nil { reader.problem(.consoleOrigin, "is not an origin such as https://holdfast.example.com (scheme and host, no path)") }
            }
            console = ConsoleSettings(origin: origin, idleTimeout: .seconds(reader.int(.consoleIdleTimeout, default: 1800, in: 60...86_400)),
                              sessionLifetime: .seconds(reader.int(.consoleSessionLifetime, default: 43_200, in: 300...604_800)))
        }
        var tls: (certificate: String, key: String)?
        switch (reader.text(.apiTLSCertificate), reader.text(.apiTLSKey)) {
        case (let certificate?, let key?):
            tls = (certificate, key)
            // The documented promise, checked as the master key file is: a private key others can read is not private.
            if let mode = ConfigurationSources.permissions(of: key), mode & 0o077 != 0 {
                reader.problem(.apiTLSKey, "\(key) is readable by its group or others (mode \(String(mode & 0o777, radix: 8))); chmod 600 it")
            }
        case (nil, nil): tls = nil
        case (.some, nil): reader.problem(.apiTLSCertificate, "is set but HOLDFAST_API_TLS_KEY is not: the two go together")
        case (nil, .some): reader.problem(.apiTLSKey, "is set but HOLDFAST_API_TLS_CERTIFICATE is not: the two go together")
        }
        api = API(listen: listen, maxBodyBytes: reader.int(.apiMaxBodyBytes, default: APIConfiguration.defaultMaxBodyBytes, in: 1024...(64 * 1024 * 1024)),
                  tls: tls, poolSize: reader.int(.apiPoolSize, default: 5, in: 1...100),
                  requestTimeout: reader.seconds(.apiRequestTimeout, default: .seconds(120), minimum: 1),
                  idleTimeout: reader.seconds(.apiIdleTimeout, default: .seconds(30), minimum: 1),
                  expensivePerMinute: reader.int(.apiExpensivePerMinute, default: 20, in: 1...100_000),
                  acceptsLegacyKeyHashes: reader.bool(.apiAcceptLegacyKeyHashes, default: false), console: console)

        var previous: [Secret] = (reader.text(.previousMasterKeyFiles) ?? "").split(whereSeparator: { $0 == ":" || $0 == "," })
            .map { .file(String($0).trimmingCharacters(in: .whitespaces)) }
        previous += (reader.sources[.previousMasterKeys]?.text ?? "").split(separator: ",").map { .value(String($0).trimmingCharacters(in: .whitespaces)) }
        masterKeys = MasterKeys(current: reader.secret(file: .masterKeyFile, value: .masterKey), previous: previous)

        blobStore = Self.readBlobStore(&reader)
        graph = Graph(graphBaseURL: reader.url(.graphBaseURL, default: GraphCloud.global.graphBaseURL),
                      loginBaseURL: reader.url(.loginBaseURL, default: GraphCloud.global.loginBaseURL))

        let webhookSecret = reader.secret(file: .webhookSecretFile, value: .webhookSecret)
        let webhookTimeout = reader.seconds(.webhookTimeout, default: .seconds(10), minimum: 0, exclusive: true)
        if reader.text(.webhookURL) != nil {
            let url = reader.url(.webhookURL, default: "")
            if webhookSecret == nil {
                reader.conflict("\(ConfigurationKey.webhookURL.name) is set but no secret is: set \(ConfigurationKey.webhookSecretFile.name) (or \(ConfigurationKey.webhookSecret.name))")
            }
            if case .value(let text)? = webhookSecret, text.utf8.count < 16 {
                reader.problem(.webhookSecret, "must be at least 16 bytes")
            }
            webhook = webhookSecret.map { Webhook(url: url, secret: $0, timeout: webhookTimeout) }
        } else {
            webhook = nil
        }

        var formats: [ReportFormat] = []
        for name in (reader.text(.reportFormats) ?? "json,html").split(separator: ",") {
            let name = name.trimmingCharacters(in: .whitespaces).lowercased()
            if let format = ReportFormat(rawValue: name) { formats.append(format) } else {
                reader.problem(.reportFormats, "names unknown format '\(name)' (json, csv, html)")
            }
        }
        compliance = Compliance(
            slaInterval: reader.seconds(.slaInterval, default: .seconds(60)),
            signingKeyFile: reader.text(.reportSigningKeyFile), publicKeyFile: reader.text(.reportPublicKeyFile),
            reportDirectory: reader.text(.reportDirectory),
            reportPartners: (reader.text(.reportPartners) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            reportPeriod: reader.choice(.reportPeriod, default: ReportPeriod.monthly, transform: { $0.lowercased() }),
            reportFormats: formats)

        worker = Self.readWorker(&reader)
        coordinator = Coordinator(
            leaderLease: reader.seconds(.leaderLease, default: .seconds(15), minimum: 1),
            rescueInterval: reader.seconds(.rescueInterval, default: .seconds(5), minimum: 0, exclusive: true),
            promoteInterval: reader.seconds(.promoteInterval, default: .seconds(1), minimum: 0, exclusive: true),
            pruneInterval: reader.seconds(.pruneInterval, default: .seconds(300), minimum: 0, exclusive: true),
            jobRetention: reader.days(.jobRetentionDays, default: 7, positive: true),
            scheduleInterval: reader.seconds(.scheduleInterval, default: .seconds(15), minimum: 0, exclusive: true),
            credentialWarning: reader.days(.credentialWarningDays, default: 30, positive: false),
            credentialCheckInterval: reader.seconds(.credentialCheckInterval, default: .seconds(6 * 3600), minimum: 1))
    }

    private static func readBlobStore(_ reader: inout SettingReader) -> BlobStore {
        let directory = reader.text(.blobDirectory)
        guard let bucket = reader.text(.s3Bucket) else {
            for key in [ConfigurationKey.s3Endpoint, .s3AccessKeyID, .s3SecretAccessKeyFile, .s3SecretAccessKey] where reader.text(key) != nil {
                reader.conflict("\(key.name) is set but \(ConfigurationKey.s3Bucket.name) is not: set the bucket to store blobs in S3, or remove \(key.name)")
            }
            let minimumFree = Int64(reader.int(.blobDirectoryMinimumFree, default: 1024, in: 0...(1 << 30))) << 20
            return directory.map { .directory($0, minimumFreeBytes: minimumFree) } ?? .postgres
        }
        if directory != nil {
            reader.conflict("both \(ConfigurationKey.s3Bucket.name) and \(ConfigurationKey.blobDirectory.name) (--blob-dir) are set: choose one blob store")
        }
        func required(_ key: ConfigurationKey) -> String {
            guard let value = reader.text(key) else {
                reader.conflict("\(ConfigurationKey.s3Bucket.name) is set but \(key.name) is not")
                return ""
            }
            return value
        }
        let endpoint = reader.text(.s3Endpoint) == nil ? required(.s3Endpoint) : reader.url(.s3Endpoint, default: "")
        let accessKeyID = required(.s3AccessKeyID)
        let secret = reader.secret(file: .s3SecretAccessKeyFile, value: .s3SecretAccessKey)
        if secret == nil, reader.text(.s3SecretAccessKeyFile) == nil, reader.sources[.s3SecretAccessKey] == nil {
            reader.conflict("\(ConfigurationKey.s3Bucket.name) is set but neither \(ConfigurationKey.s3SecretAccessKeyFile.name) nor \(ConfigurationKey.s3SecretAccessKey.name) is")
        }
        var configuration = S3BlobStore.Configuration(
            endpoint: endpoint, region: reader.text(.s3Region) ?? "us-east-1", bucket: bucket, accessKeyID: accessKeyID,
            // Resolved when the store is built (a file is read then); redacted in every description.
            secretAccessKey: "",
            pathStyle: reader.bool(.s3PathStyle, default: true), keyPrefix: reader.sources[.s3KeyPrefix]?.text ?? "",
            lockMode: reader.choice(.s3LockMode, default: S3BlobStore.LockMode.compliance, transform: { $0.uppercased() }))
        configuration.lockGranularity = reader.seconds(.s3LockGranularity, default: .seconds(86_400), minimum: 1).seconds
        return .s3(S3Settings(store: configuration, secret: secret ?? .value("")))
    }

    private static func readWorker(_ reader: inout SettingReader) -> Worker {
        let lease = reader.seconds(.workerLease, default: .seconds(30), minimum: 0.5)
        let heartbeat = reader.seconds(.workerHeartbeat, default: lease / 3, minimum: 0, exclusive: true)
        if heartbeat >= lease * 2 / 3 {
            reader.problem(.workerHeartbeat, "must be shorter than two thirds of the lease (\(SettingReader.format(lease.seconds)) s): a job whose lease was not renewed for two thirds of it is stopped (fenced)")
        }
        var maximumRunTimes: [JobKind: Duration] = [:]
        if let text = reader.text(.workerMaxRunTime) {
            for entry in text.split(separator: ",") {
                let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, let seconds = SettingReader.parseSeconds(parts[1]), seconds > 0 else {
                    reader.problem(.workerMaxRunTime, "is not KIND=SECONDS[,KIND=SECONDS…] with positive seconds")
                    maximumRunTimes = [:]
                    break
                }
                maximumRunTimes[JobKind(parts[0])] = SettingReader.duration(seconds: seconds)
            }
        }
        var scratch: UUID?
        if let text = reader.text(.drillScratchTenant) {
            scratch = UUID(uuidString: text)
            if scratch == nil { reader.problem(.drillScratchTenant, "is not a Holdfast tenant id (a UUID, as `holdfast tenants list` shows)") }
        }
        let retryBase = reader.seconds(.workerRetryBase, default: .seconds(15), minimum: 0, exclusive: true)
        let retryMax = reader.seconds(.workerRetryMax, default: .seconds(3600), minimum: 0, exclusive: true)
        if retryMax < retryBase { reader.problem(.workerRetryMax, "is shorter than the first retry's delay (\(SettingReader.format(retryBase.seconds)) s)") }
        let concurrency = reader.int(.workerConcurrency, default: 10, in: 1...1000)
        var interactiveSlots = reader.int(.workerInteractiveSlots, default: min(1, concurrency - 1), in: 0...999)
        if interactiveSlots >= concurrency {
            reader.problem(.workerInteractiveSlots, "must leave at least one of the \(concurrency) slots to scheduled work (at most \(concurrency - 1))")
            interactiveSlots = concurrency - 1
        }
        return Worker(
            concurrency: concurrency, interactiveSlots: interactiveSlots,
            kinds: reader.text(.workerKinds).map { $0.split(separator: ",").map { JobKind($0.trimmingCharacters(in: .whitespaces)) } },
            lease: lease, heartbeat: heartbeat,
            poll: reader.seconds(.workerPoll, default: .seconds(2), minimum: 0, exclusive: true),
            shutdownTimeout: reader.seconds(.workerShutdownTimeout, default: .seconds(30)),
            retryBase: retryBase, retryMax: retryMax, maximumRunTimes: maximumRunTimes, drillScratchTenant: scratch)
    }
}
