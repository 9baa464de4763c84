public import Configuration
import Foundation
import SystemPackage

/// The raw text of every setting of one process and where it came from, read through
/// swift-configuration's providers in order of precedence: flags (an in-memory provider), the
/// environment, the configuration file (an environment file, `KEY=value` lines), then defaults.
///
/// An empty value counts as set: `HOLDFAST_BLOB_DIR=` in the environment unsets a directory the
/// file names.
public struct ConfigurationSources: Sendable {
    public struct Setting: Sendable, Hashable {
        /// The value as given (a secret's too: it never leaves this process, and `config check`
        /// shows `<redacted>`).
        public var text: String
        public var source: ConfigurationSource
    }

    /// By key name; keys not set anywhere are absent.
    public private(set) var settings: [String: Setting]
    /// The configuration file that was read, if any.
    public let configFile: String?
    /// Problems found while reading: an unknown key in the file, a secret in a readable file.
    public private(set) var problems: [ConfigurationProblem] = []
    /// Allowed but discouraged: a secret in the environment (visible in `/proc/PID/environ` and
    /// to every child process).
    public private(set) var warnings: [String] = []
    /// `$USER`, for the default audit actor.
    public let userName: String?

    /// Reads `flags` (key name to text, from the command line), `environment` and the
    /// configuration file named by `--config` or `HOLDFAST_CONFIG_FILE`.
    public static func read(flags: [String: String], environment: [String: String]) async throws(ConfigurationError) -> ConfigurationSources {
        for name in flags.keys {
            guard let key = ConfigurationKey.named(name) else { preconditionFailure("no configuration key \(name)") }
            precondition(!key.isSecret, "a secret is never read from the command line")
        }
        let secrets = Set(ConfigurationKey.all.filter(\.isSecret).map(\.name))
        let flagValues = Dictionary(uniqueKeysWithValues: flags.map { (Self.configKey($0.key), ConfigValue(.string($0.value), isSecret: false)) })
        var providers: [(any ConfigProvider, ConfigurationSource)] = [
            (InMemoryProvider(name: "flags", values: flagValues), .flag),
            (EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secrets)), .environment),
        ]
        let configFile = flags[ConfigurationKey.configFile.name] ?? environment[ConfigurationKey.configFile.name].flatMap { $0.isEmpty ? nil : $0 }
        var fileKeys: [String] = []
        if let configFile {
            let file: EnvironmentVariablesProvider
            do {
                file = try await EnvironmentVariablesProvider(environmentFilePath: FilePath(configFile), secretsSpecifier: .specific(secrets))
                fileKeys = try Self.keyNames(inFile: configFile)
            } catch {
                throw ConfigurationError(.fileUnreadable, [ConfigurationProblem(
                    key: ConfigurationKey.configFile.name, source: flags[ConfigurationKey.configFile.name] != nil ? .flag : .environment,
                    "cannot read the configuration file \(configFile): \(Self.reason(error))")], underlying: error)
            }
            providers.append((file, .file))
        }

        var sources = ConfigurationSources(settings: [:], configFile: configFile, userName: environment["USER"])
        for key in ConfigurationKey.all {
            for (provider, source) in providers {
                // Flags and both environment providers answer strings; they cannot fail for them.
                guard let value = try? provider.value(forKey: Self.configKey(key.name), type: .string).value,
                      case .string(let text) = value.content else { continue }
                sources.settings[key.name] = Setting(text: text, source: source)
                if key.isSecret, source == .environment {
                    sources.warnings.append("\(key.name) is set in the environment, where every child process and /proc/PID/environ can read it; prefer \(Self.fileAlternative(of: key))")
                }
                if key == .databaseURL, source == .flag, Self.holdsPassword(text) {
                    sources.warnings.append("--database-url carries a password, which every user of this host can read in the process list; put it in ~/.pgpass, PGPASSFILE or the configuration file (mode 600) instead")
                }
                break
            }
        }
        if let configFile {
            sources.checkFile(configFile, keys: fileKeys)
        }
        return sources
    }

    private init(settings: [String: Setting], configFile: String?, userName: String?) {
        self.settings = settings
        self.configFile = configFile
        self.userName = userName
    }

    /// Sources with exactly these settings, for tests.
    public init(settings: [String: Setting], userName: String? = nil) {
        self.init(settings: settings, configFile: nil, userName: userName)
    }

    /// The setting of `key`, if any source sets it.
    public subscript(key: ConfigurationKey) -> Setting? { settings[key.name] }

    private mutating func checkFile(_ path: String, keys: [String]) {
        let source = ConfigurationSource.file
        for name in keys {
            if name == ConfigurationKey.configFile.name {
                problems.append(ConfigurationProblem(key: name, source: source, "a configuration file cannot name another one"))
            } else if ConfigurationKey.named(name) == nil {
                let hint = ConfigurationKey.nearest(to: name).map { "; did you mean \($0.name)?" } ?? ""
                problems.append(ConfigurationProblem(key: name, source: source, "unknown key in \(path)\(hint)"))
            }
        }
        let secretsInFile = keys.filter { ConfigurationKey.named($0)?.isSecret == true }
        if !secretsInFile.isEmpty, let mode = Self.permissions(of: path), mode & 0o077 != 0 {
            problems.append(ConfigurationProblem(
                key: ConfigurationKey.configFile.name, source: nil,
                "\(path) holds \(secretsInFile.joined(separator: ", ")) but is readable by its group or others (mode \(String(mode, radix: 8))); chmod 600 it, or move the secret to a …_FILE"))
        }
    }

    /// Key names in an environment file, by the rules swift-configuration's parser applies
    /// (trimmed `KEY=value` lines, `#` comments, lines without `=` ignored).
    private static func keyNames(inFile path: String) throws -> [String] {
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        return contents.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            guard parts.count == 2, !name.isEmpty, !name.hasPrefix("#") else { return nil }
            return name
        }
    }

    /// Whether a libpq connection string (URL or `key=value` form) names a password.
    static func holdsPassword(_ connection: String) -> Bool {
        if let url = URLComponents(string: connection), let scheme = url.scheme, scheme.hasPrefix("postgres") {
            if url.password?.isEmpty == false { return true }
            return url.queryItems?.contains { $0.name == "password" && $0.value?.isEmpty == false } ?? false
        }
        return connection.split(whereSeparator: \.isWhitespace).contains { $0.hasPrefix("password=") && $0.count > "password=".count }
    }

    /// The permission bits of `path`, nil when it cannot be examined.
    static func permissions(of path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    private static func configKey(_ name: String) -> AbsoluteConfigKey { AbsoluteConfigKey([name]) }

    private static func fileAlternative(of key: ConfigurationKey) -> String {
        key == .previousMasterKeys ? ConfigurationKey.previousMasterKeyFiles.name : "\(key.name)_FILE"
    }

    static func reason(_ error: any Error) -> String {
        let error = error as NSError
        return error.localizedFailureReason ?? error.localizedDescription
    }
}
