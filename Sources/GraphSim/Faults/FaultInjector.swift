import NIOConcurrencyHelpers

/// Draws each response's fault from the tenant's profile (or the global one) with a seeded
/// generator, so a failing test can be rerun with the same sequence of faults.
final class FaultInjector: Sendable {
    private struct State {
        var global = FaultProfile.none
        var random: DeterministicRandom
    }

    private let state: NIOLockedValueBox<State>

    init(seed: UInt64) {
        state = NIOLockedValueBox(State(random: DeterministicRandom(seed: seed, salt: "faults")))
    }

    var globalProfile: FaultProfile {
        get { state.withLockedValue { $0.global } }
        set { state.withLockedValue { $0.global = newValue } }
    }

    /// The fault for one response under `profile` (the tenant's, when it has one).
    func decide(tenantProfile: FaultProfile?) -> (FaultDecision, latency: Double) {
        state.withLockedValue { state in
            let profile = tenantProfile ?? state.global
            guard !profile.isQuiet else { return (.none, 0) }
            let latency = profile.addedLatency
            if state.random.chance(profile.connectionResetRate) { return (.connectionReset, latency) }
            // Drawn only when asked for, so profiles without it keep the sequences they had before it existed.
            if profile.tooManyRequestsRate > 0, state.random.chance(profile.tooManyRequestsRate) {
                return (.tooManyRequests(retryAfter: profile.retryAfterOn429), latency)
            }
            if state.random.chance(profile.serviceUnavailableRate) {
                return (.serviceUnavailable(retryAfter: profile.retryAfterOn503), latency)
            }
            if state.random.chance(profile.gatewayTimeoutRate) { return (.gatewayTimeout, latency) }
            if state.random.chance(profile.truncatedBodyRate) { return (.truncatedBody, latency) }
            if state.random.chance(profile.slowResponseRate) { return (.slow(profile.slowResponseDelay), latency) }
            return (.none, latency)
        }
    }
}
