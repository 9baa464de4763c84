public import Graph
import JSON
import Vault

/// Reads what a tenant holds now, through Graph, keyed as the backup keys it.
public struct LiveObjectReader: Sendable {
    let session: GraphSession

    public init(session: GraphSession) {
        self.session = session
    }

    /// Every object of the given catalogue entries (children under every live parent).
    public func objects(types: Set<String>) async throws -> TenantObjects {
        var result = TenantObjects()
        // Parents first: the catalogue lists them before their children.
        for entry in ResourceCatalogue.entries where types.contains(entry.name) || Self.isParent(entry, of: types) {
            var parents: [[String]] = [[]]
            if let parent = entry.parent {
                if result.types[parent] == nil { result[parent] = try await self.objects(types: [parent])[parent] }
                parents = result[parent].keys.sorted().map { $0.split(separator: "/").map(String.init) }
            }
            var objects: [String: CanonicalJSON] = [:]
            for chain in parents {
                try await self.list(entry, parents: chain, into: &objects)
            }
            result[entry.name] = objects
        }
        return result.filtered(to: types)
    }

    static func isParent(_ entry: CatalogueEntry, of types: Set<String>) -> Bool {
        types.contains { ResourceCatalogue.entry(named: $0)?.parent == entry.name }
    }

    private func list(_ entry: CatalogueEntry, parents: [String], into objects: inout [String: CanonicalJSON]) async throws {
        var path: String? = entry.listRequestPath(parents: parents)
        var links = GraphListingGuard(self.session.client.configuration)
        while let current = path {
            let page: CanonicalJSON
            do {
                page = try CanonicalJSON.parse(try await self.session.sendPaced(.get(current)).body)
            } catch let error as GraphError where error.status == 404 && entry.parent != nil {
                return
            }
            if entry.shape == .singleton {
                let key = entry.parent == nil ? (page[entry.key]?.stringValue ?? entry.name) : entry.objectKey(parents: parents, id: nil)
                objects[key] = Self.stored(page, relationship: entry.kind == .relationship)
                path = nil
            } else {
                for item in page["value"]?.arrayValue ?? [] {
                    guard let id = item[entry.key]?.stringValue else { continue }
                    if let required = entry.storedOnlyWith, PlanningContext.isUnset(item[required]) { continue }
                    objects[entry.objectKey(parents: parents, id: id)] = Self.stored(item, relationship: entry.kind == .relationship)
                }
                path = try links.follow(page["@odata.nextLink"]?.stringValue)
            }
        }
    }

    /// Ids of soft-deleted objects of `entry` still in the recycle bin.
    public func deletedIDs(_ entry: CatalogueEntry) async throws -> Set<String> {
        guard let collection = Self.deletedItemsPath(entry) else { return [] }
        var ids = Set<String>()
        var path: String? = collection
        var links = GraphListingGuard(self.session.client.configuration)
        while let current = path {
            let page = try CanonicalJSON.parse(try await self.session.sendPaced(.get(current)).body)
            for item in page["value"]?.arrayValue ?? [] {
                if let id = item["id"]?.stringValue { ids.insert(id) }
            }
            path = try links.follow(page["@odata.nextLink"]?.stringValue)
        }
        return ids
    }

    static func deletedItemsPath(_ entry: CatalogueEntry) -> String? {
        switch entry.softDelete {
        case .none: return nil
        case .directoryDeletedItems: return "/directory/deletedItems/microsoft.graph.\(entry.name)?$select=id&$top=999"
        case .conditionalAccessDeletedItems:
            return entry.name == "namedLocation"
                ? "/identity/conditionalAccess/deletedItems/namedLocations" : "/identity/conditionalAccess/deletedItems/policies"
        }
    }

    /// The form a backup stores: response annotations dropped (`@odata.type` kept), relationships
    /// reduced to the target. Comparisons treat null and absent alike (delta omits never-set
    /// properties while lists send null).
    static func stored(_ value: CanonicalJSON, relationship: Bool) -> CanonicalJSON {
        guard let object = value.objectValue else { return value }
        var kept: [String: CanonicalJSON] = [:]
        for (key, member) in object where (!key.contains("@") || key == "@odata.type") {
            if relationship && key != "id" && key != "@odata.type" { continue }
            kept[key] = member
        }
        return .object(JSONObject(kept))
    }
}

extension TenantObjects {
    func filtered(to types: Set<String>) -> TenantObjects {
        TenantObjects(types: self.types.filter { types.contains($0.key) })
    }
}
