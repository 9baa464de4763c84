import Foundation
import Hummingbird
import NIOCore
import Restore
import Vault

/// Operators' snapshot routes, and one object as it was at a point in time (Vault reads).
struct SnapshotRoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/tenants/{tenant_id}/snapshots", access: .staff) { request, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let page = try PageRequest.parse(request, configuration: services.configuration)
            _ = try await services.tenants.tenant(id: tenantID)
            let snapshots = try await services.requireVault().snapshots(tenantID: tenantID, limit: page.limit + 1, beforeID: try page.beforeID())
            return try JSONResponse.make(page.page(descendingIDs: snapshots.map(SnapshotResource.init), id: \.id))
        }
        routes.get("/v1/tenants/{tenant_id}/snapshots/{snapshot_id}", access: .staff) { _, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let snapshotID = try context.int64Parameter("snapshot_id")
            let snapshot = try await services.requireVault().snapshot(id: snapshotID)
            guard snapshot.tenantID == tenantID else { throw APIError(.notFound, "tenant \(tenantID.uuidString.lowercased()) has no snapshot \(snapshotID)") }
            return try JSONResponse.make(SnapshotResource(snapshot))
        }
        routes.get("/v1/tenants/{tenant_id}/object", access: .staff) { request, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let query = request.uri.queryParameters
            let (type, objectID) = try Self.objectParameters(request)
            var at = Date()
            if let text = query["at"] {
                guard let date = APITime.parse(String(text)) else {
                    throw APIError(.invalidParameter, "at must be an ISO 8601 time such as 2026-11-20T08:00:00Z (got '\(text)')")
                }
                at = date
            }
            let vault = try services.requireVault()
            _ = try await services.tenants.tenant(id: tenantID)
            let snapshot = try await vault.snapshot(tenantID: tenantID, at: at)
            guard let json = try await vault.object(tenantID: tenantID, type: type, objectID: objectID, at: snapshot.id) else {
                throw APIError(.notFound, "\(type) \(objectID) is not in snapshot \(snapshot.id), committed \(APITime.format(snapshot.committedAt))")
            }
            return Self.objectResponse(snapshot: snapshot, type: type, objectID: objectID, json: json)
        }
        routes.get("/v1/tenants/{tenant_id}/object/history", access: .staff) { request, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let (type, objectID) = try Self.objectParameters(request)
            let vault = try services.requireVault()
            _ = try await services.tenants.tenant(id: tenantID)
            let history = try await ObjectHistory.load(vault: vault, tenantID: tenantID, type: type, objectID: objectID)
            guard !history.events.isEmpty else {
                throw APIError(.notFound, "no snapshot of tenant \(tenantID.uuidString.lowercased()) holds \(type) \(objectID)")
            }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: try history.renderJSON())))
        }
    }

    /// The required `type` and `id` query parameters.
    static func objectParameters(_ request: Request) throws -> (type: String, objectID: String) {
        let query = request.uri.queryParameters
        guard let type = query["type"].map(String.init), !type.isEmpty else {
            throw APIError(.invalidParameter, "type is required (a catalogue type such as user, group or group.members)")
        }
        guard let objectID = query["id"].map(String.init), !objectID.isEmpty else {
            throw APIError(.invalidParameter, "id is required (the object id; relationships: PARENT/ID)")
        }
        for (name, value) in [("type", type), ("id", objectID)] where value.unicodeScalars.contains("\u{0}") {
            throw APIError(.invalidParameter, "\(name) contains a NUL character")
        }
        return (type, objectID)
    }

    /// `{"snapshot_id":…,"committed_at":…,"type":…,"id":…,"object":{…}}` with the stored canonical
    /// JSON inserted as it is (it is already valid JSON).
    static func objectResponse(snapshot: SnapshotSummary, type: String, objectID: String, json: [UInt8]) -> Response {
        func quoted(_ text: String) -> String {
            String(decoding: (try? JSONResponse.encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
        }
        var buffer = ByteBuffer()
        buffer.writeString(#"{"committed_at":\#(quoted(APITime.format(snapshot.committedAt))),"id":\#(quoted(objectID)),"object":"#)
        buffer.writeBytes(json)
        buffer.writeString(#","snapshot_id":\#(snapshot.id),"type":\#(quoted(type))}"#)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: buffer))
    }
}
