public import Graph

/// Counts a tenant's live objects of a catalogue entry, for the completeness check.
public protocol LiveCounting: Sendable {
    /// The live count of `entry`'s objects (tenant-level entries only).
    func count(_ entry: CatalogueEntry) async throws -> Int
}

/// Counts through Graph: `$count` (an advanced query) for directory object collections that support
/// it, and listing every page otherwise (or when `$count` is refused).
public struct GraphLiveCounter: LiveCounting {
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
            } catch let error as GraphError where error.status == 400 {
                // Not supported here after all: list instead.
            }
        }
        var total = 0
        for try await page in self.session.pages(entry.listRequestPath()) { total += page.items.count }
        return total
    }
}
