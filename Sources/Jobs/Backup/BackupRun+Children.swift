import Foundation
import Graph
import Vault

/// What listing children under one batch of parents staged, per child entry, and which child
/// entries Graph refused.
struct ChildBatch: Sendable {
    var staged: [String: Staged] = [:]
    var failures: [String: GraphError] = [:]

    struct Staged: Sendable {
        var read = 0
        var result = SnapshotWriter.StageResult()
    }

    mutating func merge(_ other: ChildBatch) {
        for (name, staged) in other.staged {
            self.staged[name, default: .init()].read += staged.read
            self.staged[name, default: .init()].result += staged.result
        }
        self.failures.merge(other.failures) { first, _ in first }
    }
}

/// The children of one tree's parent round: listed batch by batch as the parent's pages arrive,
/// a few batches in flight while the round goes on.
struct ChildReading {
    let tree: EntryTree
    /// An incremental round: each listed parent's children replace its stored ones (and only the
    /// parents the round reported are listed, plus the sweep); otherwise every parent is listed
    /// and the child types are read in full.
    let replacing: Bool
    /// Parents whose children were listed (or submitted) this round.
    private(set) var listed: Set<String> = []
    /// Parents the round reported removed (and did not report again afterwards).
    private(set) var removedParents: Set<String> = []
    private(set) var failed: [String: GraphError] = [:]
    private var outstanding = 0

    /// Batches in flight per tree, and parents per batch.
    static let window = 8
    static let batchSize = 100

    init(tree: EntryTree, replacing: Bool) {
        self.tree = tree
        self.replacing = replacing
    }

    /// One page of the parent round was staged: list the children of its parents.
    mutating func parentsListed(_ present: [String], removed: [String], run: BackupRun, context: BackupRun.Context,
                                group: inout ThrowingTaskGroup<ChildBatch, any Error>, state: inout BackupRun.State) async throws {
        for id in removed {
            self.removedParents.insert(id)
            self.listed.remove(id)
        }
        guard !self.tree.children.isEmpty else { return }
        var keys: [String] = []
        for id in present {
            self.removedParents.remove(id)
            if self.listed.insert(id).inserted { keys.append(id) }
        }
        try await self.submit(keys, children: self.tree.children, run: run, context: context, group: &group, state: &state)
    }

    /// The round's pages are all staged: sweep (incremental rounds) and wait for every batch.
    mutating func finish(parentType: String, sweepSlot: Int, run: BackupRun, context: BackupRun.Context,
                         group: inout ThrowingTaskGroup<ChildBatch, any Error>, state: inout BackupRun.State) async throws {
        if self.replacing {
            // Parents the directory audits name (a method registered on a user delta reports unchanged).
            for child in self.tree.children where self.failed[child.entry.name] == nil {
                guard let audited = context.auditedParents[child.entry.name] else { continue }
                let keys = audited.filter { !self.listed.contains($0) && !self.removedParents.contains($0) }.sorted()
                var start = 0
                while start < keys.count {
                    let batch = Array(keys[start..<min(start + Self.batchSize, keys.count)])
                    start += Self.batchSize
                    try await self.submit(batch, children: [child], run: run, context: context, group: &group, state: &state)
                }
            }
        }
        let sweeping = self.tree.children.filter {
            BackupRun.childrenUnreportedByDelta.contains($0.entry.name) && context.auditedParents[$0.entry.name] == nil
        }
        if self.replacing && !sweeping.isEmpty {
            var after = ""
            while true {
                let page = try await context.writer.objectIDs(type: parentType, after: after, limit: 2000)
                let keys = page.filter { !self.listed.contains($0) && BackupRun.sweepSlot(of: $0, runs: run.childSweepRuns) == sweepSlot }
                var start = 0
                while start < keys.count {
                    let batch = Array(keys[start..<min(start + Self.batchSize, keys.count)])
                    start += Self.batchSize
                    try await self.submit(batch, children: sweeping, run: run, context: context, group: &group, state: &state)
                }
                guard page.count == 2000, let last = page.last else { break }
                after = last
            }
        }
        while let batch = try await group.next() {
            self.outstanding -= 1
            self.merge(batch, state: &state)
        }
    }

    /// After every batch: the children of removed parents are closed, and each child entry is
    /// done (read in full when the parent was) or missing with everything below it.
    func close(fullyRead: Bool, run: BackupRun, context: BackupRun.Context, state: inout BackupRun.State) async throws {
        func walk(_ trees: [EntryTree]) async throws {
            for child in trees {
                let name = child.entry.name
                if let error = self.failed[name] {
                    try await run.recordMissing([name] + child.descendants.map(\.name), error: error, context: context, state: &state)
                    continue
                }
                if !self.removedParents.isEmpty {
                    try await context.writer.stageRemovalOfChildren(type: name, parentKeys: Array(self.removedParents))
                }
                if !fullyRead { state.progress[name, default: .init()].mode = "delta" }
                if fullyRead { state.fullyRead.append(name) }
                run.markDone([name], state: &state)
                try await walk(child.children)
            }
        }
        try await walk(self.tree.children)
    }

