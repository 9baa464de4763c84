import Foundation
public import Queue

/// The leader's periodic SLA evaluation, as a maintenance task the coordinator runs.
public struct SLAEvaluationTask: MaintenanceTask {
    public let evaluator: SLAEvaluator
    public let interval: Duration
    public var name: String { "sla" }

    public init(evaluator: SLAEvaluator, interval: Duration = .seconds(60)) {
        self.evaluator = evaluator
        self.interval = interval
    }

    /// Returns the number of state changes recorded.
    public func runOnce() async throws -> Int {
        try await evaluator.evaluateAndRecord(now: Date()).transitions.count
    }
}
