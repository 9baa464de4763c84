import ArgumentParser
import Foundation

/// A span of time on the command line: `90s`, `30m`, `12h`, `30d`, `2w`, or plain seconds.
struct TimeSpan: ExpressibleByArgument, Sendable {
    var seconds: TimeInterval

    init?(argument: String) {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400]
        var text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        var scale: TimeInterval = 1
        if let last = text.last, let unit = units[last] {
            scale = unit
            text.removeLast()
        }
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        self.seconds = value * scale
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// The most natural unit that divides the span.
    static func format(_ seconds: TimeInterval) -> String {
        for (unit, size) in [("w", 604_800.0), ("d", 86_400.0), ("h", 3600.0), ("m", 60.0)] where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int64(seconds / size))\(unit)"
        }
        return seconds == seconds.rounded() ? "\(Int64(seconds))s" : "\(seconds)s"
    }
}
