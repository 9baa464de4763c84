import Foundation
import Graph
import Vault

/// What references resolve against: the ids of every object live at a snapshot, by type, and the
/// alternate keys (`appId`, `templateId`, `skuId`) read from the objects that carry them.
struct ReferenceIndex {
    let snapshot: SnapshotSummary
    let vault: Vault
    var ids: [String: Set<String>] = [:]
    var appIDs: Set<String> = []
    var templateIDs: Set<String> = []
    var skuIDs: Set<String> = []

    static func build(snapshot: SnapshotSummary, vault: Vault, catalogue: [CatalogueEntry]) async throws -> ReferenceIndex {
        var index = ReferenceIndex(snapshot: snapshot, vault: vault)
        let topLevel = Set(catalogue.filter { $0.parent == nil }.map(\.name))
        try await vault.forEachEntry(of: snapshot) { page in
            for entry in page where topLevel.contains(entry.type) {
                index.ids[entry.type, default: []].insert(entry.objectID)
            }
        }
        var appIDs = Set<String>(), templateIDs = Set<String>(), skuIDs = Set<String>()
        for type in ["servicePrincipal", "application"] {
            try await index.forEachObject(of: type) { _, object in
                if let appID = object["appId"]?.stringValue { appIDs.insert(appID) }
            }
        }
        try await index.forEachObject(of: "roleDefinition") { id, object in
            templateIDs.insert(id)
            if let template = object["templateId"]?.stringValue { templateIDs.insert(template) }
        }
        try await index.forEachObject(of: "subscribedSku") { _, object in
            if let sku = object["skuId"]?.stringValue { skuIDs.insert(sku) }
        }
        index.appIDs = appIDs
        index.templateIDs = templateIDs
        index.skuIDs = skuIDs
        return index
    }

    /// Every object of `type` at the snapshot, parsed. A blob that cannot be read is skipped here:
    /// the integrity check reports it.
    func forEachObject(of type: String, _ body: (String, CanonicalJSON) async throws -> Void) async throws {
        var after = ""
        while true {
            let rows = try await self.vault.client.query("""
                SELECT object_id, encode(blob_id, 'hex') AS blob FROM object_versions
                WHERE tenant_id = \(self.snapshot.tenantID) AND type = \(type) AND valid_from <= \(self.snapshot.id)
                  AND (valid_to IS NULL OR valid_to > \(self.snapshot.id)) AND object_id > \(after)
                ORDER BY object_id LIMIT 500
                """)
            for row in rows {
                let objectID = try row.decode(String.self, "object_id")
                after = objectID
                guard let blobID = BlobID(hex: try row.decode(String.self, "blob")),
                      let bytes = try? await self.vault.read(blobID, tenantID: self.snapshot.tenantID),
                      let object = try? CanonicalJSON.parse(bytes) else { continue }
                try await body(objectID, object)
            }
            if rows.count < 500 { return }
        }
    }

    /// Whether `value` names an object of one of `targets` in the snapshot.
    func resolve(_ value: String, key: ObjectReference.Key, targets: [String]) -> Bool {
        switch key {
        case .id, .fixedId: return targets.contains { self.ids[$0]?.contains(value) ?? false }
        case .queryPath:
            let parts = value.split(separator: "/").map(String.init)
            guard parts.count >= 2 else { return false }
            return targets.contains { self.ids[$0]?.contains(parts[1]) ?? false }
        case .appId: return self.appIDs.contains(value)
        case .templateId: return self.templateIDs.contains(value)
        case .skuId: return self.skuIDs.contains(value)
        case .directoryScope:
            if value == "/" { return true }
            let path = value.hasPrefix("/") ? String(value.dropFirst()) : value
            if path.hasPrefix("administrativeUnits/") {
                return self.ids["administrativeUnit"]?.contains(String(path.dropFirst("administrativeUnits/".count))) ?? false
            }
            return self.ids["application"]?.contains(path) ?? false
        }
    }
}
