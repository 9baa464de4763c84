/// Exponential backoff with full jitter (AWS architecture blog's "full jitter"): a random wait in
/// [step/2, step], where step doubles per attempt up to `maximum`, so many clients throttled at
/// once do not come back in lockstep.
enum Backoff {
    static func delay(attempt: Int, initial: Duration, maximum: Duration) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let step = min(initial * (1 << exponent), maximum)
        let milliseconds = max(Int64(step.seconds * 1000), 1)
        return .milliseconds(Int64.random(in: (milliseconds / 2)...milliseconds))
    }
}
