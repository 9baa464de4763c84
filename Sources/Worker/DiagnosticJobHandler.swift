public import Queue

/// The `diagnostic` kind: checks a deployment end to end without touching a tenant. It sleeps,
/// reports progress, and fails on request, so operators (and the process-level tests) can watch
/// claims, heartbeats, retries, cancellation and shutdown on real workers.
///
/// Arguments (all optional): `sleep_ms` (default 0), `fail` (`"retryable"` or `"permanent"`),
/// `fail_until_attempt` (fail only attempts before this one), `progress_steps` (progress reports
/// spread over the sleep).
public struct DiagnosticJobHandler: TypedJobHandler {
    public struct Arguments: JobArguments {
        public static var kind: JobKind { .diagnostic }
        public static var tenant: JobTenantRequirement { .optional }
        public static var servesInactiveTenants: Bool { true }
        /// An hour: a diagnostic job is for watching a deployment, not for occupying it.
        static let maxSleepMilliseconds = 3_600_000
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

        public func validate() throws(QueueError) {
            if let sleepMilliseconds, !(0...Self.maxSleepMilliseconds).contains(sleepMilliseconds) {
                throw Self.invalid("sleep_ms", "must be between 0 and \(Self.maxSleepMilliseconds), not \(sleepMilliseconds)")
            }
            if let fail, fail != "retryable", fail != "permanent" {
                throw Self.invalid("fail", "must be \"retryable\" or \"permanent\", not \"\(fail)\"")
            }
            if let failUntilAttempt, failUntilAttempt < 1 {
                throw Self.invalid("fail_until_attempt", "must be an attempt number (1 or more), not \(failUntilAttempt)")
            }
            if let progressSteps, !(1...10_000).contains(progressSteps) {
                throw Self.invalid("progress_steps", "must be between 1 and 10000, not \(progressSteps)")
            }
        }
    }

    struct Progress: Encodable { var step: Int; var of: Int }

    public init() {}

    public func run(_ job: Job, arguments: Arguments, context: JobContext) async throws {
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
