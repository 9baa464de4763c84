import Logging
typealias ResponseContinuation = CheckedContinuation<HTTPResponse, any Error>

struct TransferID: Hashable, Sendable, CustomStringConvertible {
    let rawValue: UInt64

    var description: String { String(self.rawValue) }
}

/// A request handed to the loop, not yet started on the multi handle.
struct QueuedTransfer: Sendable {
    let id: TransferID
    let request: HTTPRequest
    let continuation: ResponseContinuation
    let submittedAt: ContinuousClock.Instant
    /// The caller's logger: the transfer's lines carry its metadata (`job.id`, `request.id`).
    let logger: Logger
}

/// What the loop thread must do next, taken from ``TransferLoopState`` in one locked step.
struct TransferLoopInbox: Sendable {
    var submissions: [QueuedTransfer] = []
    var cancellations: [TransferID] = []
    var stopRequested = false
}

/// The state shared between callers and the loop thread, as a pure state machine: every method
/// runs under `TransferLoop`'s lock and returns what to do once the lock is released.
///
/// Each request's continuation is resumed exactly once, by whoever moves it out of its phase:
/// - `registered` → `cancelledBeforeSubmission` (cancel won the race): `submit` fails it.
/// - `queued` → gone: `cancel` or `stop` fails it (the loop thread never saw it).
/// - `onLoopThread` → gone: only the loop thread resumes it (completed, cancelled, or shut down).
struct TransferLoopState: Sendable {
    enum Phase: Equatable, Sendable {
        case registered
        case cancelledBeforeSubmission
        case queued
        case onLoopThread
    }

    enum Lifecycle: Sendable {
        case running
        case stopping(waiters: [CheckedContinuation<Void, Never>])
        case stopped
    }

    private var lifecycle: Lifecycle = .running
    private var lastID: UInt64 = 0
    private var phases: [TransferID: Phase] = [:]
    private var queue: [QueuedTransfer] = []
    private var cancellations: [TransferID] = []

    var isRunning: Bool {
        if case .running = self.lifecycle { return true }
        return false
    }

    /// Names a request before it is submitted, so a cancellation that arrives first is not lost.
    mutating func register() -> TransferID {
        self.lastID += 1
        let id = TransferID(rawValue: self.lastID)
        self.phases[id] = .registered
        return id
    }

    enum SubmitAction {
        case wakeLoop
        case fail(ResponseContinuation, cancelled: Bool)
    }

    mutating func submit(_ transfer: QueuedTransfer) -> SubmitAction {
        let phase = self.phases.removeValue(forKey: transfer.id)
        switch phase {
        case .registered:
            guard self.isRunning else {
                return .fail(transfer.continuation, cancelled: false)
            }
            self.phases[transfer.id] = .queued
            self.queue.append(transfer)
            return .wakeLoop
        case .cancelledBeforeSubmission:
            return .fail(transfer.continuation, cancelled: true)
        case .queued, .onLoopThread, nil:
            preconditionFailure("transfer \(transfer.id) submitted twice")
        }
    }

    enum CancelAction {
        case none
        case wakeLoop
        case fail(ResponseContinuation)
    }

    mutating func cancel(_ id: TransferID) -> CancelAction {
        switch self.phases[id] {
        case .registered:
            self.phases[id] = .cancelledBeforeSubmission
            return .none
        case .queued:
            self.phases[id] = nil
            let index = self.queue.firstIndex { $0.id == id }!
            return .fail(self.queue.remove(at: index).continuation)
        case .onLoopThread:
            self.cancellations.append(id)
            return .wakeLoop
        case .cancelledBeforeSubmission, nil:
            // Already cancelled, or already finished.
            return .none
        }
    }

    /// Loop thread: everything submitted or cancelled since the last call.
    mutating func takeInbox() -> TransferLoopInbox {
        var inbox = TransferLoopInbox()
        swap(&inbox.submissions, &self.queue)
        swap(&inbox.cancellations, &self.cancellations)
        for transfer in inbox.submissions {
            self.phases[transfer.id] = .onLoopThread
        }
        if case .stopping = self.lifecycle {
            inbox.stopRequested = true
        }
        return inbox
    }

    /// Loop thread: the transfer is done and about to be resumed; later cancels are no-ops.
    mutating func finished(_ id: TransferID) {
        self.phases[id] = nil
    }

    enum StopAction {
        /// Fail these never-started requests, then wake the loop so it stops.
        case failQueuedAndWakeLoop([ResponseContinuation])
        case none
        case resumeWaiter
    }

    mutating func stop(waiter: CheckedContinuation<Void, Never>?) -> StopAction {
        switch self.lifecycle {
        case .running:
            self.lifecycle = .stopping(waiters: waiter.map { [$0] } ?? [])
            let queued = self.queue
            self.queue = []
            for transfer in queued {
                self.phases[transfer.id] = nil
            }
            return .failQueuedAndWakeLoop(queued.map(\.continuation))
        case .stopping(var waiters):
            if let waiter {
                waiters.append(waiter)
            }
            self.lifecycle = .stopping(waiters: waiters)
            return .none
        case .stopped:
            return waiter == nil ? .none : .resumeWaiter
        }
    }

    /// Loop thread, last call: returns who waits for the stop.
    mutating func loopDidStop() -> [CheckedContinuation<Void, Never>] {
        guard case .stopping(let waiters) = self.lifecycle else {
            preconditionFailure("the loop stopped without being asked to")
        }
        self.lifecycle = .stopped
        return waiters
    }
}
