import Foundation
public import Queue

/// The leader's periodic SLA evaluation, as a maintenance task the coordinator runs.
public struct SLAEvaluationTask: MaintenanceTask {
    public let evaluator: SLAEvaluator
    public let interval: Duration
    /// Told every round's assessments, and when the rounds stop (metrics of the tenants' SLA).
    public let observer: (any SLAEvaluationObserver)?
    public var name: String { "sla" }

    public init(evaluator: SLAEvaluator, interval: Duration = .seconds(60), observer: (any SLAEvaluationObserver)? = nil) {
        self.evaluator = evaluator
        self.interval = interval
        self.observer = observer
    }

    /// Returns the number of state changes recorded.
    public func runOnce() async throws -> Int {
        let round = try await evaluator.evaluateAndRecord(now: Date())
        observer?.evaluated(round)
        return round.transitions.count
    }

    public func stopped() {
        observer?.evaluationStopped()
    }
}

/// Receives the leader's SLA evaluation rounds.
public protocol SLAEvaluationObserver: Sendable {
    func evaluated(_ round: SLAEvaluationRound)
    /// This process no longer evaluates (it stopped leading): what it reported is out of date.
    func evaluationStopped()
}
