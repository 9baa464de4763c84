import Foundation
import Graph
import JSON
import Vault

extension BackupRun {
    /// GETs a page (or a singleton) and parses it, keeping numbers exactly as Graph wrote them.
    func fetch(_ path: String, headers: [(name: String, value: String)] = []) async throws -> CanonicalJSON {
        let response = try await self.session.send(.get(path, headers: headers))
        do {
            return try CanonicalJSON.parse(response.body)
        } catch {
            throw GraphError(code: .invalidResponse, message: "a Graph response is not JSON", status: response.status,
                             requestID: response.requestID, underlying: error)
        }
    }

    /// The stored objects of one page (or singleton) of `entry` under `parents`, and the next
    /// page's link.
    static func objects(in page: CanonicalJSON, of entry: CatalogueEntry,
                        parents: [String]) throws -> (objects: [(objectID: String, canonical: [UInt8])], next: String?) {
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
            if let required = entry.storedOnlyWith, Self.isUnset(object[required]) { continue }
            objects.append((entry.objectKey(parents: parents, id: id), Self.canonical(object, relationship: relationship)))
        }
        return (objects, page["@odata.nextLink"]?.stringValue)
    }

    /// Null, absent, or an object or array without members: what ``CatalogueEntry/storedOnlyWith`` skips.
    static func isUnset(_ value: CanonicalJSON?) -> Bool {
        switch value {
        case nil, .null?: return true
        case .object(let members)?: return members.count == 0
        case .array(let items)?: return items.isEmpty
        default: return false
        }
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
        // PIM for Groups: an activation shows in members@delta, an eligibility in nothing delta reads.
        "group.eligibilitySchedules", "group.eligibilityScheduleInstances", "group.assignmentSchedules",
        "group.assignmentScheduleInstances",
    ]

    /// A stable slot in `0..<runs` for an object id (FNV-1a: the same in every process).
    static func sweepSlot(of key: String, runs: Int) -> Int {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return Int(hash % UInt64(max(1, runs)))
    }

    /// The stored form of an object: canonical JSON without response annotations (`@odata.etag`,
    /// `@odata.context`), keeping `@odata.type`, which tells polymorphic types apart. A relationship
    /// keeps only the target's id and type.
    static func canonical(_ object: JSONObject, relationship: Bool = false) -> [UInt8] {
        var kept = JSONObject()
        for (key, value) in object where !key.contains("@") || key == "@odata.type" {
            if relationship && key != "id" && key != "@odata.type" { continue }
            kept.append(key, value)
        }
        return CanonicalJSON.object(kept).canonicalBytes()
    }
}
