import Foundation
import HoldfastRuntime
import HoldfastTesting
import Testing

/// Reading the configuration from flags, the environment and a file, and what `config check`
/// reports for valid and broken settings.
@Suite("configuration")
struct ConfigurationTests {
    /// A directory of files for one test, removed afterwards.
    final class Files {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-config-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }
    }

    static let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()

    static func check(flags: [String: String] = [:], environment: [String: String]) async throws -> ConfigurationCheck {
        ConfigurationCheck(try await ConfigurationSources.read(flags: flags, environment: environment))
    }

    @Test func aValidFileIsReadWithEachValuesSourceAndSecretsRedacted() async throws {
        let files = try Files()
        let keyFile = try files.write("master-key", Self.key + "\n")
        let config = try files.write("holdfast.env", """
            # a comment
            HOLDFAST_DATABASE_URL=postgresql://holdfast:hunter2@db.example:5432/holdfast
            HOLDFAST_MASTER_KEY_FILE=\(keyFile)
            HOLDFAST_WORKER_CONCURRENCY=4
            HOLDFAST_LOG_LEVEL=debug
            HOLDFAST_S3_BUCKET=vault
            HOLDFAST_S3_ENDPOINT=http://127.0.0.1:9000/
            HOLDFAST_S3_ACCESS_KEY_ID=holdfast
            HOLDFAST_S3_SECRET_ACCESS_KEY=file-held-secret
            HOLDFAST_GRAPH_BASE_URL=https://graph.microsoft.us/v1.0
            """)
        let environment = ["HOLDFAST_CONFIG_FILE": config, "HOLDFAST_LOG_LEVEL": "notice", "HOLDFAST_WEBHOOK_URL": "https://hooks.example",
                           "HOLDFAST_WEBHOOK_SECRET": "0123456789abcdef-secret", "USER": "erin"]
        let check = try await Self.check(flags: ["HOLDFAST_WORKER_CONCURRENCY": "8"], environment: environment)
        #expect(check.problems.isEmpty, "\(check.problems)")
        let entries = Dictionary(uniqueKeysWithValues: check.entries.map { ($0.key, $0) })
        #expect(entries["HOLDFAST_WORKER_CONCURRENCY"]?.value == "8" && entries["HOLDFAST_WORKER_CONCURRENCY"]?.source == .flag)
        #expect(entries["HOLDFAST_LOG_LEVEL"]?.value == "notice" && entries["HOLDFAST_LOG_LEVEL"]?.source == .environment)
        #expect(entries["HOLDFAST_MASTER_KEY_FILE"]?.value == keyFile && entries["HOLDFAST_MASTER_KEY_FILE"]?.source == .file)
        #expect(entries["HOLDFAST_BLOB_DIR"]?.source == .default)
        #expect(entries["HOLDFAST_ACTOR"]?.value == "cli:erin")
        #expect(entries["HOLDFAST_S3_SECRET_ACCESS_KEY"]?.value == "<redacted>")
        #expect(entries["HOLDFAST_WEBHOOK_SECRET"]?.value == "<redacted>" && entries["HOLDFAST_WEBHOOK_SECRET"]?.source == .environment)
        #expect(entries["HOLDFAST_DATABASE_URL"]?.value.contains("hunter2") == false)
        #expect(!check.text.contains("hunter2") && !check.text.contains("file-held-secret") && !check.text.contains("0123456789abcdef-secret"))
        // A secret in the environment is allowed, and warned about.
        #expect(check.warnings.count == 1 && check.warnings[0].contains("HOLDFAST_WEBHOOK_SECRET") && check.warnings[0].contains("HOLDFAST_WEBHOOK_SECRET_FILE"))

        let loaded = try await HoldfastConfiguration.load(flags: ["HOLDFAST_WORKER_CONCURRENCY": "8"], environment: environment)
        let configuration = loaded.configuration
        #expect(configuration.worker.concurrency == 8 && configuration.logging.level == .notice)
        #expect(configuration.graph.graphBaseURL == "https://graph.microsoft.us/v1.0")
        #expect(configuration.actor == "cli:erin")
        guard case .s3(let s3) = configuration.blobStore else { Issue.record("not the S3 store: \(configuration.blobStore)"); return }
        let store = try s3.resolved()
        #expect(store.endpoint == "http://127.0.0.1:9000" && store.bucket == "vault" && store.secretAccessKey == "file-held-secret")
        #expect(try configuration.masterKeys.ring().current.id == configuration.masterKeys.ring().current.id)
    }

    @Test func anUnknownKeyInTheFileIsAnErrorNamingTheNearestKnownKey() async throws {
        let files = try Files()
        let config = try files.write("holdfast.env", "HOLDFAST_DATABSE_URL=postgresql://db/holdfast\nHOLDFAST_LOG_LEVEL=info\nCOMPLETELY_UNRELATED_SETTING_NAME=1\n")
        let check = try await Self.check(environment: ["HOLDFAST_CONFIG_FILE": config])
        #expect(check.problems.count == 2, "\(check.problems)")
        #expect(check.problems.contains { $0.key == "HOLDFAST_DATABSE_URL" && $0.source == .file && $0.message.contains("did you mean HOLDFAST_DATABASE_URL?") })
        #expect(check.problems.contains { $0.key == "COMPLETELY_UNRELATED_SETTING_NAME" && !$0.message.contains("did you mean") })
        await #expect(throws: ConfigurationError.self) { try await HoldfastConfiguration.load(environment: ["HOLDFAST_CONFIG_FILE": config]) }
    }

    @Test func aDatabasePasswordOnTheCommandLineIsWarnedAbout() async throws {
        for url in ["postgresql://holdfast:s3cret@db/holdfast", "postgresql://holdfast@db/holdfast?password=s3cret",
                    "host=db user=holdfast password=s3cret dbname=holdfast"] {
            let check = try await Self.check(flags: ["HOLDFAST_DATABASE_URL": url], environment: [:])
            #expect(check.warnings.contains { $0.contains("--database-url carries a password") }, "\(url): \(check.warnings)")
            #expect(!check.warnings.joined().contains("s3cret"))
        }
        for url in ["postgresql://holdfast@db/holdfast", "host=db user=holdfast dbname=holdfast"] {
            #expect(try await Self.check(flags: ["HOLDFAST_DATABASE_URL": url], environment: [:]).warnings.isEmpty)
        }
        // From the environment or a file, a password is not in the process list: no warning for it.
        #expect(try await Self.check(environment: ["HOLDFAST_DATABASE_URL": "postgresql://holdfast:s3cret@db/holdfast"])
            .warnings.allSatisfy { !$0.contains("--database-url") })
    }

    @Test func aMasterKeyFileOthersCanReadIsRefused() async throws {
        let files = try Files()
        let keyFile = try files.write("master-key", Self.key, mode: 0o644)
        let check = try await Self.check(environment: ["HOLDFAST_MASTER_KEY_FILE": keyFile])
        #expect(check.problems.count == 1, "\(check.problems)")
        #expect(check.problems.first?.key == "HOLDFAST_MASTER_KEY_FILE" && check.problems.first?.message.contains("mode 644") == true)
        #expect(check.problems.first?.message.contains("chmod 600") == true)
        // The same key, readable by its owner only, is fine.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        #expect(try await Self.check(environment: ["HOLDFAST_MASTER_KEY_FILE": keyFile]).problems.isEmpty)
    }

    @Test func aTLSKeyOthersCanReadIsRefused() async throws {
        let files = try Files()
        let certificate = try files.write("api.crt", "-----BEGIN CERTIFICATE-----\n", mode: 0o644)
        let key = try files.write("api.key", "-----BEGIN PRIVATE KEY-----\n", mode: 0o640)
        let environment = ["HOLDFAST_API_TLS_CERTIFICATE": certificate, "HOLDFAST_API_TLS_KEY": key]
        let check = try await Self.check(environment: environment)
        #expect(check.problems.count == 1, "\(check.problems)")
        #expect(check.problems.first?.key == "HOLDFAST_API_TLS_KEY" && check.problems.first?.message.contains("mode 640") == true)
        // A certificate is public; only the key's mode matters.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        #expect(try await Self.check(environment: environment).problems.isEmpty)
    }

    /// What the libraries' own environment readers used to check, now the configuration's alone.
    @Test func webhookS3AndMasterKeySettingsAreCheckedAsAWhole() async throws {
        let files = try Files()
        let secret = try files.write("s3-secret", "shh\n")
        let loaded = try await HoldfastConfiguration.load(environment: [
            "HOLDFAST_S3_BUCKET": "b", "HOLDFAST_S3_ENDPOINT": "http://127.0.0.1:9000/", "HOLDFAST_S3_ACCESS_KEY_ID": "a",
            "HOLDFAST_S3_SECRET_ACCESS_KEY_FILE": secret, "HOLDFAST_S3_PATH_STYLE": "false", "HOLDFAST_S3_LOCK_MODE": "governance",
            "HOLDFAST_S3_REGION": "eu-west-1", "HOLDFAST_WEBHOOK_URL": "https://hooks.example.com/holdfast",
            "HOLDFAST_WEBHOOK_SECRET": "0123456789abcdef", "HOLDFAST_WEBHOOK_TIMEOUT": "2.5",
        ]).configuration
        guard case .s3(let s3) = loaded.blobStore else { Issue.record("no S3 store: \(loaded.blobStore)"); return }
        let store = try s3.resolved()
        #expect(store.secretAccessKey == "shh" && store.endpoint == "http://127.0.0.1:9000")
        #expect(!store.pathStyle && store.lockMode == .governance && store.region == "eu-west-1")
        let webhook = try #require(loaded.webhook)
        #expect(webhook.timeout == .milliseconds(2500) && webhook.url == "https://hooks.example.com/holdfast")
        for (environment, key) in [
            (["HOLDFAST_S3_BUCKET": "b"], "HOLDFAST_S3_BUCKET"),
            (["HOLDFAST_S3_BUCKET": "b", "HOLDFAST_S3_ENDPOINT": "http://e", "HOLDFAST_S3_ACCESS_KEY_ID": "a",
              "HOLDFAST_S3_SECRET_ACCESS_KEY": "s", "HOLDFAST_S3_LOCK_MODE": "forever"], "HOLDFAST_S3_LOCK_MODE"),
            (["HOLDFAST_WEBHOOK_URL": "https://hooks.example.com"], "HOLDFAST_WEBHOOK_URL"),
            (["HOLDFAST_WEBHOOK_URL": "ftp://x", "HOLDFAST_WEBHOOK_SECRET": "0123456789abcdef"], "HOLDFAST_WEBHOOK_URL"),
            (["HOLDFAST_MASTER_KEY_FILE": secret, "HOLDFAST_MASTER_KEY": Self.key], "HOLDFAST_MASTER_KEY"),
        ] {
            let problems = try await Self.check(environment: environment).problems
            #expect(!problems.isEmpty, "\(environment) was accepted")
            #expect(problems.contains { $0.key?.hasPrefix(key) == true || $0.message.contains(key) }, "\(environment): \(problems)")
        }
    }

    @Test func bothBlobStoresAreAContradiction() async throws {
        let environment = ["HOLDFAST_S3_BUCKET": "vault", "HOLDFAST_S3_ENDPOINT": "http://127.0.0.1:9000", "HOLDFAST_S3_ACCESS_KEY_ID": "id",
                           "HOLDFAST_S3_SECRET_ACCESS_KEY": "secret"]
        #expect(try await Self.check(environment: environment).problems.isEmpty)
        let check = try await Self.check(flags: ["HOLDFAST_BLOB_DIR": "/var/lib/holdfast/blobs"], environment: environment)
        #expect(check.problems.map(\.message) == ["both HOLDFAST_S3_BUCKET and HOLDFAST_BLOB_DIR (--blob-dir) are set: choose one blob store"])
    }

    @Test func everyBadValueIsReportedWithItsKeyAndSource() async throws {
        let files = try Files()
        let config = try files.write("holdfast.env", "HOLDFAST_WORKER_LEASE=soon\nHOLDFAST_API_LISTEN=8080\n")
        let check = try await Self.check(
            flags: ["HOLDFAST_DATABASE_POOL_SIZE": "0", "HOLDFAST_LOG_FORMAT": "xml"],
            environment: ["HOLDFAST_CONFIG_FILE": config, "HOLDFAST_GRAPH_BASE_URL": "ftp://graph.example", "HOLDFAST_WORKER_HEARTBEAT": "25",
                          "HOLDFAST_MASTER_KEY": Self.key, "HOLDFAST_MASTER_KEY_FILE": "/nonexistent", "HOLDFAST_S3_ENDPOINT": "http://s3",
                          "HOLDFAST_WEBHOOK_URL": "https://hooks.example", "HOLDFAST_DRILL_SCRATCH_TENANT": "scratch"])
        let lines = check.problems.map(\.description)
        let expected = [
            "--database-pool-size (from a flag): '0' is not a whole number between 1 and 500",
            "--log-format (from a flag): 'xml' is not one of text, json",
            "HOLDFAST_API_LISTEN (from the configuration file): '8080' is not HOST:PORT, e.g. 127.0.0.1:8080",
            "HOLDFAST_MASTER_KEY_FILE and HOLDFAST_MASTER_KEY are both set: set one",
            "HOLDFAST_S3_ENDPOINT is set but HOLDFAST_S3_BUCKET is not: set the bucket to store blobs in S3, or remove HOLDFAST_S3_ENDPOINT",
            "HOLDFAST_GRAPH_BASE_URL (from the environment): 'ftp://graph.example' is not an http or https URL with a host (and no query)",
            "HOLDFAST_WEBHOOK_URL is set but no secret is: set HOLDFAST_WEBHOOK_SECRET_FILE (or HOLDFAST_WEBHOOK_SECRET)",
            "HOLDFAST_WORKER_LEASE (from the configuration file): 'soon' is not a number of seconds of at least 0.5",
            "HOLDFAST_WORKER_HEARTBEAT (from the environment): '25' must be shorter than two thirds of the lease (30 s): a job whose lease was not renewed for two thirds of it is stopped (fenced)",
            "HOLDFAST_DRILL_SCRATCH_TENANT (from the environment): 'scratch' is not a Holdfast tenant id (a UUID, as `holdfast tenants list` shows)",
        ]
        for line in expected { #expect(lines.contains(line), "missing: \(line)\nin: \(lines.joined(separator: "\n"))") }
        #expect(lines.count == expected.count, "\(lines.joined(separator: "\n"))")
    }

    @Test func aSecretIsNeverAFlag() async throws {
        #expect(ConfigurationKey.all.filter(\.isSecret).allSatisfy { $0.flag == nil })
        #expect(Set(ConfigurationKey.all.compactMap(\.flag)).count == ConfigurationKey.all.compactMap(\.flag).count)
    }

    @Test func theCheckCommandPrintsSourcesAndExitsNonZeroOnEachProblem() async throws {
        let files = try Files()
        let keyFile = try files.write("master-key", Self.key, mode: 0o640)
        let config = try files.write("holdfast.env", "HOLDFAST_LOG_LEVL=debug\nHOLDFAST_MASTER_KEY_FILE=\(keyFile)\nHOLDFAST_S3_BUCKET=vault\n")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOLDFAST_") }
        environment["HOLDFAST_S3_ENDPOINT"] = "http://127.0.0.1:9000"
        environment["HOLDFAST_S3_ACCESS_KEY_ID"] = "id"
        environment["HOLDFAST_S3_SECRET_ACCESS_KEY"] = "s3-secret-value"
        let holdfast = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path
        let failed = try await ProcessRunner.capture(holdfast, ["config", "check", "--config", config, "--blob-dir", files.directory.path],
                                                     environment: environment)
        #expect(failed.status == 1)
        let output = failed.standardOutput
        #expect(output.contains("HOLDFAST_S3_BUCKET") && output.contains("file") && output.contains("HOLDFAST_BLOB_DIR"))
        #expect(output.contains("<redacted>") && !output.contains("s3-secret-value") && !failed.standardError.contains("s3-secret-value"))
        #expect(output.contains("error: HOLDFAST_LOG_LEVL (from the configuration file): unknown key in \(config); did you mean HOLDFAST_LOG_LEVEL?"))
        #expect(output.contains("error: both HOLDFAST_S3_BUCKET and HOLDFAST_BLOB_DIR (--blob-dir) are set: choose one blob store"))
        #expect(output.contains("mode 640"))
        #expect(output.contains("warning: HOLDFAST_S3_SECRET_ACCESS_KEY is set in the environment"))
        #expect(failed.standardError.contains("problem(s) in the configuration"))

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let valid = try files.write("valid.env", "HOLDFAST_LOG_LEVEL=debug\nHOLDFAST_MASTER_KEY_FILE=\(keyFile)\n")
        let plain = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOLDFAST_") }
        let passed = try await ProcessRunner.capture(holdfast, ["config", "check", "--config", valid], environment: plain)
        #expect(passed.status == 0, "\(passed.standardOutput)\n\(passed.standardError)")
        #expect(passed.standardOutput.contains("HOLDFAST_LOG_LEVEL") && passed.standardOutput.contains("file        debug"))
    }
}
