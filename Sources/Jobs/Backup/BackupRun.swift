public import Foundation
public import Graph
public import Logging
public import Queue
public import Vault

/// One attempt at backing up one tenant: every catalogue entry, page by page from Graph into the
/// vault's staging, then one commit.
///
/// - Entries with delta: an incremental round from the previous snapshot's delta link, or an
///   initial round (a full read) on the first run, on a periodic full pass, and when the token
///   expired. Relationship annotations (`members@delta`, `manager@delta`) become their
///   relationship entries' objects.
/// - Entries without delta are read fully each run; only changed objects make new blobs.
/// - Children (owners, settings, assignments, …) are listed as their parents' pages arrive: for
///   every parent on a full read of the parent type; after an incremental delta round, only for
///   the parents it reported, plus a rotating sweep for children whose changes delta does not
///   report (see ``childrenUnreportedByDelta``).
/// - The entries' trees (an entry and its children) are read side by side, up to
///   ``entryConcurrency`` at a time, and the next page of a collection is fetched while the
///   current one is staged: a large tenant's backup is bound by Graph's throttling budget, not by
///   one request's latency.
/// - An entry that cannot be read (missing permission, persistent error) is recorded as missing,
///   with the entries below it; their previous objects and delta links carry over, and the
///   snapshot commits as partial.
///
/// A few pages of objects are in memory at a time, and no transaction is open while Graph is
/// being read: staging writes are single short statements.
public struct BackupRun: Sendable {
    let vault: Vault
    let session: GraphSession
    let catalogue: [CatalogueEntry]
    let tenantID: UUID
    let jobID: Int64
    let claim: JobClaim?
    let forceFull: Bool
    let fullPassInterval: TimeInterval
    /// Graph listings in flight at once for this backup (children, shared by every tree). Default
    /// 64: a large tenant's budget (776 units/s) at Graph's latency plus this process's own work
    /// per listing (32 held the 100,000-user benchmark to 670 listings/s at 48 ms each).
    let childConcurrency: Int
    /// Entry trees read at once. Default 6.
    let entryConcurrency: Int
    /// Children whose changes delta does not report are re-read for every parent at least once in
    /// this many incremental runs (and on every full pass). Default 4.
    let childSweepRuns: Int
    let logger: Logger
    let report: @Sendable (BackupProgress) async throws -> Void

    public init(vault: Vault, session: GraphSession, catalogue: [CatalogueEntry] = ResourceCatalogue.entries, tenantID: UUID,
                jobID: Int64, claim: JobClaim?, forceFull: Bool = false, fullPassInterval: TimeInterval = 7 * 86_400,
                childConcurrency: Int = 64, entryConcurrency: Int = 6, childSweepRuns: Int = 4, logger: Logger,
                report: @escaping @Sendable (BackupProgress) async throws -> Void = { _ in }) {
        self.vault = vault
        self.session = session
        self.catalogue = catalogue
        self.tenantID = tenantID
        self.jobID = jobID
        self.claim = claim
        self.forceFull = forceFull
        self.fullPassInterval = fullPassInterval
        self.childConcurrency = max(1, childConcurrency)
        self.entryConcurrency = max(1, entryConcurrency)
        self.childSweepRuns = max(1, childSweepRuns)
        self.logger = logger
        self.report = report
    }

    /// What one tree's reading has done; the trees' states are merged for the commit.
    struct State: Sendable {
        var progress: [String: BackupProgress.TypeProgress] = [:]
        let previousLinks: [String: String]
        var deltaLinks: [String: String] = [:]
        var fullyRead: [String] = []
        var missing: [SnapshotSummary.MissingType] = []
        var newBlobs = 0
        var bytesAdded = 0
        /// Object ids a delta round reported removed (incremental rounds only): relationships of
        /// other types that name them are closed before the commit.
        var removed: Set<String> = []
        /// Which sweep slot this run re-reads (incremental runs since the last full one, modulo
        /// ``childSweepRuns``).
        let sweepSlot: Int

        init(previousLinks: [String: String], sweepSlot: Int) {
            self.previousLinks = previousLinks
            self.sweepSlot = sweepSlot
        }

