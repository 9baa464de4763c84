/// The pages of a Graph collection as an async sequence; each `next()` is one request.
public struct GraphPages: AsyncSequence, Sendable {
    public typealias Element = GraphPage

    let session: GraphSession
    let firstPath: String
    let headers: [(name: String, value: String)]

    public struct AsyncIterator: AsyncIteratorProtocol {
        let session: GraphSession
        let headers: [(name: String, value: String)]
        var nextPath: String?
        var links: GraphListingGuard

        public mutating func next() async throws -> GraphPage? {
            guard let path = self.nextPath else { return nil }
            let response = try await self.session.send(.get(path, headers: self.headers))
            let page = try GraphPage(json: try response.json(), requestID: response.requestID)
            self.nextPath = try self.links.follow(page.nextLink)
            return page
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(session: self.session, headers: self.headers, nextPath: self.firstPath,
                      links: GraphListingGuard(self.session.client.configuration))
    }
}
