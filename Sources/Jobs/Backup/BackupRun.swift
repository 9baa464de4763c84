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
/// - Children (owners, settings, assignments, …) are listed for every parent on a full read of
///   the parent type; after an incremental delta round, only for the parents it reported, plus a
///   rotating sweep for children whose changes delta does not report (see
///   ``readChildrenOfChangedParents``).
/// - An entry that cannot be read (missing permission, persistent error) is recorded as missing,
///   its previous objects and delta link carry over, and the snapshot commits as partial.
///
/// Only one page of objects is in memory at a time, and no transaction is open while Graph is
/// being read: staging writes are single autocommitted statements.
public struct BackupRun: Sendable {
    let vault: Vault
    let session: GraphSession
    let catalogue: [CatalogueEntry]
    let tenantID: UUID
    let jobID: Int64
    let claim: JobClaim?
    let forceFull: Bool
    let fullPassInterval: TimeInterval
    /// Parents whose children are listed at once. Default 32: enough requests in flight to use a
    /// tenant's throttling budget despite Graph's latency.
    let childConcurrency: Int
    /// Children whose changes delta does not report are re-read for every parent at least once in
    /// this many incremental runs (and on every full pass). Default 4.
    let childSweepRuns: Int
    let logger: Logger
    let report: @Sendable (BackupProgress) async throws -> Void

    public init(vault: Vault, session: GraphSession, catalogue: [CatalogueEntry] = ResourceCatalogue.entries, tenantID: UUID,
                jobID: Int64, claim: JobClaim?, forceFull: Bool = false, fullPassInterval: TimeInterval = 7 * 86_400,
                childConcurrency: Int = 32, childSweepRuns: Int = 4, logger: Logger, report: @escaping @Sendable (BackupProgress) async throws -> Void = { _ in }) {
        self.vault = vault
        self.session = session
        self.catalogue = catalogue
        self.tenantID = tenantID
        self.jobID = jobID
        self.claim = claim
        self.forceFull = forceFull
        self.fullPassInterval = fullPassInterval
        self.childConcurrency = max(1, childConcurrency)
        self.childSweepRuns = max(1, childSweepRuns)
        self.logger = logger
        self.report = report
    }

    /// What the run has done so far.
    struct State {
        var progress: BackupProgress
        var previousLinks: [String: String]
        var deltaLinks: [String: String] = [:]
        var fullyRead: [String] = []
        var missing: [SnapshotSummary.MissingType] = []
        var newBlobs = 0
        var bytesAdded = 0
        var pagesSinceReport = 0
        /// Per delta type read incrementally this run: the ids its round reported changed or new,
        /// and removed; nil for a type read in full (or with too many changes to keep).
        var changedParents: [String: Set<String>] = [:]
        var removedParents: [String: Set<String>] = [:]
        /// Which sweep slot this run re-reads (incremental runs since the last full one, modulo
        /// ``childSweepRuns``).
        var sweepSlot = 0

        mutating func record(_ type: String, read: Int, _ result: SnapshotWriter.StageResult) {
            self.progress.types[type, default: .init()].objectsRead += read
            self.progress.types[type, default: .init()].changed += result.changed
            self.progress.types[type, default: .init()].newBlobs += result.newBlobs
            self.progress.types[type, default: .init()].bytes += result.bytesAdded
            self.newBlobs += result.newBlobs
            self.bytesAdded += result.bytesAdded
        }
    }