        mutating func record(_ type: String, read: Int, _ result: SnapshotWriter.StageResult) {
            self.progress[type, default: .init()].objectsRead += read
            self.progress[type, default: .init()].changed += result.changed
            self.progress[type, default: .init()].newBlobs += result.newBlobs
            self.progress[type, default: .init()].bytes += result.bytesAdded
            self.newBlobs += result.newBlobs
            self.bytesAdded += result.bytesAdded
        }

        mutating func merge(_ other: State) {
            self.progress.merge(other.progress) { $1 }
            self.deltaLinks.merge(other.deltaLinks) { $1 }
            self.fullyRead += other.fullyRead
            self.missing += other.missing
            self.newBlobs += other.newBlobs
            self.bytesAdded += other.bytesAdded
            self.removed.formUnion(other.removed)
        }
    }

    /// Shared by the trees of one run.
    struct Context: Sendable {
        let writer: SnapshotWriter
        let limiter: ListingLimiter
        let board: BackupProgressBoard
        /// Per child entry, parents whose children the directory audits say changed (listed on
        /// an incremental run besides the parents delta reported); such an entry is not swept.
        var auditedParents: [String: Set<String>] = [:]
    }

    /// Runs the backup and returns the committed snapshot (or the one an earlier attempt of the
    /// same job committed).
    public func run() async throws -> SnapshotSummary {
        let startedAt = Date()
        let writer = try await self.vault.beginSnapshot(tenantID: self.tenantID, jobID: self.jobID, claim: self.claim, logger: self.logger)
        if let committed = try await writer.committedSnapshot() {
            self.logger.notice("an earlier attempt already committed this job's snapshot", metadata: ["snapshot.id": "\(committed.id)"])
            return committed
        }
        let recent = try await self.vault.snapshots(tenantID: self.tenantID, limit: 50, logger: self.logger)
        let lastFull = recent.first { $0.kind == .full && $0.status == .complete }
        let full = self.forceFull || lastFull == nil || lastFull!.committedAt < startedAt.addingTimeInterval(-self.fullPassInterval)
        let kind = full ? "full" : "incremental"
        let previousLinks = if !full, let previous = recent.first { try await self.vault.trustedDeltaLinks(of: previous, logger: self.logger) } else { [String: String]() }
        let initial = State(previousLinks: previousLinks,
                            sweepSlot: recent.prefix { $0.kind != .full }.count % self.childSweepRuns)
        self.logger.info("backup started", metadata: ["tenant.id": "\(self.tenantID.uuidString.lowercased())", "job.id": "\(self.jobID)", "backup.kind": "\(kind)"])
        var context = Context(writer: writer, limiter: ListingLimiter(permits: self.childConcurrency),
                              board: BackupProgressBoard(kind: kind))
        if !full, let previous = recent.first, self.catalogue.contains(where: { $0.name == "user.authenticationMethods" }) {
            do {
                context.auditedParents["user.authenticationMethods"] = try await SecurityInfoAudits(session: self.session)
                    .users(since: previous.startedAt)
            } catch let error as GraphError {
                self.logger.notice("directory audits could not be read: authentication methods are swept instead", metadata: [
                    "tenant.id": "\(self.tenantID.uuidString.lowercased())", "job.id": "\(self.jobID)", "graph.error_code": "\(error.code)",
                    "graph.request_id": "\(error.requestID ?? "")",
                ])
            }
        }

        // The trees side by side, at most `entryConcurrency` at once, in catalogue order.
        let trees = EntryTree.trees(of: self.catalogue)
        let shared = context
        var state = initial
        try await withThrowingTaskGroup(of: State.self) { group in
            var next = 0
            func startNext() {
                guard next < trees.count else { return }
                let tree = trees[next]
                next += 1
                group.addTask { try await self.backUp(tree, initial: initial, context: shared) }
            }
            for _ in 0..<min(self.entryConcurrency, trees.count) { startNext() }
            while let finished = try await group.next() {
                state.merge(finished)
                startNext()
            }
        }

        // Relationships listed only for changed parents (owners, app role assignments) may still
        // name objects this run saw deleted: close them, since Graph reports nothing on the parent.
        if !state.removed.isEmpty {
            let removed = Array(state.removed)
            for entry in self.catalogue where entry.kind == .relationship && entry.parent != nil
                && !state.fullyRead.contains(entry.name) && state.progress[entry.name]?.state == .done {
                try await writer.stageRemovalOfReferences(type: entry.name, targetIDs: removed)
            }
        }

        // Nothing readable (a network outage, an app without any permission): a snapshot carrying
        // everything over would only hide that; fail the attempt so it is retried and reported.
        // Children of unreadable parents have no parents to list, so only tenant-level entries count.
        let readable = self.catalogue.filter { $0.parent == nil && state.progress[$0.name]?.state != .missing }.count
        if readable == 0, let first = state.missing.first {
            throw BackupError(.nothingReadable, "no type of tenant \(self.tenantID.uuidString.lowercased()) could be read; first: \(first.type): \(first.reason)")
        }
        let snapshot = try await writer.commit(SnapshotCommit(
            kind: full ? .full : .incremental, startedAt: startedAt, fullyReadTypes: state.fullyRead, deltaLinks: state.deltaLinks,
            missingTypes: state.missing, newBlobs: state.newBlobs, bytesAdded: state.bytesAdded))
        if let progress = await shared.board.post(state.progress, force: true) { try await self.report(progress) }
        return snapshot
    }

