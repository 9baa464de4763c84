import ArgumentParser
import Foundation
import Logging

/// `--log-level` and `--log-format`, shared by every command.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default: $HOLDFAST_LOG_LEVEL or info).")
    var level: String?

    @Option(name: .customLong("log-format"), help: "json (one object per line) or text (default: $HOLDFAST_LOG_FORMAT or text).")
    var format: Format?

    func validate() throws {
        if let level, Logger.Level(rawValue: level) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical (got '\(level)').")
        }
    }

    /// Builds this process's root logger. Logs go to standard error, so command output stays clean.
    func makeLogger(label: String) -> Logger {
        let environment = ProcessInfo.processInfo.environment
        let levelName = level ?? environment["HOLDFAST_LOG_LEVEL"] ?? "info"
        let resolvedLevel = Logger.Level(rawValue: levelName) ?? .info
        let resolvedFormat = format ?? environment["HOLDFAST_LOG_FORMAT"].flatMap(Format.init(rawValue:)) ?? .text
        var logger = Logger(label: label) { label in
            StructuredLogHandler(label: label, format: resolvedFormat == .json ? .json : .text)
        }
        logger.logLevel = resolvedLevel
        return logger
    }
}
