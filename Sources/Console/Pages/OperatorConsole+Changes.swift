import API
import Foundation
import Hummingbird
import JSON
import Restore
import Vault

/// One object's history attribute by attribute (`/console/tenants/{id}/object`) and the diff
/// between two snapshots or a snapshot and the live tenant (`/console/tenants/{id}/diff`), grouped
/// by type, with who made each change when asked. Staff only, as the API's routes for the same
/// (`/v1/tenants/{id}/object/history`, `/v1/tenants/{id}/diff`) are; both compute through the
/// Restore module's `ObjectHistory` and `ChangeDiffer`, as those routes and the CLI do.
extension OperatorConsole {
    /// Names no enclosing view uses: Mustache looks a nil value up in the enclosing views (a diff's
    /// type group has `added` and `removed` counts).
    struct AttributeRow {
        var path: String
        var valueBefore: String?
        var valueAfter: String?
        var elementsAdded: String?
        var elementsRemoved: String?
    }

    struct ObjectPage {
        struct Event {
            var kind: String
            var snapshotID: Int64
            var snapshotLink: String
            var committed: String
            var attributes: [AttributeRow]
            var hasAttributes: Bool
        }
        var layout: ConsoleLayout
        var tenantID: String
        var tenantName: String
        var type: String
        var id: String
        var name: String?
        var events: [Event]
        /// The version shown in full, and which snapshot it is as of.
        var shownAt: String
        var json: String
        var present: Bool
    }

    struct DiffPage {
        struct Change {
            var kind: String
            var name: String
            var key: String
            var link: String?
            var attributes: [AttributeRow]
            var hasAttributes: Bool
            var details: String?
            var actors: String?
        }
        struct TypeGroup {
            var type: String
            var added: Int
            var removed: Int
            var changed: Int
            var changes: [Change]
        }
        var layout: ConsoleLayout
        var tenantID: String
        var tenantName: String
        var from: String
        var to: String
        var fromLink: String
        var toLink: String?
        var total: Int
        var groups: [TypeGroup]
        var hasChanges: Bool
        /// Set when more changes exist than a page shows, with the command that prints them all.
        var truncated: String?
        var whoAsked: Bool
    }

    /// Changes a diff page lists; beyond that the page counts them and names the CLI command.
    static let diffRows = 500