    /// Reads one tree; a `GraphError` makes its entry (and everything below it) missing instead of
    /// failing the backup.
    func backUp(_ tree: EntryTree, initial: State, context: Context) async throws -> State {
        try Task.checkCancellation()
        var state = State(previousLinks: initial.previousLinks, sweepSlot: initial.sweepSlot)
        let entry = tree.entry
        let related = entry.delta.map { Array(Set($0.relationships.values)).sorted() } ?? []
        do {
            if entry.parent != nil {
                // Its parent is not being read: list it under the parents the snapshot holds.
                try await self.readUnderStoredParents(tree, context: context, state: &state)
            } else {
                try await self.readParent(tree, context: context, state: &state)
            }
        } catch let error as GraphError {
            // This tree only: everything else still backs up, and the snapshot says what is missing.
            try await self.recordMissing([entry.name] + related + tree.descendants.map(\.name), error: error, context: context,
                                         state: &state)
            if let link = state.previousLinks[entry.name] { state.deltaLinks[entry.name] = link }
        }
        try await self.post(state, context: context, force: true)
        return state
    }

    /// Forgets what was staged for the entries `names` and records them as missing because of
    /// `error` (the first name's entry is the one Graph refused; the others are read with it).
    func recordMissing(_ names: [String], error: GraphError, context: Context, state: inout State) async throws {
        guard let first = names.first else { return }
        let refused = self.entry(named: first)
        for name in names {
            try await context.writer.discardStaged(type: name)
            state.fullyRead.removeAll { $0 == name }
            state.deltaLinks[name] = nil
            state.progress[name, default: .init()].state = .missing
            state.progress[name, default: .init()].error = "\(error.code)"
            let reason = refused.map { Self.reason(for: error, entry: $0) } ?? "Graph kept failing to read \(first): \(error)"
            state.missing.append(.init(type: name, code: "\(error.code)", reason: name == first ? reason : "read with \(first): \(reason)"))
            self.logger.warning("type could not be backed up", metadata: [
                "tenant.id": "\(self.tenantID.uuidString.lowercased())", "job.id": "\(self.jobID)", "backup.type": "\(name)",
                "graph.error_code": "\(error.code)", "graph.request_id": "\(error.requestID ?? "")",
            ])
        }
    }

    static func reason(for error: GraphError, entry: CatalogueEntry) -> String {
        if error.isPermissionMissing {
            return "the app lacks permission to read \(entry.name): grant one of \(entry.permissions.joined(separator: ", "))"
        }
        return "Graph kept failing to read \(entry.name): \(error)"
    }

    /// Posts this tree's progress to the run's board, and reports the whole when one is due.
    func post(_ state: State, context: Context, force: Bool = false) async throws {
        if let progress = await context.board.post(state.progress, force: force) {
            try await self.report(progress)
        }
    }
}
