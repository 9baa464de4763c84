import API
import Foundation
import Hummingbird
import Restore
import Tenancy
import Vault

/// A tenant's snapshots (`/console/tenants/{id}/snapshots`), one snapshot with its types and
/// counts (`…/snapshots/{sid}`), and its object browser (`…/snapshots/{sid}/objects`). Staff only,
/// as the API's snapshot routes are: snapshots hold the customer's directory. They read through
/// the vault the API reads through.
extension OperatorConsole {
    struct SnapshotListPage {
        struct Row {
            var snapshot: TenantPage.Snapshot
            /// The diff from the snapshot before this one; nil for the tenant's first.
            var changes: String?
        }
        var layout: ConsoleLayout
        var tenantID: String
        var tenantName: String
        var rows: [Row]
        var hasRows: Bool
        var next: String?
    }

    struct SnapshotPage {
        struct TypeRow {
            var type: String
            var objects: Int64
            var opened: Int64
            var closed: Int64
            /// The object browser for the type; nil when the snapshot holds none of it.
            var browse: String?
        }
        struct Choice {
            var id: Int64
            var label: String
            var selected: Bool
        }
        var layout: ConsoleLayout
        var tenantID: String
        var tenantName: String
        var id: Int64
        var committed: String
        var started: String
        var kind: String
        var status: String
        var missing: [String]
        var hasMissing: Bool
        var objects: Int64
        var changed: Int64
        var added: String
        var took: String
        var rootHash: String
        var retainedUntil: String
        var held: Bool
        var holdReason: String?
        var hold: HoldForm?
        var types: [TypeRow]
        var hasTypes: Bool
        /// Older snapshots to compare this one with (newest first, the previous one selected).
        var earlier: [Choice]
        var hasEarlier: Bool
        /// Whether this coordinator can read the live tenant (it has Graph credentials).
        var canReadLive: Bool
    }

    struct ObjectBrowserPage {
        struct Row {
            var id: String
            var name: String
            var detail: String?
            var link: String
        }
        var layout: ConsoleLayout
        var tenantID: String
        var tenantName: String
        var snapshotID: Int64
        var types: [Option]
        var type: String
        /// nil without a search (an empty string would still open a Mustache section).
        var query: String?
        var rows: [Row]
        var hasRows: Bool
        /// Set when a search stopped at its budget: how far it looked, and the link that goes on.
        var searchedUpTo: String?
        var next: String?
    }

    /// Snapshots a list page shows; snapshots offered to compare with on a snapshot's page.
    static let snapshotChoices = 20
    /// Objects a search reads (and decrypts) per page view before it stops and offers to go on.
    static let searchBudget = 2_000

    func snapshotList(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        try await requireStaff(session, request: request, page: "a tenant's snapshots")
        let tenant = try await visibleTenant(request, context, session: session, parameter: "tenant_id")
        let before = try parameter(request, "before", maxLength: 20).map { text -> Int64 in
            guard let id = Self.positiveID(text) else {
                throw ConsoleError(.invalidInput, "The page link is damaged (before must be a snapshot id). Start again from the first page.")
            }
            return id
        }
        let limit = configuration.pageSize
        // One more than shown: the last row's predecessor, for its "changes" link and the next page.
        let fetched = try await openVault().snapshots(tenantID: tenant.id, limit: limit + 1, beforeID: before, logger: context.logger)
        let shown = Array(fetched.prefix(limit))
        let tenantID = tenant.id.uuidString.lowercased()
        let rows = shown.enumerated().map { index, snapshot in
            let previous = index + 1 < fetched.count ? fetched[index + 1].id : nil
            return SnapshotListPage.Row(
                snapshot: Self.snapshotRow(snapshot),
                changes: previous.map { ConsoleFormat.link("/console/tenants/\(tenantID)/diff", [("from", String($0)), ("to", String(snapshot.id))]) })
        }
        let next = fetched.count > limit ? shown.last.map { ConsoleFormat.link("/console/tenants/\(tenantID)/snapshots", [("before", String($0.id))]) } : nil
        return renderer.page("snapshots", SnapshotListPage(layout: ConsoleLayout(title: "Snapshots of \(tenant.displayName)", session: session),
                                                           tenantID: tenantID, tenantName: tenant.displayName, rows: rows, hasRows: !rows.isEmpty,
                                                           next: next))
    }

