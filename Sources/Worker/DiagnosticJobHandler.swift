public import Queue

/// The `diagnostic` kind: checks a deployment end to end without touching a tenant. It sleeps,
/// reports progress, and fails on request, so operators (and the process-level tests) can watch
/// claims, heartbeats, retries, cancellation and shutdown on real workers.
///
/// Arguments (all optional): `sleep_ms` (default 0), `fail` (`"retryable"` or `"permanent"`),
/// `fail_until_attempt` (fail only attempts before this one), `progress_steps` (progress reports
/// spread over the sleep).
public struct DiagnosticJobHandler: JobHandler {
    public struct Arguments: Codable, Sendable {
        public var sleepMilliseconds: Int?
        public var fail: String?
        public var failUntilAttempt: Int?
        public var progressSteps: Int?

        public init(sleepMilliseconds: Int? = nil, fail: String? = nil, failUntilAttempt: Int? = nil, progressSteps: Int? = nil) {
            self.sleepMilliseconds = sleepMilliseconds
            self.fail = fail
            self.failUntilAttempt = failUntilAttempt
            self.progressSteps = progressSteps
        }

        enum CodingKeys: String, CodingKey {
            case sleepMilliseconds = "sleep_ms"
            case fail
            case failUntilAttempt = "fail_until_attempt"
            case progressSteps = "progress_steps"
        }
    }

    struct Progress: Encodable { var step: Int; var of: Int }

    public var kind: JobKind { .diagnostic }

    public init() {}

    public func run(_ job: Job, context: JobContext) async throws {
        let arguments = try job.decodeArguments(Arguments.self)
        let total = max(0, arguments.sleepMilliseconds ?? 0)
        let steps = max(1, arguments.progressSteps ?? 1)
        if total > 0 {
            for step in 1...steps {
                try await Task.sleep(for: .milliseconds(total / steps))
                if arguments.progressSteps != nil { try await context.reportProgress(encoding: Progress(step: step, of: steps)) }
            }
        }
        let failing = arguments.failUntilAttempt.map { job.attempt < $0 } ?? true
        switch arguments.fail {
        case "permanent" where failing:
            throw PermanentJobError("diagnostic job asked to fail permanently")
        case "retryable" where failing:
            throw DiagnosticFailure(attempt: job.attempt)
        default:
            return
        }
    }
}

struct DiagnosticFailure: Error, CustomStringConvertible {
    var attempt: Int
    var description: String { "diagnostic job asked to fail (attempt \(attempt))" }
}
