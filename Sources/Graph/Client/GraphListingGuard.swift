/// Bounds a loop over a listing's pages: fails when a `@odata.nextLink` repeats (a page loop that
/// would never end) or when the listing passes `maxPagesPerListing`, instead of running, and staging
/// rows, until someone notices.
public struct GraphListingGuard: Sendable {
    public let maximumPages: Int
    private var pages = 1
    /// Hashes of the links followed (64 bits each, so a long listing costs little memory; a false
    /// "repeat" needs a collision among at most `maximumPages` links, about 1 in 10^9 at 100,000).
    private var seen: Set<Int> = []

    public init(maximumPages: Int) {
        self.maximumPages = max(1, maximumPages)
    }

    public init(_ configuration: GraphConfiguration) {
        self.init(maximumPages: configuration.maxPagesPerListing)
    }

    /// Counts the page that `link` names and returns it (nil: the listing ended).
    public mutating func follow(_ link: String?) throws -> String? {
        guard let link else { return nil }
        self.pages += 1
        guard self.seen.insert(link.hashValue).inserted else {
            throw GraphError(code: .endlessListing, message: "Graph sent the same @odata.nextLink twice in one listing; stopped after \(self.pages - 1) pages")
        }
        guard self.pages <= self.maximumPages else {
            throw GraphError(code: .endlessListing, message: "a listing passed \(self.maximumPages) pages (maxPagesPerListing); stopped")
        }
        return link
    }
}