    /// Runs the backup and returns the committed snapshot (or the one an earlier attempt of the
    /// same job committed).
    public func run() async throws -> SnapshotSummary {
        let startedAt = Date()
        let writer = try await self.vault.beginSnapshot(tenantID: self.tenantID, jobID: self.jobID)
        if let committed = try await writer.committedSnapshot() {
            self.logger.notice("an earlier attempt already committed this job's snapshot", metadata: ["snapshot.id": "\(committed.id)"])
            return committed
        }
        let recent = try await self.vault.snapshots(tenantID: self.tenantID, limit: 50)
        let lastFull = recent.first { $0.kind == .full && $0.status == .complete }
        let full = self.forceFull || lastFull == nil || lastFull!.committedAt < startedAt.addingTimeInterval(-self.fullPassInterval)
        var state = State(progress: BackupProgress(kind: full ? "full" : "incremental"),
                          previousLinks: full ? [:] : (recent.first?.deltaLinks ?? [:]))
        state.sweepSlot = recent.prefix { $0.kind != .full }.count % self.childSweepRuns
        self.logger.info("backup started", metadata: ["tenant.id": "\(self.tenantID)", "job.id": "\(self.jobID)",
                                                      "backup.kind": "\(state.progress.kind)"])

        let capturedByDelta = Set(self.catalogue.compactMap(\.delta).flatMap(\.relationships.values))
        for entry in self.catalogue where !capturedByDelta.contains(entry.name) {
            try Task.checkCancellation()
            let related = entry.delta.map { Array($0.relationships.values) } ?? []
            do {
                if let parent = entry.parent, let changed = state.changedParents[parent] {
                    try await self.readChildrenOfChangedParents(entry, changed: changed, removed: state.removedParents[parent] ?? [],
                                                                writer: writer, state: &state)
                } else if entry.parent != nil {
                    try await self.readChildren(entry, writer: writer, state: &state)
                    state.fullyRead.append(entry.name)
                } else if entry.delta != nil {
                    try await self.readWithDelta(entry, writer: writer, state: &state)
                } else {
                    try await self.readCollection(entry, parents: [], writer: writer, state: &state)
                    state.fullyRead.append(entry.name)
                }
                for name in [entry.name] + related where state.progress.types[name]?.state != .missing {
                    state.progress.types[name, default: .init()].state = .done
                }
            } catch let error as GraphError {
                // This entry only: everything else still backs up, and the snapshot says what is missing.
                for name in [entry.name] + related {
                    try await writer.discardStaged(type: name)
                    state.fullyRead.removeAll { $0 == name }
                    state.deltaLinks[name] = nil
                    state.progress.types[name, default: .init()].state = .missing
                    state.progress.types[name, default: .init()].error = "\(error.code)"
                    state.missing.append(.init(type: name, code: "\(error.code)", reason: Self.reason(for: error, entry: entry)))
                }
                if let link = state.previousLinks[entry.name] { state.deltaLinks[entry.name] = link }
                self.logger.warning("type could not be backed up", metadata: [
                    "tenant.id": "\(self.tenantID)", "job.id": "\(self.jobID)", "backup.type": "\(entry.name)",
                    "graph.error_code": "\(error.code)", "graph.request_id": "\(error.requestID ?? "")",
                ])
            }
            try await self.report(state.progress)
        }

        // Relationships listed only for changed parents (owners, app role assignments) may still
        // name objects this run saw deleted: close them, since Graph reports nothing on the parent.
        let deletedObjects = Array(state.removedParents.values.reduce(into: Set<String>()) { $0.formUnion($1) })
        if !deletedObjects.isEmpty {
            for entry in self.catalogue where entry.kind == .relationship && entry.parent != nil
                && !capturedByDelta.contains(entry.name) && !state.fullyRead.contains(entry.name)
                && state.progress.types[entry.name]?.state == .done {
                try await writer.stageRemovalOfReferences(type: entry.name, targetIDs: deletedObjects)
            }
        }

        // Nothing readable (a network outage, an app without any permission): a snapshot carrying
        // everything over would only hide that; fail the attempt so it is retried and reported.
        // Children of unreadable parents have no parents to list, so only tenant-level entries count.
        let readable = self.catalogue.filter { $0.parent == nil && state.progress.types[$0.name]?.state != .missing }.count
        if readable == 0, let first = state.missing.first {
            throw BackupError(.nothingReadable, "no type of tenant \(self.tenantID.uuidString.lowercased()) could be read; first: \(first.type): \(first.reason)")
        }
        let snapshot = try await writer.commit(SnapshotCommit(
            kind: full ? .full : .incremental, startedAt: startedAt, fullyReadTypes: state.fullyRead, deltaLinks: state.deltaLinks,
            missingTypes: state.missing, newBlobs: state.newBlobs, bytesAdded: state.bytesAdded, claim: self.claim))
        try await self.report(state.progress)
        return snapshot
    }

    static func reason(for error: GraphError, entry: CatalogueEntry) -> String {
        if error.isPermissionMissing {
            return "the app lacks permission to read \(entry.name): grant one of \(entry.permissions.joined(separator: ", "))"
        }
        return "Graph kept failing to read \(entry.name): \(error)"
    }

    // MARK: Reading

