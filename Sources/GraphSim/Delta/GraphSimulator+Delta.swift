import Foundation

/// Delta queries for users, groups, applications, service principals, directory roles,
/// administrative units, devices and delegated grants, as documented: next links until a delta
/// link; `@removed` with `changed` (soft-deleted) or `deleted` (gone for good);
/// `$deltatoken=latest`; `members@delta` with large groups spread across pages; tokens expiring
/// after 7 simulated days (400 `syncStateNotFound`); a forced resync (410 Gone with a Location
/// holding an empty `$deltatoken`).
///
/// A round reads the type's change log from its token's version, so it costs the changes, not
/// the tenant.
extension GraphSimulator {
    static let deltaTokenLifetime: TimeInterval = 7 * 86_400
    static let deltaMemberBudget = 1_000

    func delta(_ type: ResourceType, _ context: GraphContext) throws -> GraphResponse {
        try context.require(type == .group || type == .administrativeUnit
            ? type.read.or(.any("GroupMember.Read.All")) : type.read)
        let request = context.request
        let now = context.now.timeIntervalSince1970
        if request.queryValue("$top") != nil || request.queryValue("$orderby") != nil {
            throw GraphError.badRequest("The query options $top and $orderby are not supported with delta queries.")
        }
        let pageSize = Self.preferredPageSize(request) ?? 100
        let current = context.tenant.withDirectory { ($0.version, $0.resyncEpoch(type)) }

        var state: DeltaState
        if let skipToken = request.queryValue("$skiptoken") {
            guard let decoded = DeltaState(token: skipToken), decoded.type == type.name, decoded.phase != .token else {
                throw GraphError.badRequest("The $skiptoken is not valid for this delta query.")
            }
            state = decoded
        } else if let deltaToken = request.queryValue("$deltatoken") {
            if deltaToken == "latest" {
                let query = try ODataQuery(request)
                let latest = DeltaState(type: type.name, phase: .token, fromVersion: current.0, roundVersion: current.0,
                                        position: 0, memberOffset: 0, select: query.select, ids: try deltaIds(query, type),
                                        includeMembers: includeMembers(query, type), epoch: current.1, issuedAt: now)
                var writer = CollectionWriter(context: context.contextURL(type.entitySet + query.contextSelection))
                return .json(200, writer.finish(deltaLink: deltaLink(context, type, latest)))
            }
            if deltaToken.isEmpty {
                state = try freshRound(type, context, version: current.0, epoch: current.1, now: now)
            } else {
                guard let token = DeltaState(token: deltaToken), token.type == type.name, token.phase == .token else {
                    throw GraphError.badRequest("The $deltatoken is not valid for this delta query.")
                }
                state = DeltaState(type: type.name, phase: .changes, fromVersion: token.roundVersion, roundVersion: current.0,
                                   position: 0, memberOffset: 0, select: token.select, ids: token.ids,
                                   includeMembers: token.includeMembers, epoch: token.epoch, issuedAt: token.issuedAt)
                if now - token.issuedAt > Self.deltaTokenLifetime {
                    throw GraphError(status: 400, code: "syncStateNotFound",
                                     message: "The sync state generation is not found. The delta token is expired and data must be synchronized again.")
                }
            }
        } else {
            state = try freshRound(type, context, version: current.0, epoch: current.1, now: now)
        }
        if state.epoch < current.1 {
            var error = GraphError(status: 410, code: "resyncRequired",
                                   message: "Resync required. The delta token is no longer valid; restart with a full synchronization.")
            error.headers.append(("Location", context.serviceRoot + "/" + type.entitySet + "/delta?$deltatoken="))
            throw error
        }

        var properties = state.select?.filter { $0 != "members" && $0 != "manager" } ?? type.defaultProperties
        if var keys = properties, !keys.contains("id") {
            keys.append("id")
            properties = keys
        }
        let wantsManager = type == .user && state.select?.contains("manager") == true
        var projection = Projection(keys: properties)
        let isContainer = type == .group || type == .administrativeUnit || type == .directoryRole

        struct Emitted {
            var id: String
            var encoded: EncodedObject?
            var removed: String?
            var members: [(id: String, type: String, removed: Bool)]
            var manager: String?
        }
        var emitted: [Emitted] = []
        var next: DeltaState?
        context.tenant.withDirectory { directory in
            func memberEntry(_ id: String, removed: Bool) -> (id: String, type: String, removed: Bool) {
                (id, (directory.anyType(of: id) ?? .user).odataType, removed)
            }
            let idFilter = state.ids.map { Set($0.map(OrderedIndex<Entity>.key)) }
            switch state.phase {
            case .initial:
                var position = state.position
                var memberOffset = state.memberOffset
                var budget = Self.deltaMemberBudget
                var count = 0
                while count < pageSize && budget > 0 {
                    let page = directory.collection(type).page(after: position, limit: 1) {
                        idFilter?.contains(OrderedIndex<Entity>.key($0.id)) ?? true
                    }
                    guard let entity = page.items.first, let sequence = directory.collection(type).sequence(of: entity.id) else {
                        next = nil
                        return
                    }
                    var members: [(String, String, Bool)] = []
                    var finished = true
                    if isContainer && state.includeMembers {
                        let memberIndex = directory.memberships.targets(of: entity.id)
                        let memberPage = memberIndex.page(after: UInt64(memberOffset), limit: budget) { directory.isLive($0) }
                        members = memberPage.items.map { memberEntry($0, removed: false) }
                        budget -= members.count
                        if let resume = memberPage.resumeAfter {
                            finished = false
                            memberOffset = Int(resume)
                        }
                    }
                    emitted.append(Emitted(id: entity.id, encoded: directory.encoded(type, entity), removed: nil, members: members,
                                           manager: wantsManager ? directory.manager(of: entity.id) : nil))
                    count += 1
                    if finished {
                        position = sequence
                        memberOffset = 0
                    } else {
                        break
                    }
                }
                // Anything left after this page?
                let more = directory.collection(type).page(after: position, limit: 1) {
                    idFilter?.contains(OrderedIndex<Entity>.key($0.id)) ?? true
                }
                if more.items.isEmpty && memberOffset == 0 {
                    next = nil
                } else {
                    var following = state
                    following.position = position
                    following.memberOffset = memberOffset
                    next = following
                }
            case .changes:
                let changes = directory.deltaChanges(type, from: state.fromVersion, to: state.roundVersion)
                var index = Int(state.position)
                var memberOffset = state.memberOffset
                var budget = Self.deltaMemberBudget
                var count = 0
                while index < changes.count && count < pageSize && budget > 0 {
                    let change = changes[index]
                    if let idFilter, !idFilter.contains(OrderedIndex<Entity>.key(change.id)) {
                        index += 1
                        continue
                    }
                    var members: [(String, String, Bool)] = []
                    var finished = true
                    if isContainer && state.includeMembers && !change.members.isEmpty {
                        let end = min(change.members.count, memberOffset + budget)
                        members = change.members[memberOffset..<end].map { member in
                            let present = directory.memberships.contains(change.id, member) && directory.isLive(member)
                            return memberEntry(member, removed: !present)
                        }
                        budget -= members.count
                        if end < change.members.count {
                            finished = false
                            memberOffset = end
                        }
                    }
                    if !change.objectChanged && members.isEmpty && !(isContainer && state.includeMembers) {
                        index += 1
                        continue
                    }
                    if let live = directory.entity(type, change.id) {
                        emitted.append(Emitted(id: live.id, encoded: directory.encoded(type, live), removed: nil, members: members,
                                               manager: wantsManager ? directory.manager(of: live.id) : nil))
                    } else if directory.deletedEntity(change.id) != nil {
                        emitted.append(Emitted(id: change.id, encoded: nil, removed: "changed", members: [], manager: nil))
                    } else {
                        emitted.append(Emitted(id: change.id, encoded: nil, removed: "deleted", members: [], manager: nil))
                    }
                    count += 1
                    if finished {
                        index += 1
                        memberOffset = 0
                    } else {
                        break
                    }
                }
                if index >= changes.count {
                    next = nil
                } else {
                    var following = state
                    following.position = UInt64(index)
                    following.memberOffset = memberOffset
                    next = following
                }
            case .token:
                next = nil
            }
        }

        let contextURL = context.contextURL(type.entitySet + (state.select.map { "(" + $0.joined(separator: ",") + ")" } ?? ""))
        var writer = CollectionWriter(context: contextURL, nextLink: next.map { nextDeltaLink(context, type, $0) },
                                      capacity: 64 + emitted.count * 300)
        for item in emitted {
            writer.appendItem { bytes in
                if let removed = item.removed {
                    JSONWriter.write(.object(["id": .string(item.id), "@removed": ["reason": .string(removed)]]), into: &bytes)
                    return
                }
                guard let encoded = item.encoded else { return }
                var trailing: [UInt8] = []
                // Groups without members (or without member changes) carry no members@delta.
                if isContainer && state.includeMembers && !item.members.isEmpty {
                    JSONWriter.writeString("members@delta", into: &trailing)
                    trailing.append(UInt8(ascii: ":"))
                    JSONWriter.write(.array(item.members.map { member in
                        var entry: JSONObject = ["@odata.type": .string(member.type), "id": .string(member.id)]
                        if member.removed { entry["@removed"] = ["reason": "deleted"] }
                        return .object(entry)
                    }), into: &trailing)
                }
                if let manager = item.manager {
                    if !trailing.isEmpty { trailing.append(UInt8(ascii: ",")) }
                    JSONWriter.writeString("manager@delta", into: &trailing)
                    trailing.append(UInt8(ascii: ":"))
                    JSONWriter.write([["@odata.type": "#microsoft.graph.user", "id": .string(manager)]], into: &trailing)
                }
                projection.write(encoded, trailing: trailing.isEmpty ? nil : trailing, into: &bytes)
            }
        }
        if next != nil {
            return .json(200, writer.finish())
        }
        let token = DeltaState(type: type.name, phase: .token, fromVersion: state.roundVersion,
                               roundVersion: state.roundVersion, position: 0, memberOffset: 0, select: state.select,
                               ids: state.ids, includeMembers: state.includeMembers, epoch: state.epoch, issuedAt: now)
        return .json(200, writer.finish(deltaLink: deltaLink(context, type, token)))
    }

