public import Logging
import NIOConcurrencyHelpers

/// Keeps every record logged through its loggers, so a test can check what was logged and with
/// which metadata (a job's `job.id`, a request's `request.id`).
public final class LogCapture: Sendable {
    /// One logged record, with the logger's metadata and the call's merged.
    public struct Record: Sendable {
        public var label: String
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata

        /// A metadata value as text, nil when absent.
        public subscript(key: String) -> String? { self.metadata[key].map { "\($0)" } }
    }

    private let storage = NIOLockedValueBox<[Record]>([])

    public init() {}

    /// A logger that records at every level (trace included) into this capture.
    public func logger(label: String) -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }

    public var records: [Record] { self.storage.withLockedValue { $0 } }

    public func removeAll() { self.storage.withLockedValue { $0.removeAll() } }

    fileprivate func append(_ record: Record) { self.storage.withLockedValue { $0.append(record) } }

    private struct Handler: LogHandler {
        let label: String
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = self.metadata
            if let provided = self.metadataProvider?.get() { merged.merge(provided) { $1 } }
            if let explicit = event.metadata { merged.merge(explicit) { $1 } }
            self.capture.append(Record(label: self.label, level: event.level, message: event.message.description, metadata: merged))
        }
    }
}
