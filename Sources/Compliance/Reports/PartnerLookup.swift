public import Foundation
public import Postgres

/// Finds partners by name or id, for the CLI and the API.
public enum PartnerLookup {
    /// The partner named `nameOrID` (or with that id).
    public static func resolve(_ nameOrID: String, client: PostgresClient) async throws -> (id: UUID, name: String) {
        let id = UUID(uuidString: nameOrID)
        guard let row = try await client.query("""
            SELECT id, name FROM partners WHERE name = \(nameOrID) OR id = \(id) ORDER BY (name = \(nameOrID)) DESC LIMIT 1
            """).first else {
            throw ComplianceError(.partnerNotFound, "no partner is named \(nameOrID)")
        }
        return (try row.decode(UUID.self, "id"), try row.decode(String.self, "name"))
    }

    /// Every partner, by name.
    public static func all(client: PostgresClient) async throws -> [(id: UUID, name: String)] {
        try await client.query("SELECT id, name FROM partners ORDER BY name").rows.map {
            (try $0.decode(UUID.self, "id"), try $0.decode(String.self, "name"))
        }
    }
}