    /// GETs a page (or a singleton) and parses it, keeping numbers exactly as Graph wrote them.
    func fetch(_ path: String) async throws -> CanonicalJSON {
        let response = try await self.session.send(.get(path))
        do {
            return try CanonicalJSON.parse(response.body)
        } catch {
            throw GraphError(code: .invalidResponse, message: "a Graph response is not JSON", status: response.status,
                             requestID: response.requestID, underlying: error)
        }
    }

    private func readWithDelta(_ entry: CatalogueEntry, writer: SnapshotWriter, state: inout State) async throws {
        guard let first = entry.deltaRequestPath else { return }
        let related = entry.delta.map { Array($0.relationships.values) } ?? []
        if let link = state.previousLinks[entry.name] {
            state.progress.types[entry.name, default: .init()].mode = "delta"
            state.changedParents[entry.name] = []
            if let next = try await self.deltaRound(entry, from: link, initial: false, writer: writer, state: &state) {
                state.deltaLinks[entry.name] = next
                return
            }
            state.changedParents[entry.name] = nil
            state.removedParents[entry.name] = nil
            // The token expired: forget this round's pages and read everything.
            self.logger.notice("delta token expired; re-reading the type in full", metadata: [
                "tenant.id": "\(self.tenantID)", "backup.type": "\(entry.name)",
            ])
            for name in [entry.name] + related { try await writer.discardStaged(type: name) }
            state.progress.types[entry.name] = .init()
        }
        guard let next = try await self.deltaRound(entry, from: first, initial: true, writer: writer, state: &state) else {
            throw GraphError(code: .invalidResponse, message: "Graph asked for a resync of a fresh delta round of \(entry.name)")
        }
        state.deltaLinks[entry.name] = next
        state.fullyRead += [entry.name] + related
    }

    /// One delta round; returns the new delta link, or nil when the token must be replaced by a full read.
    private func deltaRound(_ entry: CatalogueEntry, from start: String, initial: Bool, writer: SnapshotWriter,
                            state: inout State) async throws -> String? {
        let relationships = entry.delta?.relationships ?? [:]
        var path = start
        while true {
            let page: CanonicalJSON
            do {
                page = try await self.fetch(path)
            } catch let error as GraphError where error.requiresFullResync && !initial {
                return nil
            }
            var puts: [(objectID: String, canonical: [UInt8])] = []
            var removed: [String] = []
            var relationPuts: [String: [(objectID: String, canonical: [UInt8])]] = [:]
            var relationRemovals: [String: [String]] = [:]
            for item in page["value"]?.arrayValue ?? [] {
                guard var object = item.objectValue, let id = object["id"]?.stringValue else { continue }
                if object["@removed"] != nil {
                    removed.append(id)
                    continue
                }
                for (annotation, relationName) in relationships {
                    let singleton = ResourceCatalogue.entry(named: relationName)?.shape == .singleton
                    guard let references = object.removeValue(forKey: annotation)?.arrayValue else {
                        // A changed user without manager@delta has no manager now.
                        if singleton && !initial { relationRemovals[relationName, default: []].append(id) }
                        continue
                    }
                    for reference in references {
                        guard var target = reference.objectValue, let targetID = target["id"]?.stringValue else { continue }
                        let key = singleton ? id : id + "/" + targetID
                        if target.removeValue(forKey: "@removed") != nil {
                            relationRemovals[relationName, default: []].append(key)
                        } else {
                            relationPuts[relationName, default: []].append((key, CanonicalJSON.object(target).canonicalBytes()))
                        }
                    }
                }
                puts.append((id, Self.canonical(object)))
            }

            if !initial, state.changedParents[entry.name] != nil {
                state.changedParents[entry.name]!.formUnion(puts.map(\.objectID))
                state.removedParents[entry.name, default: []].formUnion(removed)
                if state.changedParents[entry.name]!.count + state.removedParents[entry.name]!.count > Self.maxTrackedParents {
                    // Too much changed to keep in memory: children are then listed for every parent.
                    state.changedParents[entry.name] = nil
                    state.removedParents[entry.name] = nil
                }
            }
            state.record(entry.name, read: puts.count + removed.count,
                         try await writer.stage(type: entry.name, objects: puts, fullyRead: initial))
            if !removed.isEmpty {
                try await writer.stageRemovals(type: entry.name, objectIDs: removed)
                for relationName in relationships.values where !initial {
                    try await writer.stageRemovalOfChildren(type: relationName, parentKeys: removed)
                }
            }
            for relationName in Set(relationships.values) {
                let objects = relationPuts[relationName] ?? []
                state.record(relationName, read: objects.count, try await writer.stage(type: relationName, objects: objects, fullyRead: initial))
                if let removals = relationRemovals[relationName], !removals.isEmpty {
                    try await writer.stageRemovals(type: relationName, objectIDs: removals)
                }
            }
            try await self.maybeReport(&state)

            if let next = page["@odata.nextLink"]?.stringValue {
                path = next
            } else if let link = page["@odata.deltaLink"]?.stringValue {
                return link
            } else {
                throw GraphError(code: .invalidResponse, message: "a delta page of \(entry.name) has neither nextLink nor deltaLink")
            }
        }
    }

