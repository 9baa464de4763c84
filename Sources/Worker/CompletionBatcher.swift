import Queue
import Synchronization

/// Group commit for completions: while one UPDATE is in flight, the completions that arrive
/// queue up and go together in the next one. No timer, no extra task: the first caller that
/// finds no flush in progress becomes the flusher until the queue is empty.
final class CompletionBatcher: Sendable {
    typealias Write = @Sendable ([JobClaim]) async throws -> Set<JobClaim>

    private struct State {
        var pending: [JobClaim] = []
        var flushing = false
        var results: [JobClaim: Result<Bool, any Error>] = [:]
        var waiters: [JobClaim: CheckedContinuation<Bool, any Error>] = [:]
    }

    /// Most completions written by one statement.
    static let maximumBatch = 1_000

    private let state = Mutex(State())
    private let write: Write
    /// How long a new flusher waits for companions before writing (zero: write at once).
    private let gatherDelay: Duration

    init(gatherDelay: Duration = .zero, write: @escaping Write) {
        self.gatherDelay = gatherDelay
        self.write = write
    }

    /// Completes the claim; returns false when the claim no longer held.
    func complete(_ claim: JobClaim) async throws -> Bool {
        let flusher = state.withLock { state -> Bool in
            state.pending.append(claim)
            if state.flushing { return false }
            state.flushing = true
            return true
        }
        if flusher { await flush() }
        return try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Bool, any Error>? = state.withLock { state in
                if let result = state.results.removeValue(forKey: claim) { return result }
                state.waiters[claim] = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    private func flush() async {
        if gatherDelay > .zero { try? await Task.sleep(for: gatherDelay) }
        while true {
            let batch: [JobClaim] = state.withLock { state in
                // Bounded, so one statement's cost stays predictable whatever piled up meanwhile.
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            let outcome: Result<Set<JobClaim>, any Error>
            do {
                outcome = .success(try await write(batch))
            } catch {
                outcome = .failure(error)
            }
            var resumptions: [(CheckedContinuation<Bool, any Error>, Result<Bool, any Error>)] = []
            state.withLock { state in
                for claim in batch {
                    let result: Result<Bool, any Error> = outcome.map { $0.contains(claim) }
                    if let waiter = state.waiters.removeValue(forKey: claim) {
                        resumptions.append((waiter, result))
                    } else {
                        state.results[claim] = result
                    }
                }
            }
            for (waiter, result) in resumptions { waiter.resume(with: result) }
        }
    }
}
