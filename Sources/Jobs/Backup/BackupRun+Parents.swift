import Foundation
import Graph
import Vault

extension BackupRun {
    /// How one tree's top-level entry is read.
    enum Round: Equatable {
        /// A delta round from `start`; `initial` when it reads everything (no usable link).
        case delta(start: String, initial: Bool)
        /// A collection (or singleton) without delta, read whole.
        case list

        var readsEverything: Bool {
            if case .delta(_, let initial) = self { return initial }
            return true
        }
    }

    /// How a round ended.
    enum RoundEnd {
        case deltaLink(String)
        case listed
        /// The delta token expired: the round's pages must be forgotten and the type read in full.
        case resync
    }

    /// Reads a tree whose entry has no parent: an incremental delta round when a link exists
    /// (falling back to a full read when Graph refuses the token), otherwise a full read.
    func readParent(_ tree: EntryTree, context: Context, state: inout State) async throws {
        let entry = tree.entry
        let related = entry.delta.map { Array(Set($0.relationships.values)).sorted() } ?? []
        guard entry.delta != nil else {
            _ = try await self.readPages(tree, round: .list, context: context, state: &state)
            state.fullyRead.append(entry.name)
            self.markDone([entry.name], state: &state)
            return
        }
        guard let first = entry.deltaRequestPath else { return }
        if let link = state.previousLinks[entry.name] {
            state.progress[entry.name, default: .init()].mode = "delta"
            if case .deltaLink(let next) = try await self.readPages(tree, round: .delta(start: link, initial: false), context: context,
                                                                    state: &state) {
                state.deltaLinks[entry.name] = next
                self.markDone([entry.name] + related, state: &state)
                return
            }
            // The token expired: forget this round's pages (and what was listed under them) and
            // read everything.
            self.logger.notice("delta token expired; re-reading the type in full", metadata: [
                "tenant.id": "\(self.tenantID.uuidString.lowercased())", "backup.type": "\(entry.name)",
            ])
            for name in [entry.name] + related + tree.descendants.map(\.name) {
                try await context.writer.discardStaged(type: name)
                state.progress[name] = .init()
                state.fullyRead.removeAll { $0 == name }
            }
            state.missing.removeAll { missing in tree.descendants.contains { $0.name == missing.type } }
        }
        guard case .deltaLink(let next) = try await self.readPages(tree, round: .delta(start: first, initial: true), context: context,
                                                                   state: &state) else {
            throw GraphError(code: .invalidResponse, message: "Graph asked for a resync of a fresh delta round of \(entry.name)")
        }
        state.deltaLinks[entry.name] = next
        state.fullyRead += [entry.name] + related
        self.markDone([entry.name] + related, state: &state)
    }

    /// The run's catalogue entry named `name` (a test's catalogue may differ from the built-in one).
    func entry(named name: String) -> CatalogueEntry? {
        self.catalogue.first { $0.name == name } ?? ResourceCatalogue.entry(named: name)
    }

    func markDone(_ names: [String], state: inout State) {
        for name in names where state.progress[name]?.state != .missing {
            state.progress[name, default: .init()].state = .done
        }
    }