    func snapshotPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (session, tenant, vault, snapshot) = try await snapshotInPath(request, context, page: "a snapshot")
        let notice = try parameter(request, "done", maxLength: 10).flatMap { Self.holdNotices[$0] }
        let tenantID = tenant.id.uuidString.lowercased()
        let counts = try await vault.typeCounts(of: snapshot, logger: context.logger)
        let earlier = try await vault.snapshots(tenantID: tenant.id, limit: Self.snapshotChoices, beforeID: snapshot.id, logger: context.logger)
        let hold = try await vault.legalHold(snapshotID: snapshot.id)
        let row = Self.snapshotRow(snapshot)
        let types = counts.map { count in
            SnapshotPage.TypeRow(type: count.type, objects: count.objects, opened: count.opened, closed: count.closed,
                                 browse: count.objects == 0 ? nil : ConsoleFormat.link("/console/tenants/\(tenantID)/snapshots/\(snapshot.id)/objects", [("type", count.type)]))
        }
        let choices = earlier.enumerated().map { index, older in
            SnapshotPage.Choice(id: older.id, label: "\(older.id), \(ConsoleFormat.time(older.committedAt)), \(older.kind.rawValue)", selected: index == 0)
        }
        let page = SnapshotPage(
            layout: ConsoleLayout(title: "Snapshot \(snapshot.id) of \(tenant.displayName)", session: session, notice: notice), tenantID: tenantID,
            tenantName: tenant.displayName, id: snapshot.id, committed: row.committed, started: ConsoleFormat.time(snapshot.startedAt),
            kind: row.kind, status: row.status, missing: snapshot.missingTypes.map { "\($0.type): \($0.reason)" },
            hasMissing: !snapshot.missingTypes.isEmpty, objects: row.objects, changed: row.changed, added: row.added, took: row.took,
            rootHash: snapshot.rootHash.description, retainedUntil: snapshot.retainedUntil.map(ConsoleFormat.time) ?? "its policy's retention",
            held: hold.held, holdReason: hold.reason,
            hold: Self.holdForm(action: "/console/tenants/\(tenantID)/snapshots/\(snapshot.id)", held: hold.held, reason: hold.reason, session: session),
            types: types, hasTypes: !types.isEmpty, earlier: choices, hasEarlier: !choices.isEmpty,
            canReadLive: services.graphSessions != nil)
        return renderer.page("snapshot", page)
    }

    func objectBrowser(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (session, tenant, vault, snapshot) = try await snapshotInPath(request, context, page: "a snapshot's objects")
        let tenantID = tenant.id.uuidString.lowercased()
        let counts = try await vault.typeCounts(of: snapshot, logger: context.logger).filter { $0.objects > 0 }
        guard let firstType = counts.first?.type else {
            throw ConsoleError(.notFound, "Snapshot \(snapshot.id) holds no objects.")
        }
        let type = try catalogueType(request) ?? firstType
        guard counts.contains(where: { $0.type == type }) else {
            throw ConsoleError(.notFound, "Snapshot \(snapshot.id) holds no object of type '\(type)'.")
        }
        let search = try parameter(request, "q", maxLength: 200)
        let after = try parameter(request, "after", maxLength: ConsoleObjects.maximumIDLength)
        let limit = configuration.pageSize
        let base = "/console/tenants/\(tenantID)/snapshots/\(snapshot.id)/objects"
        var rows: [ObjectBrowserPage.Row] = []
        var next: String?
        var searchedUpTo: String?
        func row(_ version: ObjectVersion, _ bytes: [UInt8]) throws -> ObjectBrowserPage.Row {
            let label = ConsoleObjects.label(of: try CanonicalJSON.parse(bytes))
            return ObjectBrowserPage.Row(id: version.objectID, name: label.name ?? "—", detail: label.detail,
                                         link: ConsoleFormat.link("/console/tenants/\(tenantID)/object",
                                                                  [("type", type), ("id", version.objectID), ("snapshot", String(snapshot.id))]))
        }
        if let search {
            // Names are sealed in the blobs (there is no plaintext index to search), so a search
            // reads the type's objects in id order, up to a budget per page view, and offers to go on.
            var cursor = after
            var scanned = 0
            scan: while scanned < Self.searchBudget {
                let asked = min(200, Self.searchBudget - scanned)
                let batch = try await vault.objects(tenantID: tenant.id, type: type, at: snapshot.id, after: cursor,
                                                    limit: asked, logger: context.logger)
                if batch.isEmpty { break }
                let bodies = try await vault.read(batch, tenantID: tenant.id, logger: context.logger)
                for (version, bytes) in zip(batch, bodies) {
                    scanned += 1
                    cursor = version.objectID
                    let object = try CanonicalJSON.parse(bytes)
                    if ConsoleObjects.matches(object, id: version.objectID, search: search) {
                        rows.append(try row(version, bytes))
                        if rows.count == limit {
                            next = ConsoleFormat.link(base, [("type", type), ("q", search), ("after", version.objectID)])
                            break scan
                        }
                    }
                }
                if batch.count < asked { cursor = nil; break }
            }
            if next == nil, let cursor, scanned >= Self.searchBudget {
                searchedUpTo = cursor
                next = ConsoleFormat.link(base, [("type", type), ("q", search), ("after", cursor)])
            }
        } else {
            let page = try await vault.objects(tenantID: tenant.id, type: type, at: snapshot.id, after: after, limit: limit + 1, logger: context.logger)
            let shown = Array(page.prefix(limit))
            for (version, bytes) in zip(shown, try await vault.read(shown, tenantID: tenant.id, logger: context.logger)) {
                rows.append(try row(version, bytes))
            }
            if page.count > limit, let last = shown.last {
                next = ConsoleFormat.link(base, [("type", type), ("after", last.objectID)])
            }
        }
        let options = counts.map { Option(value: $0.type, label: "\($0.type) (\($0.objects))", selected: $0.type == type) }
        let page = ObjectBrowserPage(layout: ConsoleLayout(title: "Objects of snapshot \(snapshot.id)", session: session), tenantID: tenantID,
                                     tenantName: tenant.displayName, snapshotID: snapshot.id, types: options, type: type, query: search,
                                     rows: rows, hasRows: !rows.isEmpty, searchedUpTo: searchedUpTo, next: next)
        return renderer.page("objects", page)
    }

    // MARK: - Parameters

    /// The signed-in staff viewer, the tenant and the snapshot the path names, and the vault.
    func snapshotInPath(_ request: Request, _ context: APIRequestContext, page: String) async throws
        -> (ConsoleSession, Tenant, Vault, SnapshotSummary) {
        let session = try await signedIn(request)
        try await requireStaff(session, request: request, page: page)
        let tenant = try await visibleTenant(request, context, session: session, parameter: "tenant_id")
        let vault = try openVault()
        return (session, tenant, vault, try await tenantSnapshot(context.parameters.get("snapshot_id") ?? "", of: tenant, vault: vault, context: context))
    }

    /// The vault, or a page saying this coordinator does not open it.
    func openVault() throws -> Vault {
        guard let vault = services.vault else {
            throw ConsoleError(.unavailable, "This coordinator has no master key, so it does not open the vault: snapshots cannot be shown here.")
        }
        return vault
    }

    /// The snapshot `text` names, if it is one of `tenant`'s; otherwise not found.
    func tenantSnapshot(_ text: String, of tenant: Tenant, vault: Vault, context: APIRequestContext) async throws -> SnapshotSummary {
        guard let id = Self.positiveID(text) else {
            throw ConsoleError(.invalidInput, "'\(text.prefix(24))' is not a snapshot id.")
        }
        let notFound = ConsoleError(.notFound, "\(tenant.displayName) has no snapshot \(id).")
        let snapshot: SnapshotSummary
        do {
            snapshot = try await vault.snapshot(id: id, logger: context.logger)
        } catch let error as VaultError where error.code == .notFound {
            throw notFound
        }
        guard snapshot.tenantID == tenant.id else { throw notFound }
        return snapshot
    }

    /// The `type` parameter: a catalogue type's name (letters and dots), if given.
    func catalogueType(_ request: Request) throws -> String? {
        try parameter(request, "type", maxLength: 100).map { text in
            guard text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.letters.contains($0) || $0 == ".") }) else {
                throw ConsoleError(.invalidInput, "The type must be a catalogue type such as user or group.members (got '\(text)').")
            }
            return text
        }
    }

    /// A database id written in decimal: 1 to Int64.max, ASCII digits only.
    static func positiveID(_ text: String) -> Int64? {
        guard !text.isEmpty, text.count <= 19, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int64(text), id > 0 else { return nil }
        return id
    }
}