    /// Lists one collection (or singleton) under `parents` into staging; returns false if the
    /// parent no longer exists.
    @discardableResult
    private func readCollection(_ entry: CatalogueEntry, parents: [String], writer: SnapshotWriter,
                                state: inout State) async throws -> Bool {
        var path: String? = entry.listRequestPath(parents: parents)
        while let current = path {
            let page: CanonicalJSON
            do {
                page = try await self.fetch(current)
            } catch let error as GraphError where error.status == 404 && entry.parent != nil {
                return false  // the parent went away (or, for a manager, there is none)
            }
            let objects: [(objectID: String, canonical: [UInt8])]
            (objects, path) = try Self.objects(in: page, of: entry, parents: parents)
            state.record(entry.name, read: objects.count, try await writer.stage(type: entry.name, objects: objects, fullyRead: true))
            try await self.maybeReport(&state)
        }
        return true
    }

    /// Lists `entry` under every parent the snapshot holds, a page of parents at a time.
    private func readChildren(_ entry: CatalogueEntry, writer: SnapshotWriter, state: inout State) async throws {
        guard let parent = entry.parent else { return }
        var after = ""
        while true {
            let keys = try await writer.objectIDs(type: parent, after: after, limit: 500)
            try await self.readChildren(entry, parentKeys: keys, writer: writer, state: &state)
            guard keys.count == 500, let last = keys.last else { return }
            after = last
        }
    }

    /// Children whose parent type was read incrementally: only the parents the delta round
    /// reported (Graph reports an owner change on the group, application or service principal),
    /// plus, for children whose changes delta does not report (``childrenUnreportedByDelta``), a
    /// sweep of one parent in ``childSweepRuns`` by id, so each is re-read at least every that many
    /// incremental runs and on every full pass. Children of removed parents are closed; children
    /// of the parents listed that Graph no longer returns are closed too.
    private func readChildrenOfChangedParents(_ entry: CatalogueEntry, changed: Set<String>, removed: Set<String>,
                                              writer: SnapshotWriter, state: inout State) async throws {
        guard let parent = entry.parent else { return }
        state.progress.types[entry.name, default: .init()].mode = "delta"
        try await writer.stageRemovalOfChildren(type: entry.name, parentKeys: Array(removed))
        let sweeps = Self.childrenUnreportedByDelta.contains(entry.name)
        let slot = state.sweepSlot
        let listed = changed.subtracting(removed).sorted()
        var start = 0
        while start < listed.count {
            let keys = Array(listed[start..<min(start + 500, listed.count)])
            start += 500
            try await writer.stageRemovalOfChildren(type: entry.name, parentKeys: keys)
            try await self.readChildren(entry, parentKeys: keys, writer: writer, state: &state)
        }
        guard sweeps else { return }
        var after = ""
        while true {
            let page = try await writer.objectIDs(type: parent, after: after, limit: 2000)
            let keys = page.filter { !changed.contains($0) && Self.sweepSlot(of: $0, runs: self.childSweepRuns) == slot }
            if !keys.isEmpty {
                try await writer.stageRemovalOfChildren(type: entry.name, parentKeys: keys)
                try await self.readChildren(entry, parentKeys: keys, writer: writer, state: &state)
            }
            guard page.count == 2000, let last = page.last else { return }
            after = last
        }
    }

