/// One setting Holdfast reads: its name (the environment variable, and the key in a
/// configuration file), the flag that sets it on the command line, its default and what it means.
/// ``ConfigurationKey/all`` is the list `holdfast config check` prints and `docs/configuration.md`
/// is checked against.
public struct ConfigurationKey: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable and configuration file key, e.g. `HOLDFAST_DATABASE_URL`.
    public let name: String
    /// The command-line flag, e.g. `--database-url`; nil when the key has none (secrets never do).
    public let flag: String?
    /// The default, as the documentation states it.
    public let defaultValue: String
    /// What the key means, one sentence or two.
    public let summary: String
    /// A secret: never printed, never accepted as a flag, and a warning when it comes from the
    /// environment (read it from the matching `…_FILE` key instead).
    public let isSecret: Bool
    /// The section of docs/configuration.md and `config check` it is listed under.
    public let section: Section

    public enum Section: String, Sendable, CaseIterable {
        case general = "General"
        case database = "Database"
        case logging = "Logging and metrics"
        case api = "HTTP API"
        case keys = "Master keys"
        case blobStore = "Blob store"
        case graph = "Microsoft Graph"
        case webhook = "Webhooks"
        case compliance = "SLA and compliance reports"
        case worker = "Worker"
        case coordinator = "Coordinator"
    }

    init(_ name: String, flag: String? = nil, default defaultValue: String, secret: Bool = false, section: Section, _ summary: String) {
        precondition(!secret || flag == nil, "a secret never has a flag")
        self.name = name
        self.flag = flag
        self.defaultValue = defaultValue
        self.summary = summary
        self.isSecret = secret
        self.section = section
    }

    public var description: String { name }

    public static func == (lhs: ConfigurationKey, rhs: ConfigurationKey) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The key called `name`, if there is one.
    public static func named(_ name: String) -> ConfigurationKey? { byName[name] }

    private static let byName: [String: ConfigurationKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The known key nearest to `name` by edit distance, for "did you mean" messages; nil when
    /// nothing is close.
    public static func nearest(to name: String) -> ConfigurationKey? {
        let upper = name.uppercased()
        var best: (key: ConfigurationKey, distance: Int)?
        for key in all {
            let distance = EditDistance.between(upper, key.name)
            if distance < (best?.distance ?? Int.max) { best = (key, distance) }
        }
        guard let best, best.distance <= max(3, upper.count / 3) else { return nil }
        return best.key
    }
}

/// Levenshtein distance, for suggesting the key an operator meant.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
