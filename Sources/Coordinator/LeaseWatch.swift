import Synchronization

/// When the leader's lease was last renewed, and whether someone else took it. Shared between the
/// renewing task and the watchdog that steps down in time.
final class LeaseWatch: Sendable {
    private struct State {
        var renewedAt: ContinuousClock.Instant
        var lost = false
    }

    private let state: Mutex<State>

    init(renewedAt: ContinuousClock.Instant) {
        state = Mutex(State(renewedAt: renewedAt))
    }

    func renewed(at instant: ContinuousClock.Instant) {
        state.withLock { $0.renewedAt = max($0.renewedAt, instant) }
    }

    func lose() { state.withLock { $0.lost = true } }

    var renewedAt: ContinuousClock.Instant { state.withLock { $0.renewedAt } }
    var isLost: Bool { state.withLock { $0.lost } }
}
