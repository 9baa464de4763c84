import Dispatch
import Hummingbird
import Metrics
import NIOConcurrencyHelpers

/// Request counts and durations per route template, method and status, with bounded labels:
/// Hummingbird's `MetricsMiddleware` labels with the request's method as sent, so a client that
/// invents methods (or, in older versions, paths) adds a time series per request for the life of
/// the process. Here every label comes from a closed set: the route template or `unmatched`, one
/// of the methods the API knows or `_OTHER`, and the status code.
///
/// The metric names are Hummingbird's (`hb_requests`, `http_server_request_duration`,
/// `http_server_active_requests`), so dashboards keep working.
struct APIMetricsMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The label of every request that matched no route.
    static let unmatched = "unmatched"
    /// The label of every method outside ``knownMethods``.
    static let otherMethod = "_OTHER"
    static let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    /// The routes that exist, as Hummingbird names them in `context.endpointPath`: nothing else is a label.
    let endpoints: Set<String>
    let factory: any MetricsFactory
    private let cache = Cache()

    init(endpoints: Set<String>, factory: any MetricsFactory) {
        self.endpoints = endpoints
        self.factory = factory
    }

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let method = Self.knownMethods.contains(request.method) ? request.method.rawValue : Self.otherMethod
        let active = cache.meter(method: method, factory: factory)
        active.increment()
        do {
            // Recorded when the handler has answered (the body may still be streaming out).
            let response = try await next(request, context)
            record(context: context, method: method, status: response.status.code, started: started)
            active.decrement()
            return response
        } catch {
            // APIMiddleware (inside this one) turns errors into responses; this is a last resort.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(context: context, method: method, status: status, started: started)
            active.decrement()
            throw error
        }
    }

    private func record(context: APIRequestContext, method: String, status: Int, started: UInt64) {
        let route = context.endpointPath.flatMap { endpoints.contains($0) ? $0 : nil } ?? Self.unmatched
        let metrics = cache.endpoint(route: route, method: method, status: status, factory: factory)
        metrics.counter.increment()
        metrics.timer.recordNanoseconds(Int64(clamping: DispatchTime.now().uptimeNanoseconds &- started))
    }

    /// Metric objects by label set, so each request looks one up instead of asking the factory.
    private final class Cache: Sendable {
        struct Key: Hashable { var route: String; var method: String; var status: Int }
        struct Endpoint: Sendable { var counter: Counter; var timer: Metrics.Timer }
        private let endpoints = NIOLockedValueBox<[Key: Endpoint]>([:])
        private let meters = NIOLockedValueBox<[String: Meter]>([:])

        func endpoint(route: String, method: String, status: Int, factory: any MetricsFactory) -> Endpoint {
            endpoints.withLockedValue { cache in
                let key = Key(route: route, method: method, status: status)
                if let found = cache[key] { return found }
                let dimensions = [("http.route", route), ("http.request.method", method), ("http.response.status_code", String(status))]
                let created = Endpoint(counter: Counter(label: "hb.requests", dimensions: dimensions, factory: factory),
                                       timer: Metrics.Timer(label: "http.server.request.duration", dimensions: dimensions, factory: factory))
                cache[key] = created
                return created
            }
        }

        func meter(method: String, factory: any MetricsFactory) -> Meter {
            meters.withLockedValue { cache in
                if let found = cache[method] { return found }
                let created = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method)], factory: factory)
                cache[method] = created
                return created
            }
        }
    }
}
