import Foundation

/// The progress of every entry a backup reads at once, gathered for one job's progress column:
/// each reader posts its own entries, and at most one report every `interval` goes out.
actor BackupProgressBoard {
    private var progress: BackupProgress
    private var lastReport = ContinuousClock.now
    private let interval: Duration

    init(kind: String, interval: Duration = .seconds(2)) {
        self.progress = BackupProgress(kind: kind)
        self.interval = interval
    }

    /// Records `types`; returns the whole progress when a report is due.
    func post(_ types: [String: BackupProgress.TypeProgress], force: Bool = false) -> BackupProgress? {
        self.progress.types.merge(types) { $1 }
        let now = ContinuousClock.now
        guard force || now - self.lastReport >= self.interval else { return nil }
        self.lastReport = now
        return self.progress
    }
}
