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
/// - Children (owners, settings, assignments, …) are listed for every parent in the snapshot.
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
    let logger: Logger
    let report: @Sendable (BackupProgress) async throws -> Void

    public init(vault: Vault, session: GraphSession, catalogue: [CatalogueEntry] = ResourceCatalogue.entries, tenantID: UUID,
                jobID: Int64, claim: JobClaim?, forceFull: Bool = false, fullPassInterval: TimeInterval = 7 * 86_400,
                logger: Logger, report: @escaping @Sendable (BackupProgress) async throws -> Void = { _ in }) {
        self.vault = vault
        self.session = session
        self.catalogue = catalogue
        self.tenantID = tenantID
        self.jobID = jobID
        self.claim = claim
        self.forceFull = forceFull
        self.fullPassInterval = fullPassInterval
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
        self.logger.info("backup started", metadata: ["tenant.id": "\(self.tenantID)", "job.id": "\(self.jobID)",
                                                      "backup.kind": "\(state.progress.kind)"])

        let capturedByDelta = Set(self.catalogue.compactMap(\.delta).flatMap(\.relationships.values))
        for entry in self.catalogue where !capturedByDelta.contains(entry.name) {
            try Task.checkCancellation()
            let related = entry.delta.map { Array($0.relationships.values) } ?? []
            do {
                if entry.parent != nil {
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
            if let next = try await self.deltaRound(entry, from: link, initial: false, writer: writer, state: &state) {
                state.deltaLinks[entry.name] = next
                return
            }
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
            var objects: [(objectID: String, canonical: [UInt8])] = []
            if entry.shape == .singleton {
                guard let object = page.objectValue else {
                    throw GraphError(code: .invalidResponse, message: "\(entry.name) is not a JSON object")
                }
                let key = entry.parent == nil ? (object[entry.key]?.stringValue ?? entry.name) : entry.objectKey(parents: parents, id: nil)
                objects.append((key, Self.canonical(object, relationship: entry.kind == .relationship)))
                path = nil
            } else {
                for item in page["value"]?.arrayValue ?? [] {
                    guard let object = item.objectValue, let id = object[entry.key]?.stringValue else { continue }
                    objects.append((entry.objectKey(parents: parents, id: id), Self.canonical(object, relationship: entry.kind == .relationship)))
                }
                path = page["@odata.nextLink"]?.stringValue
            }
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
            for key in keys {
                try Task.checkCancellation()
                try await self.readCollection(entry, parents: key.split(separator: "/").map(String.init), writer: writer, state: &state)
            }
            guard keys.count == 500, let last = keys.last else { return }
            after = last
        }
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
