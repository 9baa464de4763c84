/// Where a job is in its life.
///
///     scheduled ──(run_at due)──▶ available ──claim──▶ running ──▶ completed
///                                    ▲                    │ ├──▶ retryable ──(backoff due)──▶ available
///                                    └──(lease expired,   │ ├──▶ discarded (max attempts or permanent error)
///                                        handed back)─────┘ └──▶ cancelled
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case scheduled, available, running, retryable, completed, discarded, cancelled

    /// Finished for good: pruned after the retention age.
    public var isFinal: Bool {
        switch self {
        case .completed, .discarded, .cancelled: return true
        case .scheduled, .available, .running, .retryable: return false
        }
    }

    public var description: String { rawValue }
}
