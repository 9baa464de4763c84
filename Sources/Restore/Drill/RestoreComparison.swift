public import Graph
import Vault

/// Compares what a restore should have produced (the snapshot, with ids mapped to the target's)
/// with what the target holds, object by object, on the properties a restore writes.
public struct RestoreComparison: Sendable {
    /// One object that does not match.
    public struct Difference: Sendable, Hashable, Codable, CustomStringConvertible {
        public var type: String
        /// The source key (snapshot ids).
        public var key: String
        public var problem: String
        public var description: String { "\(type) \(key): \(problem)" }
    }

    public init() {}

    /// Differences between `plan`'s snapshot (in scope) and the target now, read through `target`.
    public func differences(plan: RestorePlan, map: IDMap, source: TenantObjects, target: GraphSession) async throws -> [Difference] {
        let types = RestorableTypes.closure(of: plan.scope.types ?? RestorableTypes.all)
        let live = try await LiveObjectReader(session: target).objects(types: types)
        return Self.differences(plan: plan, map: map, source: source, live: live, types: types)
    }

    static func differences(plan: RestorePlan, map: IDMap, source: TenantObjects, live: TenantObjects,
                            types: Set<String>) -> [Difference] {
        let remapper = ReferenceRemapper(map: map, sameTenant: !plan.isCrossTenant)
        let excused = Set(plan.operatorActions.filter { $0.action.contains("cannot") || $0.action.contains("built-in")
            || $0.action.contains("singleton") || $0.action.contains("managed") }.map(\.objectID))
        var differences: [Difference] = []
        func mapped(_ id: String) -> String? { map.ids[id] ?? (plan.isCrossTenant ? nil : id) }
        for type in types.sorted() {
            guard let entry = ResourceCatalogue.entry(named: type) else { continue }
            for (key, object) in source[type].sorted(by: { $0.key < $1.key }) where plan.scope.includes(key: key) {
                let parts = key.split(separator: "/").map(String.init)
                if excused.contains(key) || parts.contains(where: excused.contains) { continue }
                if type == "group.members" || type == "group.owners", PlanningContext.isDynamic(source["group"][parts[0]]) { continue }
                // A permanent active group assignment is a member or owner link, compared as such.
                if type == "group.assignmentSchedules", PlanningContext.scheduleEnd(object) == nil, !PlanningContext.isActivation(object) {
                    continue
                }
                if let fields = RestorableTypes.contentKeys[type] {
                    let desired = remapper.remap(object, entry: entry)
                    if entry.references.contains(where: { desired[$0.path] == .null }) { continue }
                    let content = fields.map { desired[$0]?.stringValue?.lowercased() ?? "" }
                    let present = live[type].values.contains { candidate in fields.map { candidate[$0]?.stringValue?.lowercased() ?? "" } == content }
                    if !present { differences.append(Difference(type: type, key: key, problem: "missing in the target")) }
                    continue
                }
                if entry.kind == .relationship {
                    let childID = entry.shape == .singleton ? object["id"]?.stringValue ?? "" : parts.last ?? ""
                    if !PlanningContext.canExist(childID, entry: entry, source: source, target: live) { continue }
                    guard let parent = mapped(parts[0]) else {
                        differences.append(Difference(type: type, key: key, problem: "parent has no target id")); continue
                    }
                    let childSource = entry.shape == .singleton ? object["id"]?.stringValue : parts.last
                    guard let childID = childSource, let child = mapped(childID) else {
                        differences.append(Difference(type: type, key: key, problem: "target has no id for \(childSource ?? "?")")); continue
                    }
                    let present = entry.shape == .singleton ? live[type][parent]?["id"]?.stringValue == child
                                                            : live[type][parent + "/" + child] != nil
                    if !present { differences.append(Difference(type: type, key: key, problem: "reference missing in the target")) }
                    continue
                }
                // A child's key is its parents' ids and its own, each mapped.
                let mappedParts = parts.compactMap(mapped)
                let targetKey = entry.parent == nil ? mapped(key) : (mappedParts.count == parts.count ? mappedParts.joined(separator: "/") : nil)
                guard let targetID = targetKey, let current = live[type][targetID] else {
                    differences.append(Difference(type: type, key: key, problem: "missing in the target")); continue
                }
                let desired = remapper.remap(object, entry: entry)
                var names = PlanningContext.writableDifferences(entry, desired: desired, current: current, rewrites: plan.domainRewrites)
                if plan.isCrossTenant { names.removeAll { $0.hasPrefix("extension_") } }
                if !names.isEmpty {
                    let details = names.flatMap { name in
                        AttributeChange.between(desired[name], current[name]).map { change in
                            "\(name == change.path || change.path.isEmpty ? name : change.path): want \(change.before.map(ChangeSet.text) ?? "∅"), have \(change.after.map(ChangeSet.text) ?? "∅")"
                        }
                    }
                    differences.append(Difference(type: type, key: key, problem: "differs: \(details.joined(separator: "; "))"))
                }
                differences += Self.conditionSetDifferences(type: type, key: key, desired: object, current: current)
            }
            // References the target has under a restored parent that the snapshot does not.
            if entry.kind == .relationship && entry.shape == .collection && !plan.scope.onlyMissing {
                var expected = Set<String>()
                var parents = Set<String>()
                for key in source[type].keys where plan.scope.includes(key: key) {
                    let parts = key.split(separator: "/").map(String.init)
                    if let p = mapped(parts[0]) {
                        parents.insert(p)
                        if let c = mapped(parts[1]) { expected.insert(p + "/" + c) }
                    }
                }
                for key in live[type].keys.sorted() where parents.contains(String(key.split(separator: "/")[0])) && !expected.contains(key) {
                    let parent = String(key.split(separator: "/")[0])
                    if type.hasPrefix("group."), PlanningContext.isDynamic(live["group"][parent]) { continue }
                    differences.append(Difference(type: type, key: key, problem: "extra reference in the target"))
                }
            }
        }
        return differences
    }

    /// A consent policy's condition sets, which are written one by one (not as properties):
    /// compared by content, since a recreated condition gets a new id.
    static func conditionSetDifferences(type: String, key: String, desired: CanonicalJSON, current: CanonicalJSON) -> [Difference] {
        guard type == "permissionGrantPolicy" else { return [] }
        func contents(_ object: CanonicalJSON, _ set: String) -> [CanonicalJSON] {
            (object[set]?.arrayValue ?? []).map { condition in
                guard case .object(var members) = condition else { return condition }
                members["id"] = nil
                return .object(members)
            }
        }
        var differences: [Difference] = []
        for set in ["includes", "excludes"] {
            let want = contents(desired, set)
            let have = contents(current, set)
            let missing = want.filter { !have.contains($0) }.count
            let extra = have.filter { !want.contains($0) }.count
            if missing > 0 || extra > 0 {
                differences.append(Difference(type: type, key: key, problem: "\(set): \(missing) condition set(s) missing, \(extra) extra"))
            }
        }
        return differences
    }
}
