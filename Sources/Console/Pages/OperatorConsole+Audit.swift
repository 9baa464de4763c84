import Audit
import Foundation
import Hummingbird

/// The audit log (`/console/audit`), newest first in keyset pages, filtered by actor, action and
/// tenant: `AuditLog.entries`, the query behind the API's `/v1/audit`. Staff only, as that route
/// is: the log spans every partner, so partner users are refused (403, audited).
extension OperatorConsole {
    struct AuditPage {
        struct Row {
            var id: Int64
            var at: String
            var actor: String
            var action: String
            var tenantID: String?
            var tenantName: String
            var details: String
        }
        var layout: ConsoleLayout
        var actor: String
        var action: String
        var tenant: String
        var entries: [Row]
        /// Stored, not computed: Mustache reads values through `Mirror`, which sees stored properties only.
        var hasEntries: Bool
        var filtered: Bool
        var next: String?
    }

    func auditPage(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        try await requireStaff(session, request: request, page: "the audit log")
        let actor = try parameter(request, "actor", maxLength: 200)
        let action = try parameter(request, "action", maxLength: 100)
        let tenantText = try parameter(request, "tenant", maxLength: 36)
        let tenantID = try tenantText.map { text -> UUID in
            guard let id = UUID(uuidString: text) else { throw ConsoleError(.invalidInput, "The tenant filter must be a tenant id (got '\(text)').") }
            return id
        }
        let before = try parameter(request, "before", maxLength: 20).map { text -> Int64 in
            guard let id = Int64(text), id > 0 else { throw ConsoleError(.invalidInput, "The page link is damaged (before must be an entry id). Start again from the first page.") }
            return id
        }
        let limit = configuration.pageSize
        let fetched = try await AuditLog.entries(tenantID: tenantID, actor: actor, action: action, beforeID: before, limit: limit + 1,
                                                 client: services.client)
        let entries = Array(fetched.prefix(limit))
        var next: String?
        if fetched.count > limit, let last = entries.last {
            next = ConsoleFormat.link("/console/audit", [("actor", actor), ("action", action), ("tenant", tenantText), ("before", String(last.id))])
        }
        var names: [UUID: String] = [:]
        for id in Set(entries.compactMap(\.tenantID)) {
            names[id] = try? await services.tenants.tenant(id: id).displayName
        }
        let rows = entries.map { entry in
            AuditPage.Row(id: entry.id, at: ConsoleFormat.time(entry.at), actor: entry.actor, action: entry.action,
                          tenantID: entry.tenantID?.uuidString.lowercased(),
                          tenantName: entry.tenantID.map { names[$0] ?? $0.uuidString.lowercased() } ?? "",
                          details: Self.auditDetails(entry.details))
        }
        let page = AuditPage(layout: ConsoleLayout(title: "Audit log", session: session), actor: actor ?? "", action: action ?? "",
                             tenant: tenantText ?? "", entries: rows, hasEntries: !rows.isEmpty,
                             filtered: actor != nil || action != nil || tenantID != nil, next: next)
        return renderer.page("audit", page)
    }

    /// An entry's details as `key=value` pairs in key order (they never hold secrets).
    static func auditDetails(_ details: [String: String]) -> String {
        details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
}
