import ArgumentParser

/// Seconds given on the command line (`--lease 30`, `--lease 0.5`).
struct Seconds: ExpressibleByArgument, Sendable {
    var duration: Duration

    init?(argument: String) {
        guard let value = Double(argument), value >= 0, value.isFinite else { return nil }
        duration = .milliseconds(Int64((value * 1000).rounded()))
    }

    init(_ seconds: Double) {
        duration = .milliseconds(Int64((seconds * 1000).rounded()))
    }

    var defaultValueDescription: String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value))" : "\(value)"
    }
}
