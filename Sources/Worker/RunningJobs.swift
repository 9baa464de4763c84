import Queue
import Synchronization

/// Why a worker stops a handler before it returns.
enum StopReason: Sendable, Hashable {
    /// An operator cancelled the job: mark it cancelled.
    case cancelRequested
    /// The claim no longer holds (rescued or finished elsewhere): write nothing.
    case leaseLost
    /// Graceful shutdown's deadline passed: hand the job back without burning the attempt.
    case shutdown
}

/// The jobs a worker holds, and the signal that stops each one's handler. A plain state machine
/// behind a lock; continuations are resumed after the lock is released.
final class RunningJobs: Sendable {
    private struct Entry {
        var claim: JobClaim
        /// When the last heartbeat that found the claim held was sent (the claim's own statement
        /// at first): the database extended the lease after this instant, never before it.
        var renewedAt: ContinuousClock.Instant
        var stopReason: StopReason?
        var waiter: CheckedContinuation<StopReason?, Never>?
        var waitCancelled = false
        /// The handler returned; only the outcome's write is pending. The slot is free again.
        var handlerDone = false
        /// Not interactive (``QueuePriority``): counts against the slots scheduled work may fill.
        var bulk = false
    }

    /// The claim loop, waiting for slots to free up (`waitForFreeSlots`).
    private struct SlotWaiter {
        var id: Int
        var wanted: Int
        var concurrency: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var entries: [Job.ID: Entry] = [:]
        var slotWaiter: SlotWaiter?
        var nextWaiterID = 0

        func freeSlots(of concurrency: Int) -> Int {
            let writing = entries.values.count(where: \.handlerDone)
            let handling = entries.count - writing
            return max(0, concurrency - handling - max(0, writing - concurrency))
        }

        /// The slot waiter to resume now that slots freed, if it has what it waits for.
        mutating func satisfiedSlotWaiter() -> CheckedContinuation<Void, Never>? {
            guard let waiter = slotWaiter, freeSlots(of: waiter.concurrency) >= waiter.wanted else { return nil }
            slotWaiter = nil
            return waiter.continuation
        }
    }

    private let state = Mutex(State())

    /// Jobs held, including those whose outcome is still being written.
    var count: Int { state.withLock { $0.entries.count } }

    /// Slots free for new jobs out of `concurrency`. A job's slot frees when its handler returns,
    /// while its outcome is still being written; but no more than `concurrency` outcomes may be
    /// pending, or a slow database would let claims outrun completions without bound (seen in the
    /// benchmark: 10,000 jobs awaiting completion, leases held, one huge completion statement).
    func freeSlots(of concurrency: Int) -> Int {
        state.withLock { $0.freeSlots(of: concurrency) }
    }

    /// Returns once `wanted` of `concurrency` slots are free, or after `timeout`, whichever comes
    /// first. The claim loop gathers freed slots this way so one claim fills several: jobs that
    /// end together free their slots within microseconds of each other, and a fixed sleep made
    /// every such claim wait the whole delay.
    func waitForFreeSlots(_ wanted: Int, of concurrency: Int, upTo timeout: Duration) async {
        if freeSlots(of: concurrency) >= wanted { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForFreeSlots(wanted, of: concurrency) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// `waitForFreeSlots(_:of:upTo:)` without the timeout; returns early when cancelled.
    private func waitForFreeSlots(_ wanted: Int, of concurrency: Int) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if Task.isCancelled || state.freeSlots(of: concurrency) >= wanted { return true }
                    state.slotWaiter = SlotWaiter(id: id, wanted: wanted, concurrency: concurrency, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.slotWaiter, waiter.id == id else { return nil }
                state.slotWaiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }
    }

    /// Frees the job's slot while its outcome is written, so the next claim overlaps that write.
    func handlerFinished(_ id: Job.ID) {
        let waiter = state.withLock { state in
            state.entries[id]?.handlerDone = true
            return state.satisfiedSlotWaiter()
        }
        waiter?.resume()
    }

    var claims: [JobClaim] { state.withLock { $0.entries.values.map(\.claim) } }

    /// Holds `claim`, whose claim statement was sent at `claimedAt`; `bulk`: a non-interactive job.
    func insert(_ claim: JobClaim, claimedAt: ContinuousClock.Instant, bulk: Bool = false) {
        state.withLock { $0.entries[claim.jobID] = Entry(claim: claim, renewedAt: claimedAt, bulk: bulk) }
    }

    /// Non-interactive jobs whose handlers still run (each holds a slot).
    var bulkHandling: Int { state.withLock { $0.entries.values.count { $0.bulk && !$0.handlerDone } } }

    /// Records that a heartbeat sent at `sentAt` extended the job's lease.
    func renewed(_ id: Job.ID, sentAt: ContinuousClock.Instant) {
        state.withLock { state in
            guard var entry = state.entries[id], entry.renewedAt < sentAt else { return }
            entry.renewedAt = sentAt
            state.entries[id] = entry
        }
    }

    /// Whether the job's lease was renewed less than `fenceAfter` ago (and it is not being stopped).
    func isFresh(_ id: Job.ID, fenceAfter: Duration, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            guard let entry = state.entries[id], entry.stopReason == nil else { return false }
            return now - entry.renewedAt < fenceAfter
        }
    }

    /// Jobs still handled whose lease was last renewed `fenceAfter` ago or longer.
    func stale(fenceAfter: Duration, now: ContinuousClock.Instant = .now) -> [(claim: JobClaim, sinceRenewal: Duration)] {
        state.withLock { state in
            state.entries.values.filter { $0.stopReason == nil && !$0.handlerDone && now - $0.renewedAt >= fenceAfter }
                .map { ($0.claim, now - $0.renewedAt) }
        }
    }

    func remove(_ id: Job.ID) {
        let (waiter, slotWaiter) = state.withLock { state in
            (state.entries.removeValue(forKey: id)?.waiter, state.satisfiedSlotWaiter())
        }
        waiter?.resume(returning: nil)
        slotWaiter?.resume()
    }

    /// Asks the job's handler to stop. The first reason wins.
    func stop(_ id: Job.ID, reason: StopReason) {
        let waiter: CheckedContinuation<StopReason?, Never>? = state.withLock { state in
            guard var entry = state.entries[id], entry.stopReason == nil else { return nil }
            entry.stopReason = reason
            let waiter = entry.waiter
            entry.waiter = nil
            state.entries[id] = entry
            return waiter
        }
        waiter?.resume(returning: reason)
    }

    func stopAll(reason: StopReason) {
        for id in state.withLock({ Array($0.entries.keys) }) { stop(id, reason: reason) }
    }

    /// Returns when the job is asked to stop (with the reason), or nil when the waiting task is
    /// cancelled or the job is no longer held.
    func waitForStop(_ id: Job.ID) async -> StopReason? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<StopReason?, Never>) in
                let immediate: StopReason?? = state.withLock { state in
                    guard var entry = state.entries[id] else { return .some(nil) }
                    if let reason = entry.stopReason { return .some(reason) }
                    if entry.waitCancelled { return .some(nil) }
                    entry.waiter = continuation
                    state.entries[id] = entry
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<StopReason?, Never>? = state.withLock { state in
                guard var entry = state.entries[id] else { return nil }
                entry.waitCancelled = true
                let waiter = entry.waiter
                entry.waiter = nil
                state.entries[id] = entry
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
