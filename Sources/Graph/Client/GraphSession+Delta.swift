/// How a delta round starts.
public enum DeltaStart: Sendable, Hashable {
    /// A full initial round: `{collection}/delta` with an optional query (`$select=…`).
    case initial(collection: String, query: String? = nil)
    /// `$deltatoken=latest`: no objects, only a delta link from now.
    case latest(collection: String)
    /// An incremental round from the delta link saved after the previous one.
    case deltaLink(String)
}

/// How a delta round ended.
public enum DeltaRoundOutcome: Sendable, Hashable {
    /// Every page was delivered; save this link for the next round.
    case completed(deltaLink: String)
    /// The delta token is no longer valid (`syncStateNotFound`, `resyncRequired`, or 410 Gone):
    /// re-read everything. `restartLink` is 410's `Location`, a link with an empty token, when sent.
    case fullResyncRequired(code: String, restartLink: String?)
}

extension GraphSession {
    /// Runs one delta round, giving each page to `onPage` as it arrives, and returns the new delta
    /// link, or that a full resync is needed (pages delivered before that must be discarded).
    public func deltaRound(_ start: DeltaStart, onPage: (GraphPage) async throws -> Void) async throws -> DeltaRoundOutcome {
        var path: String
        switch start {
        case .initial(let collection, let query):
            path = collection + "/delta" + (query.map { "?" + $0 } ?? "")
        case .latest(let collection):
            path = collection + "/delta?$deltatoken=latest"
        case .deltaLink(let link):
            path = link
        }
        var links = GraphListingGuard(self.client.configuration)
        while true {
            let page: GraphPage
            do {
                let response = try await self.send(.get(path))
                page = try GraphPage(json: try response.json(), requestID: response.requestID)
            } catch let error as GraphError where error.requiresFullResync {
                self.logger.notice("delta token no longer valid; full resync needed", metadata: [
                    "graph.tenant": "\(self.identity.tenant)", "graph.error_code": "\(error.code)",
                    "graph.request_id": "\(error.requestID ?? "")", "graph.client_request_id": "\(error.clientRequestID ?? "")",
                ])
                if let location = error.location { try self.checkLink(location) }
                return .fullResyncRequired(code: error.status == 410 ? "Gone" : error.code.rawValue, restartLink: error.location)
            }
            try await onPage(page)
            if let next = try links.follow(page.nextLink) {
                path = next
            } else if let delta = page.deltaLink {
                // Checked now: a link that would be refused later must not be saved for the next run.
                try self.checkLink(delta)
                return .completed(deltaLink: delta)
            } else {
                throw GraphError(code: .invalidResponse, message: "a delta page has neither @odata.nextLink nor @odata.deltaLink",
                                 requestID: page.requestID)
            }
        }
    }
}