    func objectPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        try await requireStaff(session, request: request, page: "an object's history")
        let tenant = try await visibleTenant(request, context, session: session, parameter: "tenant_id")
        let vault = try openVault()
        guard let type = try catalogueType(request) else { throw ConsoleError(.invalidInput, "The type is missing (a catalogue type such as user).") }
        guard let objectID = try parameter(request, "id", maxLength: ConsoleObjects.maximumIDLength) else {
            throw ConsoleError(.invalidInput, "The object id is missing.")
        }
        let at = try parameter(request, "snapshot", maxLength: 20).map { text in
            guard let id = Self.positiveID(text) else { throw ConsoleError(.invalidInput, "The snapshot must be a snapshot id (got '\(text)').") }
            return id
        }
        let tenantID = tenant.id.uuidString.lowercased()
        let history = try await ObjectHistory.load(vault: vault, tenantID: tenant.id, type: type, objectID: objectID)
        guard !history.events.isEmpty else {
            throw ConsoleError(.notFound, "No snapshot of \(tenant.displayName) holds \(type) \(objectID).")
        }
        // The version to show in full: the one live at the snapshot asked for, else the newest.
        var shown: (bytes: [UInt8], at: String)?
        if let at {
            let snapshot = try await tenantSnapshot(String(at), of: tenant, vault: vault, context: context)
            if let bytes = try await vault.object(tenantID: tenant.id, type: type, objectID: objectID, at: snapshot.id, logger: context.logger) {
                shown = (bytes, "as snapshot \(snapshot.id) holds it (\(ConsoleFormat.time(snapshot.committedAt)))")
            }
        }
        if shown == nil, let newest = history.events.last(where: { $0.kind != ObjectHistory.Event.Kind.deleted }),
           let bytes = try await vault.object(tenantID: tenant.id, type: type, objectID: objectID, at: newest.snapshotID, logger: context.logger) {
            let gone = history.events.last?.kind == ObjectHistory.Event.Kind.deleted
            shown = (bytes, "its newest version, from snapshot \(newest.snapshotID)" + (gone ? " (it was deleted afterwards)" : "")
                     + (at.map { ": snapshot \($0) does not hold it" } ?? ""))
        }
        let object = try shown.map { try JSONValue.parse($0.bytes) }
        let events = history.events.reversed().map { event in
            ObjectPage.Event(kind: event.kind.rawValue, snapshotID: event.snapshotID,
                             snapshotLink: "/console/tenants/\(tenantID)/snapshots/\(event.snapshotID)",
                             committed: ConsoleFormat.time(event.committedAt), attributes: event.changes.map(Self.attributeRow),
                             hasAttributes: !event.changes.isEmpty)
        }
        let name = object.flatMap { ConsoleObjects.label(of: $0).name }
        let page = ObjectPage(layout: ConsoleLayout(title: "\(type) \(name ?? objectID)", session: session), tenantID: tenantID,
                              tenantName: tenant.displayName, type: type, id: objectID, name: name, events: events,
                              shownAt: shown?.at ?? "", json: object.map(ConsoleObjects.pretty) ?? "", present: object != nil)
        return renderer.page("object", page)
    }

    func diffPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        try await requireStaff(session, request: request, page: "a diff")
        let tenant = try await visibleTenant(request, context, session: session, parameter: "tenant_id")
        let vault = try openVault()
        let tenantID = tenant.id.uuidString.lowercased()
        guard let fromText = try parameter(request, "from", maxLength: 20) else {
            throw ConsoleError(.invalidInput, "Choose the snapshot to compare from.")
        }
        let from = try await tenantSnapshot(fromText, of: tenant, vault: vault, context: context)
        guard let toText = try parameter(request, "to", maxLength: 20) else {
            throw ConsoleError(.invalidInput, "Choose what to compare with: a later snapshot, or live.")
        }
        let type = try catalogueType(request)
        let who = try parameter(request, "who", maxLength: 5).map { text in
            guard ["1", "true", "on"].contains(text) else { throw ConsoleError(.invalidInput, "who must be 1 when given (got '\(text)').") }
            return true
        } ?? false
        let differ = ChangeDiffer(vault: vault, logger: context.logger)
        let changes: ChangeSet
        let toLabel: String
        var toLink: String?
        if toText == "live" {
            guard let sessions = services.graphSessions else {
                throw ConsoleError(.unavailable, "This coordinator has no Graph credentials (no master key), so it cannot read the live tenant.")
            }
            let types = type.map { [$0] } ?? RestorableTypes.all
            guard types.isSubset(of: RestorableTypes.all) else {
                throw ConsoleError(.invalidInput, "Against live, only restorable types can be read; \(type ?? "") is not one.")
            }
            let graph = try await sessions.session(tenantID: tenant.id, logger: context.logger)
            changes = try await differ.diff(tenantID: tenant.id, from: from.id, live: graph, types: types)
            toLabel = "the live tenant (read now)"
        } else {
            let to = try await tenantSnapshot(toText, of: tenant, vault: vault, context: context)
            changes = try await differ.diff(tenantID: tenant.id, from: from.id, to: to.id, types: type.map { [$0] })
            toLabel = "snapshot \(to.id) (\(ConsoleFormat.time(to.committedAt)))"
            toLink = "/console/tenants/\(tenantID)/snapshots/\(to.id)"
        }
        var annotated = changes
        if who {
            guard let sessions = services.graphSessions else {
                throw ConsoleError(.unavailable, "This coordinator has no Graph credentials (no master key), so it cannot read the directory audit log.")
            }
            let graph = try await sessions.session(tenantID: tenant.id, logger: context.logger)
            annotated = try await DirectoryAuditAnnotator(session: graph, logger: context.logger).annotate(changes, since: from.committedAt)
        }
        let toSnapshot = Self.positiveID(toText)
        var groups: [DiffPage.TypeGroup] = []
        var listed = 0
        for change in annotated.changes {
            if groups.last?.type != change.type { groups.append(DiffPage.TypeGroup(type: change.type, added: 0, removed: 0, changed: 0, changes: [])) }
            switch change.kind {
            case .added: groups[groups.count - 1].added += 1
            case .removed: groups[groups.count - 1].removed += 1
            case .changed: groups[groups.count - 1].changed += 1
            }
            guard listed < Self.diffRows else { continue }
            listed += 1
            // The object's page, as of the side that holds it.
            let holder = change.kind == .removed ? from.id : (toSnapshot ?? from.id)
            let link = change.isRelationship ? nil : ConsoleFormat.link("/console/tenants/\(tenantID)/object",
                                                                        [("type", change.type), ("id", change.key), ("snapshot", String(holder))])
            let details = change.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            let actors = change.actors.map { "\($0.name): \($0.activity) at \(ConsoleFormat.time($0.at))" }.joined(separator: "; ")
            groups[groups.count - 1].changes.append(DiffPage.Change(
                kind: change.kind.rawValue, name: change.displayName ?? "—", key: change.key, link: link,
                attributes: change.attributes.map(Self.attributeRow), hasAttributes: !change.attributes.isEmpty, details: details.isEmpty ? nil : details,
                actors: actors.isEmpty ? (who ? "not in the directory audit log" : nil) : actors))
        }
        let total = annotated.changes.count
        let command = "holdfast diff \(tenantID) --from \(from.id) --to \(toText)" + (type.map { " --type \($0)" } ?? "")
        let page = DiffPage(layout: ConsoleLayout(title: "Changes in \(tenant.displayName)", session: session), tenantID: tenantID,
                            tenantName: tenant.displayName, from: "snapshot \(from.id) (\(ConsoleFormat.time(from.committedAt)))",
                            to: toLabel, fromLink: "/console/tenants/\(tenantID)/snapshots/\(from.id)", toLink: toLink, total: total,
                            groups: groups, hasChanges: total > 0,
                            truncated: total > Self.diffRows ? "The first \(Self.diffRows) of \(total) changes are listed; `\(command)` prints them all." : nil,
                            whoAsked: who)
        return renderer.page("diff", page)
    }

    static func attributeRow(_ change: AttributeChange) -> AttributeRow {
        func list(_ values: [JSONValue]?) -> String? {
            guard let values, !values.isEmpty else { return nil }
            return ConsoleObjects.compact(.array(values))
        }
        return AttributeRow(path: change.path, valueBefore: ConsoleObjects.compact(change.before), valueAfter: ConsoleObjects.compact(change.after),
                            elementsAdded: list(change.added), elementsRemoved: list(change.removed))
    }
}
