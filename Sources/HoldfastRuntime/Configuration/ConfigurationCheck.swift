import Compliance
import Cryptography
import Foundation
import Migrations
import Postgres

/// What `holdfast config check` reports: each key's effective value and source, and every
/// problem, including those only the files a setting names reveal (a master key file others can
/// read, a signing key that is no Ed25519 key).
public struct ConfigurationCheck: Sendable {
    public struct Entry: Sendable, Hashable {
        public var key: String
        /// The value as shown: secrets `<redacted>`, a database password `***`.
        public var value: String
        public var source: ConfigurationSource
    }

    public var entries: [Entry]
    public var problems: [ConfigurationProblem]
    public var warnings: [String]

    /// Checks `sources`: syntax and contradictions, then the files the settings name.
    public init(_ sources: ConfigurationSources) {
        entries = ConfigurationKey.all.map { key in
            guard let setting = sources[key] else {
                let value = key == .actor ? "cli:\(sources.userName ?? "unknown")" : "(\(key.defaultValue.replacingOccurrences(of: "`", with: "")))"
                return Entry(key: key.name, value: value, source: .default)
            }
            return Entry(key: key.name, value: Self.display(setting.text, of: key), source: setting.source)
        }
        warnings = sources.warnings
        // Files are opened even when other settings are wrong, so one run reports everything.
        var reader = SettingReader(sources)
        let configuration = HoldfastConfiguration(reader: &reader)
        self.problems = reader.problems + Self.fileProblems(configuration)
    }

    /// The report as `config check` prints it: one line per key, then the problems.
    public var text: String {
        let width = entries.map(\.key.count).max() ?? 0
        var lines = entries.map { $0.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.source.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.value }
        lines += warnings.map { "warning: \($0)" }
        lines += problems.map { "error: \($0)" }
        return lines.joined(separator: "\n")
    }

    static func display(_ text: String, of key: ConfigurationKey) -> String {
        if key.isSecret { return "<redacted>" }
        if key == .databaseURL { return PostgresConfiguration(connectionString: text).redactedConnectionString }
        return text
    }

    /// Problems found by opening the files the configuration names.
    static func fileProblems(_ configuration: HoldfastConfiguration) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        func note(_ key: ConfigurationKey, _ body: () throws -> Void) {
            do { try body() } catch {
                problems.append(ConfigurationProblem(key: key.name, source: nil, "\(Self.message(error))"))
            }
        }
        if configuration.masterKeys.current != nil {
            note(.masterKeyFile) { _ = try configuration.masterKeys.ring() }
        }
        if case .s3(let s3) = configuration.blobStore, case .file = s3.secret {
            note(.s3SecretAccessKeyFile) {
                if try s3.secret.read().isEmpty { throw ConfigurationError(.invalid, "the S3 secret access key is empty") }
            }
        }
        if let webhook = configuration.webhook, case .file = webhook.secret {
            note(.webhookSecretFile) {
                if try webhook.secret.read().utf8.count < 16 { throw ConfigurationError(.invalid, "the webhook secret must be at least 16 bytes") }
            }
        }
        if let path = configuration.compliance.signingKeyFile {
            note(.reportSigningKeyFile) { _ = try ReportSigningKey(pemFile: path) }
        }
        if let path = configuration.compliance.publicKeyFile {
            note(.reportPublicKeyFile) { _ = try PublicKey(pem: try String(contentsOfFile: path, encoding: .utf8)) }
        }
        note(.migrationsDirectory) { _ = try MigrationDirectory.locate(explicit: configuration.migrationsDirectory) }
        return problems
    }

    private static func message(_ error: any Error) -> String {
        switch error {
        case let error as ConfigurationError: error.description
        case let error as EnvelopeError: error.message
        case let error as ComplianceError: error.message
        case let error as MigrationError: error.message
        default: "\(error)"
        }
    }
}