    /// Lists `entry` under each of `parentKeys`, up to ``childConcurrency`` parents at a time, and
    /// stages what they hold in one batch.
    private func readChildren(_ entry: CatalogueEntry, parentKeys: [String], writer: SnapshotWriter,
                              state: inout State) async throws {
        guard !parentKeys.isEmpty else { return }
        try Task.checkCancellation()
        let lists = try await withThrowingTaskGroup(of: [(objectID: String, canonical: [UInt8])].self) { group in
            var objects: [(objectID: String, canonical: [UInt8])] = []
            var next = 0
            for _ in 0..<min(self.childConcurrency, parentKeys.count) {
                let key = parentKeys[next]
                group.addTask { try await self.listChildren(entry, parents: key.split(separator: "/").map(String.init)) }
                next += 1
            }
            while let listed = try await group.next() {
                objects += listed
                if next < parentKeys.count {
                    let key = parentKeys[next]
                    group.addTask { try await self.listChildren(entry, parents: key.split(separator: "/").map(String.init)) }
                    next += 1
                }
            }
            return objects
        }
        state.record(entry.name, read: lists.count, try await writer.stage(type: entry.name, objects: lists, fullyRead: true))
        try await self.maybeReport(&state)
    }

    /// Every item of `entry` under `parents`, all pages; empty when the parent went away (or, for
    /// a manager, there is none).
    private func listChildren(_ entry: CatalogueEntry, parents: [String]) async throws -> [(objectID: String, canonical: [UInt8])] {
        var objects: [(objectID: String, canonical: [UInt8])] = []
        var path: String? = entry.listRequestPath(parents: parents)
        while let current = path {
            let page: CanonicalJSON
            do {
                page = try await self.fetch(current)
            } catch let error as GraphError where error.status == 404 {
                return []
            }
            let listed: [(objectID: String, canonical: [UInt8])]
            (listed, path) = try Self.objects(in: page, of: entry, parents: parents)
            objects += listed
        }
        return objects
    }

    /// The stored objects of one page (or singleton) of `entry` under `parents`, and the next
    /// page's link.
    static func objects(in page: CanonicalJSON, of entry: CatalogueEntry,
                        parents: [String]) throws -> ([(objectID: String, canonical: [UInt8])], next: String?) {
        let relationship = entry.kind == .relationship
        guard entry.shape != .singleton else {
            guard let object = page.objectValue else {
                throw GraphError(code: .invalidResponse, message: "\(entry.name) is not a JSON object")
            }
            let key = entry.parent == nil ? (object[entry.key]?.stringValue ?? entry.name) : entry.objectKey(parents: parents, id: nil)
            return ([(key, Self.canonical(object, relationship: relationship))], nil)
        }
        var objects: [(objectID: String, canonical: [UInt8])] = []
        for item in page["value"]?.arrayValue ?? [] {
            guard let object = item.objectValue, let id = object[entry.key]?.stringValue else { continue }
            objects.append((entry.objectKey(parents: parents, id: id), Self.canonical(object, relationship: relationship)))
        }
        return (objects, page["@odata.nextLink"]?.stringValue)
    }

    /// Children whose changes the parent's delta does not report: an authentication method, a
    /// group's settings, an application's federated credentials or extension properties, a service
    /// principal's app role assignments or sync jobs change without the parent changing.
    /// Owners are swept too: an owner added or removed is reported on the parent, but an owner
    /// restored from the recycle bin comes back without the parent changing.
    static let childrenUnreportedByDelta: Set<String> = [
        "user.authenticationMethods", "group.settings", "application.federatedIdentityCredentials",
        "application.extensionProperties", "servicePrincipal.appRoleAssignedTo", "servicePrincipal.synchronizationJobs",
        "group.owners", "application.owners", "servicePrincipal.owners",
    ]

    /// Changed parents kept in memory per type; past this, children are listed for every parent.
    static let maxTrackedParents = 50_000

    /// A stable slot in `0..<runs` for an object id (FNV-1a: the same in every process).
    static func sweepSlot(of key: String, runs: Int) -> Int {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return Int(hash % UInt64(max(1, runs)))
    }

    private func maybeReport(_ state: inout State) async throws {
        state.pagesSinceReport += 1
        if state.pagesSinceReport >= 20 {
            state.pagesSinceReport = 0
            try await self.report(state.progress)
        }
    }

    /// The stored form of an object: canonical JSON without response annotations (`@odata.etag`,
    /// `@odata.context`), keeping `@odata.type`, which tells polymorphic types apart. A relationship
    /// keeps only the target's id and type.
    static func canonical(_ object: [String: CanonicalJSON], relationship: Bool = false) -> [UInt8] {
        var kept: [String: CanonicalJSON] = [:]
        for (key, value) in object where !key.contains("@") || key == "@odata.type" {
            if relationship && key != "id" && key != "@odata.type" { continue }
            kept[key] = value
        }
        return CanonicalJSON.object(kept).canonicalBytes()
    }
}
