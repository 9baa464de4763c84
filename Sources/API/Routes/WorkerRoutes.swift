import Foundation
import Hummingbird
import Queue

/// The worker fleet, as registered in `workers`.
struct WorkerRoutes: APIRouteGroup {
    let services: APIServices

    struct WorkerResource: Encodable, Sendable {
        var id: String
        var host: String
        var pid: Int
        var version: String
        var concurrency: Int
        var kinds: [String]
        var startedAt: Date
        var lastSeenAt: Date
        var stoppedAt: Date?
    }

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/workers", access: .staff) { request, _ in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let includeStopped: Bool
            switch request.uri.queryParameters["include_stopped"] {
            case nil, "false": includeStopped = false
            case "true": includeStopped = true
            case let other?: throw APIError(.invalidParameter, "include_stopped must be true or false (got '\(other)')")
            }
            // The fleet is small (one row per worker process): paged in memory.
            let workers = try await services.workers.list(includeStopped: includeStopped).map {
                WorkerResource(id: $0.id.apiString, host: $0.host, pid: $0.pid, version: $0.version, concurrency: $0.concurrency, kinds: $0.kinds,
                               startedAt: $0.startedAt, lastSeenAt: $0.lastSeenAt, stoppedAt: $0.stoppedAt)
            }
            return try JSONResponse.make(try page.page(of: workers))
        }
    }
}