    /// A new round enumerating every object, from the request's `$select` and `$filter`.
    private func freshRound(_ type: ResourceType, _ context: GraphContext, version: UInt64, epoch: Int, now: Double) throws -> DeltaState {
        let query = try ODataQuery(context.request)
        if let select = query.select {
            for name in select where name != "members" && name != "manager" && !type.isKnownProperty(name) {
                throw GraphError.invalidProperty(name, type: type)
            }
        }
        if !query.expand.isEmpty && !(query.expand == ["members"] && (type == .group || type == .administrativeUnit || type == .directoryRole)) {
            throw GraphError.badRequest("Only $expand=members is supported with delta queries.")
        }
        return DeltaState(type: type.name, phase: .initial, fromVersion: 0, roundVersion: version, position: 0,
                          memberOffset: 0, select: query.select, ids: try deltaIds(query, type),
                          includeMembers: includeMembers(query, type), epoch: epoch, issuedAt: now)
    }

    private func includeMembers(_ query: ODataQuery, _ type: ResourceType) -> Bool {
        guard type == .group || type == .administrativeUnit || type == .directoryRole else { return false }
        return query.select == nil || query.select?.contains("members") == true || query.expand.contains("members")
    }

    /// Delta accepts only `id eq` / `id in` filters (at most 50 ids).
    private func deltaIds(_ query: ODataQuery, _ type: ResourceType) throws -> [String]? {
        guard let filter = query.filter else { return nil }
        guard let ids = filter.identifierLookup else {
            throw GraphError.unsupportedQuery("Only filtering by id ('id eq' or 'id in') is supported with delta queries.")
        }
        if ids.count > 50 {
            throw GraphError.badRequest("Too many ids in the delta filter: at most 50 are allowed.")
        }
        return ids
    }

