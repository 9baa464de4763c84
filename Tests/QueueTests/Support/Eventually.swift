import Foundation

struct ConditionNotMet: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` until it holds. The limit is a safety net so a broken build fails instead of
/// hanging; it is generous and asserts nothing about speed.
func eventually(_ what: String, within limit: Duration = .seconds(300), every step: Duration = .milliseconds(50),
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while true {
        if try await condition() { return }
        if ContinuousClock.now > deadline { throw ConditionNotMet(description: "gave up waiting: \(what)") }
        try await Task.sleep(for: step)
    }
}