    private mutating func submit(_ keys: [String], children: [EntryTree], run: BackupRun, context: BackupRun.Context,
                                 group: inout ThrowingTaskGroup<ChildBatch, any Error>, state: inout BackupRun.State) async throws {
        let skipping = Set(self.failed.keys)
        let live = children.filter { !skipping.contains($0.entry.name) }
        guard !keys.isEmpty, !live.isEmpty else { return }
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<min(start + Self.batchSize, keys.count)])
            start += Self.batchSize
            let replacing = self.replacing
            group.addTask {
                try await run.readChildBatch(live, parentKeys: batch, replacing: replacing, skipping: skipping, context: context)
            }
            self.outstanding += 1
            while self.outstanding > Self.window, let done = try await group.next() {
                self.outstanding -= 1
                self.merge(done, state: &state)
            }
        }
    }

    private mutating func merge(_ batch: ChildBatch, state: inout BackupRun.State) {
        for (name, staged) in batch.staged { state.record(name, read: staged.read, staged.result) }
        for (name, error) in batch.failures where self.failed[name] == nil { self.failed[name] = error }
    }
}

extension BackupRun {
    /// Lists `children` under each of `parentKeys` (every pair at once, through the run's
    /// limiter) and stages what they hold, then their own children under what was listed.
    /// With `replacing`, the parents' stored children (and theirs) are closed first, so a child
    /// that is gone is gone from the snapshot.
    func readChildBatch(_ children: [EntryTree], parentKeys: [String], replacing: Bool, skipping: Set<String>,
                        context: Context) async throws -> ChildBatch {
        let live = children.filter { !skipping.contains($0.entry.name) }
        guard !live.isEmpty, !parentKeys.isEmpty else { return ChildBatch() }
        typealias Listed = [(objectID: String, canonical: [UInt8])]
        var lists = Array(repeating: Listed(), count: live.count)
        var failures: [Int: GraphError] = [:]
        try await withThrowingTaskGroup(of: (Int, Result<Listed, GraphError>).self) { group in
            for (index, child) in live.enumerated() {
                for key in parentKeys {
                    let entry = child.entry
                    group.addTask {
                        do {
                            let listed = try await context.limiter.run {
                                try await self.listChildren(entry, parents: key.split(separator: "/").map(String.init))
                            }
                            return (index, .success(listed))
                        } catch let error as GraphError {
                            return (index, .failure(error))
                        }
                    }
                }
            }
            for try await (index, result) in group {
                switch result {
                case .success(let listed): lists[index] += listed
                case .failure(let error): if failures[index] == nil { failures[index] = error }
                }
            }
        }

        var batch = ChildBatch()
        for (index, child) in live.enumerated() {
            let name = child.entry.name
            if let error = failures[index] {
                batch.failures[name] = error
                continue
            }
            if replacing {
                for type in [name] + child.descendants.map(\.name) {
                    try await context.writer.stageRemovalOfChildren(type: type, parentKeys: parentKeys)
                }
            }
            let objects = lists[index]
            let result = try await context.writer.stage(type: name, objects: objects, fullyRead: true)
            batch.staged[name, default: .init()].read += objects.count
            batch.staged[name, default: .init()].result += result
            if !child.children.isEmpty {
                var seen = Set<String>()
                let keys = objects.map(\.objectID).filter { seen.insert($0).inserted }
                // Already closed above with their top-level parent.
                batch.merge(try await self.readChildBatch(child.children, parentKeys: keys, replacing: false, skipping: skipping,
                                                          context: context))
            }
        }
        return batch
    }

    /// A tree whose entry's parent type is not being read: its entry is listed under every
    /// parent the snapshot holds, 500 at a time.
    func readUnderStoredParents(_ tree: EntryTree, context: Context, state: inout State) async throws {
        guard let parent = tree.entry.parent else { return }
        var after = ""
        var failures: [String: GraphError] = [:]
        while true {
            let keys = try await context.writer.objectIDs(type: parent, after: after, limit: 500)
            let batch = try await self.readChildBatch([tree], parentKeys: keys, replacing: false, skipping: Set(failures.keys),
                                                      context: context)
            for (name, staged) in batch.staged { state.record(name, read: staged.read, staged.result) }
            if let error = batch.failures[tree.entry.name] { throw error }
            failures.merge(batch.failures) { first, _ in first }
            try await self.post(state, context: context)
            guard keys.count == 500, let last = keys.last else { break }
            after = last
        }
        func walk(_ tree: EntryTree) async throws {
            if let error = failures[tree.entry.name] {
                try await self.recordMissing([tree.entry.name] + tree.descendants.map(\.name), error: error, context: context, state: &state)
                return
            }
            state.fullyRead.append(tree.entry.name)
            self.markDone([tree.entry.name], state: &state)
            for child in tree.children { try await walk(child) }
        }
        try await walk(tree)
    }

    /// Every item of `entry` under `parents`, all pages; empty when the parent went away (or, for
    /// a manager, there is none).
    func listChildren(_ entry: CatalogueEntry, parents: [String]) async throws -> [(objectID: String, canonical: [UInt8])] {
        var objects: [(objectID: String, canonical: [UInt8])] = []
        var path: String? = entry.listRequestPath(parents: parents)
        var links = GraphListingGuard(self.session.client.configuration)
        while let current = path {
            let page: CanonicalJSON
            do {
                page = try await self.fetch(current)
            } catch let error as GraphError where error.status == 404 {
                return []
            }
            let listed: [(objectID: String, canonical: [UInt8])]
            let next: String?
            (listed, next) = try Self.objects(in: page, of: entry, parents: parents)
            path = try links.follow(next)
            objects += listed
        }
        return objects
    }
}