    static func preferredPageSize(_ request: GraphRequest) -> Int? {
        guard let prefer = request.header("Prefer") else { return nil }
        for part in prefer.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("odata.maxpagesize="), let size = Int(trimmed.dropFirst("odata.maxpagesize=".count)) {
                return min(max(size, 1), 999)
            }
        }
        return nil
    }

    private func nextDeltaLink(_ context: GraphContext, _ type: ResourceType, _ state: DeltaState) -> String {
        context.serviceRoot + "/" + type.entitySet + "/delta?$skiptoken=" + state.encoded
    }

    private func deltaLink(_ context: GraphContext, _ type: ResourceType, _ state: DeltaState) -> String {
        context.serviceRoot + "/" + type.entitySet + "/delta?$deltatoken=" + state.encoded
    }
}

extension TenantDirectory {
    /// The deduplicated changes to `type` in `(from, to]`, in order of first change, cached per
    /// round.
    mutating func deltaChanges(_ type: ResourceType, from: UInt64, to: UInt64) -> [DeltaChange] {
        let key = "\(type.name):\(from):\(to)"
        if let cached = deltaRounds[key] { return cached }
        let log = changeLog(type)
        var changes: [DeltaChange] = []
        var positions: [String: Int] = [:]
        var seenMembers: [String: Set<String>] = [:]
        var index = log.firstIndex(after: from)
        while index < log.entries.count, log.entries[index].version <= to {
            let entry = log.entries[index]
            let id = OrderedIndex<Entity>.key(entry.id)
            let position: Int
            if let existing = positions[id] {
                position = existing
            } else {
                position = changes.count
                positions[id] = position
                changes.append(DeltaChange(id: entry.id, objectChanged: false, members: []))
            }
            if let member = entry.member {
                let memberKey = OrderedIndex<Entity>.key(member)
                if seenMembers[id, default: []].insert(memberKey).inserted {
                    changes[position].members.append(member)
                }
            } else {
                changes[position].objectChanged = true
            }
            index += 1
        }
        if deltaRounds.count >= 32 { deltaRounds.removeAll() }
        deltaRounds[key] = changes
        return changes
    }
}
