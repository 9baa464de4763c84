import Foundation

/// Turns the text of settings into typed values, collecting a problem, with the key, its source
/// and what is expected, for each value that does not fit, so one run reports every mistake.
struct SettingReader {
    let sources: ConfigurationSources
    var problems: [ConfigurationProblem] = []

    init(_ sources: ConfigurationSources) {
        self.sources = sources
        self.problems = sources.problems
    }

    /// The text of `key`; nil when unset or set to an empty value.
    func text(_ key: ConfigurationKey) -> String? {
        guard let text = sources[key]?.text.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    mutating func problem(_ key: ConfigurationKey, _ message: String) {
        let setting = sources[key]
        let name = setting?.source == .flag ? key.flag ?? key.name : key.name
        problems.append(ConfigurationProblem(key: name, source: setting?.source,
                                             key.isSecret || setting == nil ? message : "'\(setting!.text)' \(message)"))
    }

    /// A problem of several keys together (both blob stores set).
    mutating func conflict(_ message: String) {
        problems.append(ConfigurationProblem(key: nil, source: nil, message))
    }

    mutating func int(_ key: ConfigurationKey, default value: Int, in range: ClosedRange<Int>) -> Int {
        guard let text = text(key) else { return value }
        guard let number = Int(text), range.contains(number) else {
            problem(key, "is not a whole number between \(range.lowerBound) and \(range.upperBound)")
            return value
        }
        return number
    }

    mutating func optionalInt(_ key: ConfigurationKey, in range: ClosedRange<Int>) -> Int? {
        guard text(key) != nil else { return nil }
        let value = int(key, default: range.lowerBound - 1, in: range)
        return range.contains(value) ? value : nil
    }

    /// A number of seconds (fractions allowed) of at least `minimum`.
    mutating func seconds(_ key: ConfigurationKey, default value: Duration, minimum: Double = 0, exclusive: Bool = false) -> Duration {
        guard let text = text(key) else { return value }
        guard let seconds = Self.parseSeconds(text), exclusive ? seconds > minimum : seconds >= minimum else {
            problem(key, "is not a number of seconds \(exclusive ? "above" : "of at least") \(Self.format(minimum))")
            return value
        }
        return Self.duration(seconds: seconds)
    }

    mutating func days(_ key: ConfigurationKey, default days: Double, positive: Bool) -> Duration {
        let text = text(key)
        guard let text else { return Self.duration(seconds: days * 86_400) }
        guard let value = Double(text), value.isFinite, positive ? value > 0 : value >= 0, value <= 36_500 else {
            problem(key, "is not a number of days \(positive ? "above 0" : "of at least 0") (at most 36500)")
            return Self.duration(seconds: days * 86_400)
        }
        return Self.duration(seconds: value * 86_400)
    }

    mutating func bool(_ key: ConfigurationKey, default value: Bool) -> Bool {
        guard let text = text(key) else { return value }
        guard let parsed = ["true": true, "1": true, "yes": true, "false": false, "0": false, "no": false][text.lowercased()] else {
            problem(key, "is not true or false")
            return value
        }
        return parsed
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: ConfigurationKey, default value: T, transform: (String) -> String = { $0 }) -> T
    where T.RawValue == String {
        guard let text = text(key) else { return value }
        guard let parsed = T(rawValue: transform(text)) else {
            problem(key, "is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return value
        }
        return parsed
    }

    /// An http or https URL with a host; trailing slashes dropped.
    mutating func url(_ key: ConfigurationKey, default value: String) -> String {
        guard var text = text(key) else { return value }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil else {
            problem(key, "is not an http or https URL with a host (and no query)")
            return value
        }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// A secret from `fileKey` (a path) or `valueKey` (the value); not both.
    mutating func secret(file fileKey: ConfigurationKey, value valueKey: ConfigurationKey) -> HoldfastConfiguration.Secret? {
        switch (text(fileKey), sources[valueKey].flatMap { $0.text.isEmpty ? nil : $0.text }) {
        case (let path?, nil): return .file(path)
        case (nil, let value?): return .value(value)
        case (.some, .some):
            conflict("\(fileKey.name) and \(valueKey.name) are both set: set one")
            return nil
        case (nil, nil): return nil
        }
    }

    static func parseSeconds(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite, value >= 0, value <= 10 * 365 * 86_400 else { return nil }
        return value
    }

    static func duration(seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }

    static func format(_ seconds: Double) -> String { seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)" }
}