    /// The pages of one round of `tree.entry`, each staged while the next is fetched, with the
    /// children of each page's objects listed alongside (``ChildReading``).
    func readPages(_ tree: EntryTree, round: Round, context: Context, state: inout State) async throws -> RoundEnd {
        let entry = tree.entry
        let start: String
        switch round {
        case .delta(let path, _): start = path
        case .list: start = entry.listRequestPath(parents: [])
        }
        var children = ChildReading(tree: tree, replacing: !round.readsEverything)
        let headers = self.pageHeaders(entry, round: round)
        let end: RoundEnd = try await withThrowingTaskGroup(of: ChildBatch.self) { group in
            var pending: Task<CanonicalJSON, any Error>? = Task { try await self.fetch(start, headers: headers) }
            defer { pending?.cancel() }
            var pages = 0
            var links = GraphListingGuard(self.session.client.configuration)
            while let fetching = pending {
                let page: CanonicalJSON
                do {
                    page = try await fetching.value
                } catch let error as GraphError where error.requiresFullResync && !round.readsEverything {
                    group.cancelAll()
                    while (try? await group.next()) != nil {}
                    return .resync
                }
                // The next page is on its way while this one is sealed and staged.
                let nextLink = try links.follow(page["@odata.nextLink"]?.stringValue)
                pending = nextLink.map { link in Task { try await self.fetch(link, headers: headers) } }

                let listed: (present: [String], removed: [String])
                switch round {
                case .delta(_, let initial):
                    listed = try await self.stageDeltaPage(page, of: entry, initial: initial, context: context, state: &state)
                case .list:
                    let objects = try Self.objects(in: page, of: entry, parents: []).objects
                    state.record(entry.name, read: objects.count,
                                 try await context.writer.stage(type: entry.name, objects: objects, fullyRead: true))
                    listed = (objects.map(\.objectID), [])
                }
                try await children.parentsListed(listed.present, removed: listed.removed, run: self, context: context,
                                                 group: &group, state: &state)
                pages += 1
                if pages % 10 == 0 { try await self.post(state, context: context) }

                if nextLink == nil {
                    let end: RoundEnd
                    if case .list = round {
                        end = .listed
                    } else if let link = page["@odata.deltaLink"]?.stringValue {
                        // Checked before it is saved for the next run (the token goes only to Graph).
                        try self.session.checkLink(link)
                        end = .deltaLink(link)
                    } else {
                        throw GraphError(code: .invalidResponse, message: "a delta page of \(entry.name) has neither nextLink nor deltaLink")
                    }
                    try await children.finish(parentType: entry.name, sweepSlot: state.sweepSlot, run: self, context: context,
                                              group: &group, state: &state)
                    return end
                }
            }
            return .listed
        }
        if case .resync = end { return end }
        if !round.readsEverything { state.removed.formUnion(children.removedParents) }
        try await children.close(fullyRead: round.readsEverything, run: self, context: context, state: &state)
        return end
    }

    /// Delta pages of 250 objects instead of 100 (`Prefer: odata.maxpagesize`, sent with every
    /// page since Graph does not carry it in the links): a 100,000-user tenant's users are 400
    /// pages staged one after the other instead of 1,000. Not 999: two pages of 999 users in
    /// memory (one staged, one prefetched) doubled the worker's peak RSS at 100,000 users (312 MB).
    /// Not for types whose pages carry member lists (groups, administrative units), which would
    /// make a page unbounded.
    func pageHeaders(_ entry: CatalogueEntry, round: Round) -> [(name: String, value: String)] {
        guard case .delta = round else { return [] }
        let singletonsOnly = entry.delta?.relationships.values.allSatisfy { self.entry(named: $0)?.shape == .singleton } ?? true
        return singletonsOnly ? [("Prefer", "odata.maxpagesize=\(Self.deltaPageSize)")] : []
    }

    static let deltaPageSize = 250

    /// Stages one delta page: present objects, `@removed` ones, and the relationships its
    /// annotations carry. Returns the ids present and removed on the page.
    func stageDeltaPage(_ page: CanonicalJSON, of entry: CatalogueEntry, initial: Bool, context: Context,
                        state: inout State) async throws -> (present: [String], removed: [String]) {
        let relationships = entry.delta?.relationships ?? [:]
        var puts: [(objectID: String, canonical: [UInt8])] = []
        var removed: [String] = []
        var relationPuts: [String: [(objectID: String, canonical: [UInt8])]] = [:]
        var relationRemovals: [String: [String]] = [:]
        // Once per page, not per object: which relationships hold one target (a user's manager).
        let singletons = Set(relationships.values.filter { self.entry(named: $0)?.shape == .singleton })
        for item in page["value"]?.arrayValue ?? [] {
            guard var object = item.objectValue, let id = object["id"]?.stringValue else { continue }
            if object["@removed"] != nil {
                removed.append(id)
                continue
            }
            for (annotation, relationName) in relationships {
                let singleton = singletons.contains(relationName)
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
        if entry.name == "user" && initial { self.noteUsersSeen(state.progress["user"]?.objectsRead ?? 0, plus: puts.count) }

        let writer = context.writer
        state.record(entry.name, read: puts.count + removed.count, try await writer.stage(type: entry.name, objects: puts, fullyRead: initial))
        if !removed.isEmpty {
            try await writer.stageRemovals(type: entry.name, objectIDs: removed)
            for relationName in Set(relationships.values) where !initial {
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
        return (puts.map(\.objectID), removed)
    }

    /// Graph's throttling limits depend on the tenant's size (users): once a full read of users
    /// shows a larger class than the pacer assumed, the pacer plans with that class's budget.
    func noteUsersSeen(_ before: Int, plus count: Int) {
        let seen = before + count
        let sizeClass: ResourceUnitPacer.SizeClass = seen > 500 ? .large : seen >= 50 ? .medium : .small
        self.session.client.pacer.raiseSizeClass(to: sizeClass, for: self.session.identity)
    }
}
