import Graph

/// A catalogue entry with the entries listed under each of its objects (a user's authentication
/// methods; a service principal's synchronization jobs, and under each job its schema). A backup
/// reads the trees side by side; within one tree, children are listed as the parent's pages
/// arrive.
struct EntryTree: Sendable {
    let entry: CatalogueEntry
    let children: [EntryTree]

    /// Every entry below this one, depth first.
    var descendants: [CatalogueEntry] {
        self.children.flatMap { [$0.entry] + $0.descendants }
    }

    /// The trees of `catalogue`: one per entry without a parent, and one per entry whose parent
    /// is not in the catalogue (read under the parents the vault already holds). Relationships
    /// a parent's delta round captures (`members@delta`) are part of that round, not trees.
    static func trees(of catalogue: [CatalogueEntry]) -> [EntryTree] {
        let capturedByDelta = Set(catalogue.compactMap(\.delta).flatMap(\.relationships.values))
        let read = catalogue.filter { !capturedByDelta.contains($0.name) }
        let names = Set(read.map(\.name))
        func tree(_ entry: CatalogueEntry) -> EntryTree {
            EntryTree(entry: entry, children: read.filter { $0.parent == entry.name }.map(tree))
        }
        return read.filter { $0.parent == nil || !names.contains($0.parent!) }.map(tree)
    }
}
