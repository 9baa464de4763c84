import ArgumentParser
import Queue

/// `--max-run-time backup=21600,restore=43200`: the longest a job of each listed kind may run, in seconds.
struct MaximumRunTimes: ExpressibleByArgument, Sendable {
    var limits: [JobKind: Duration]

    init?(argument: String) {
        var limits: [JobKind: Duration] = [:]
        for entry in argument.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let seconds = Seconds(argument: parts[1]), seconds.duration > .zero else { return nil }
            limits[JobKind(parts[0])] = seconds.duration
        }
        guard !limits.isEmpty else { return nil }
        self.limits = limits
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
