public import Foundation
public import Graph
public import Vault

/// The tenant's directory audit log (`/auditLogs/directoryAudits`, `AuditLog.Read.All`), read
/// page by page from a date on: who-did-it for a diff, whose security info changed for a backup.
public struct DirectoryAuditLog: Sendable {
    let session: GraphSession

    public init(session: GraphSession) {
        self.session = session
    }

    /// Hands every entry logged at or after `since` to `body`. A page that is not JSON is a
    /// `GraphError` (`invalidResponse`) like any other Graph failure.
    public func forEachEntry(since: Date, _ body: (CanonicalJSON) throws -> Void) async throws {
        let filter = "activityDateTime ge \(ISO8601DateFormatter().string(from: since))"
        var path: String? = "/auditLogs/directoryAudits?$top=999&$filter="
            + (filter.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? filter)
        var links = GraphListingGuard(self.session.client.configuration)
        while let current = path {
            let response = try await self.session.send(.get(current))
            let page: CanonicalJSON
            do {
                page = try CanonicalJSON.parse(response.body)
            } catch {
                throw GraphError(code: .invalidResponse, message: "a directory audit page is not JSON", status: response.status,
                                 requestID: response.requestID, underlying: error)
            }
            for entry in page["value"]?.arrayValue ?? [] { try body(entry) }
            path = try links.follow(page["@odata.nextLink"]?.stringValue)
        }
    }
}
