import Graph
import Vault

/// Rewrites the references an object holds (the catalogue's `references` paths) from source ids
/// to target ids.
struct ReferenceRemapper: Sendable {
    var map: IDMap
    /// Same tenant: an id the map does not know names an object the target still has, so it is
    /// kept. Across tenants it names nothing there: it is dropped from lists.
    var sameTenant: Bool

    /// The id a reference to `id` becomes, or nil when it has no counterpart in the target.
    func target(of id: String, key: ObjectReference.Key) -> String? {
        switch key {
        case .id:
            return self.map.ids[id] ?? (self.sameTenant ? id : nil)
        case .appId:
            // First-party and multi-tenant apps keep their appId in every tenant.
            return self.map.appIDs[id] ?? id
        case .templateId, .skuId, .fixedId:
            return id
        case .queryPath:
            var parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, let mapped = self.map.ids[parts[2]] ?? (self.sameTenant ? parts[2] : nil) else {
                return self.sameTenant ? id : nil
            }
            parts[2] = mapped
            return parts.joined(separator: "/")
        case .directoryScope:
            let parts = id.split(separator: "/", omittingEmptySubsequences: true)
            guard parts.count == 2, let mapped = self.map.ids[String(parts[1])] ?? (self.sameTenant ? String(parts[1]) : nil) else {
                return parts.isEmpty ? id : (self.sameTenant ? id : nil)
            }
            return "/\(parts[0])/\(mapped)"
        }
    }

    /// `object` with every reference of `entry` remapped.
    func remap(_ object: CanonicalJSON, entry: CatalogueEntry) -> CanonicalJSON {
        var result = object
        for reference in entry.references {
            let steps = reference.path.split(separator: ".").map(String.init)
            result = self.rewrite(result, steps: steps[...], reference: reference)
        }
        return result
    }

    private func rewrite(_ value: CanonicalJSON, steps: ArraySlice<String>, reference: ObjectReference) -> CanonicalJSON {
        guard let step = steps.first else {
            guard let id = value.stringValue, !reference.keywords.contains(id) else { return value }
            return self.target(of: id, key: reference.key).map(CanonicalJSON.string) ?? .null
        }
        let rest = steps.dropFirst()
        let isArray = step.hasSuffix("[]")
        let name = isArray ? String(step.dropLast(2)) : step
        guard case .object(var members) = value, let member = members[name] else { return value }
        if isArray, case .array(let elements) = member {
            members[name] = .array(elements.map { self.rewrite($0, steps: rest, reference: reference) }.filter { $0 != .null })
        } else {
            members[name] = self.rewrite(member, steps: rest, reference: reference)
        }
        return .object(members)
    }
}
