import ArgumentParser

/// Seconds given on the command line (`--lease 30`, `--lease 0.5`).
struct Seconds: ExpressibleByArgument, Sendable {
    var duration: Duration

    init?(argument: String) {
        // Int64(exactly:) refuses what does not fit (1e300 would trap a plain conversion).
        guard let value = Double(argument), value >= 0, value.isFinite, let milliseconds = Int64(exactly: (value * 1000).rounded()) else {
            return nil
        }
        duration = .milliseconds(milliseconds)
    }

    init(_ seconds: Double) {
        duration = .milliseconds(Int64((seconds * 1000).rounded()))
    }

    var defaultValueDescription: String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value))" : "\(value)"
    }
}
