public import Graph

/// What validation asks the live tenant: how many objects of a type it has (completeness), and
/// whether a directory object exists (to tell a reference the backup lost from one that dangles
/// in the tenant itself).
public protocol LiveTenant: Sendable {
    /// The live count of `entry`'s objects (tenant-level entries only).
    func count(_ entry: CatalogueEntry) async throws -> Int
    /// Whether a directory object with this id exists now.
    func directoryObjectExists(id: String) async throws -> Bool
}

/// The live tenant through Graph: `$count` (an advanced query) for directory object collections
/// that support it, listing every page otherwise (or when `$count` is refused), and
/// `GET /directoryObjects/{id}`.
public struct GraphLiveTenant: LiveTenant {
    let session: GraphSession

    /// Collections Graph documents `$count` for.
    static let countable: Set<String> = ["user", "group", "device", "application", "servicePrincipal", "administrativeUnit"]

    public init(session: GraphSession) { self.session = session }

    public func count(_ entry: CatalogueEntry) async throws -> Int {
        if entry.shape == .singleton { return 1 }
        let path = entry.listPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? entry.listPath
        if Self.countable.contains(entry.name) {
            do {
                return try await self.session.count(path)
            } catch let error as GraphError where [400, 404, 501].contains(error.status ?? 0) {
                // Not supported here after all: list instead.
            }
        }
        var total = 0
        for try await page in self.session.pages(entry.listRequestPath()) {
            // As the backup stores them: without the objects that lack the property it keeps.
            guard let required = entry.storedOnlyWith else { total += page.items.count; continue }
            total += page.items.filter { !BackupRun.isUnset($0[required]) }.count
        }
        return total
    }

    public func directoryObjectExists(id: String) async throws -> Bool {
        do {
            _ = try await self.session.send(.get("/directoryObjects/\(id)?$select=id"))
            return true
        } catch let error as GraphError where error.status == 404 {
            return false
        }
    }
}
