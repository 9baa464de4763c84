/// The configuration cannot be used. `description` lists every problem, one per line, each naming
/// the key (or flag) and where its value came from; never a secret's value.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// One or more settings are invalid or contradict each other; see ``ConfigurationError/problems``.
        public static let invalid = Code("invalid")
        /// The configuration file cannot be read.
        public static let fileUnreadable = Code("fileUnreadable")
        /// A component needs a setting that is not configured (a master key, a signing key).
        public static let missing = Code("missing")

        public var description: String { self.name }
    }

    public var code: Code
    public var problems: [ConfigurationProblem]
    public var underlying: (any Error)?

    public init(_ code: Code, _ problems: [ConfigurationProblem], underlying: (any Error)? = nil) {
        self.code = code
        self.problems = problems
        self.underlying = underlying
    }

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.init(code, [ConfigurationProblem(key: nil, source: nil, message)], underlying: underlying)
    }

    public var description: String {
        problems.count == 1 ? problems[0].description
            : "\(problems.count) configuration problems:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// One invalid or contradictory setting.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The key at fault; nil for a problem of the whole configuration.
    public var key: String?
    /// Where the key's value came from.
    public var source: ConfigurationSource?
    public var message: String

    public init(key: String?, source: ConfigurationSource?, _ message: String) {
        self.key = key
        self.source = source
        self.message = message
    }

    public var description: String {
        guard let key else { return message }
        guard let source, source != .default else { return "\(key): \(message)" }
        return "\(key) (\(source.phrase)): \(message)"
    }
}

/// Where a setting's value came from, in order of precedence: a flag wins over the environment,
/// which wins over the configuration file, which wins over the default.
public enum ConfigurationSource: String, Sendable, Hashable {
    case flag
    case environment
    case file
    case `default`

    var phrase: String {
        switch self {
        case .flag: "from a flag"
        case .environment: "from the environment"
        case .file: "from the configuration file"
        case .default: "default"
        }
    }
}
