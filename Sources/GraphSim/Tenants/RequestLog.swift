public import Foundation
import NIOConcurrencyHelpers

/// One request graph-sim answered for a tenant: what an assertion about a client's behaviour needs
/// (did it wait out `Retry-After`? how many requests did a backup make?).
public struct RequestRecord: Sendable, Equatable {
    /// Position in the tenant's log, from 1.
    public var sequence: Int
    /// Real time the request arrived (throttling windows are real time).
    public var receivedAt: Date
    /// Simulated time the request arrived.
    public var simulatedAt: Date
    public var method: String
    /// Path and query below `/v1.0`.
    public var path: String
    public var appId: String?
    public var status: Int
    /// Resource units charged (`x-ms-resource-unit`).
    public var cost: Int
    /// `Retry-After` seconds sent with a 429 (nil when none was sent).
    public var retryAfter: Double?
    /// `x-ms-throttle-scope` of a 429.
    public var throttleScope: String?
    public var requestId: String
    public var clientRequestId: String?
    /// The `$batch` part id when the request was a part of a batch.
    public var batchPartId: String?
    /// The fault injected, if any (`503`, `504`, `reset`, `truncate`, `slow`).
    public var fault: String?

    public var isThrottled: Bool { status == 429 }

    var json: JSONObject {
        [
            "sequence": .int(sequence),
            "receivedAt": .string(Timestamp.formatPrecise(receivedAt)),
            "simulatedAt": .string(Timestamp.formatPrecise(simulatedAt)),
            "method": .string(method),
            "path": .string(path),
            "appId": .string(appId),
            "status": .int(status),
            "cost": .int(cost),
            "retryAfter": retryAfter.map(JSONValue.double) ?? .null,
            "throttleScope": .string(throttleScope),
            "requestId": .string(requestId),
            "clientRequestId": .string(clientRequestId),
            "batchPartId": .string(batchPartId),
            "fault": .string(fault),
        ]
    }
}

/// A tenant's request records, the newest `capacity` of them, with totals that never roll over.
public final class RequestLog: Sendable {
    struct State {
        var records: [RequestRecord] = []
        var start = 0
        var total = 0
        var throttled = 0
    }

    private let state = NIOLockedValueBox(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    @discardableResult
    func append(_ record: RequestRecord) -> Int {
        state.withLockedValue { state in
            state.total += 1
            var record = record
            record.sequence = state.total
            if record.isThrottled { state.throttled += 1 }
            if state.records.count < capacity {
                state.records.append(record)
            } else {
                state.records[state.start] = record
                state.start = (state.start + 1) % capacity
            }
            return state.total
        }
    }

    /// Records with a sequence greater than `after`, oldest first.
    public func records(after: Int = 0) -> [RequestRecord] {
        state.withLockedValue { state in
            let ordered = Array(state.records[state.start...]) + Array(state.records[..<state.start])
            return ordered.filter { $0.sequence > after }
        }
    }

    public var totalCount: Int { state.withLockedValue { $0.total } }
    public var throttledCount: Int { state.withLockedValue { $0.throttled } }

    public func clear() {
        state.withLockedValue { state in
            state.records.removeAll()
            state.start = 0
        }
    }
}
