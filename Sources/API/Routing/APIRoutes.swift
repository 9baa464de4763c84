public import HTTPTypes
public import Hummingbird

/// What a route does once its access has been checked.
public typealias APIHandler = @Sendable (Request, APIRequestContext) async throws -> Response

/// One route: method, path in OpenAPI form (`/v1/tenants/{tenant_id}`), who may call it, and its handler.
public struct APIRoute: Sendable {
    public let method: HTTPRequest.Method
    public let path: String
    public let access: APIAccess
    let handler: APIHandler

    /// `METHOD /path`, as in docs/openapi.yaml.
    public var signature: String { "\(method.rawValue) \(path)" }

    /// The names inside `{…}` in the path, in order.
    public var parameterNames: [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    /// The path in Hummingbird's syntax (`/v1/tenants/:tenant_id`).
    var routerPath: String {
        "/" + path.split(separator: "/").map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }
}

/// A set of related routes (tenants, jobs, SLA, reports…). To add one: write a type conforming to
/// this protocol whose `addRoutes(to:)` calls `routes.get/post/…` with an ``APIAccess`` for each
/// route, pass it to ``APIServer`` in `extraGroups` (or add it to ``APIServer/standardGroups``),
/// describe its routes in docs/openapi.yaml, and give `APIAccessTests` a sample value for any new
/// path parameter. See docs/api.md, "Adding routes".
public protocol APIRouteGroup: Sendable {
    func addRoutes(to routes: inout APIRoutes)
}

/// The route table. Registration needs an access for every route, so no route exists without one.
public struct APIRoutes: Sendable {
    public private(set) var all: [APIRoute] = []

    public init() {}

    public mutating func add(_ method: HTTPRequest.Method, _ path: String, access: APIAccess, handler: @escaping APIHandler) {
        let route = APIRoute(method: method, path: path, access: access, handler: handler)
        // Programmer errors, caught by the first test run: a partner could otherwise reach a route
        // that has no tenant to check, or two handlers would claim one route.
        if case .tenant(let parameter) = access {
            precondition(route.parameterNames.contains(parameter), "\(route.signature): access .tenant(\(parameter)) needs {\(parameter)} in the path")
        }
        precondition(!all.contains { $0.signature == route.signature }, "\(route.signature) is registered twice")
        all.append(route)
    }

    public mutating func get(_ path: String, access: APIAccess, handler: @escaping APIHandler) {
        add(.get, path, access: access, handler: handler)
    }

    public mutating func post(_ path: String, access: APIAccess, handler: @escaping APIHandler) {
        add(.post, path, access: access, handler: handler)
    }

    public mutating func put(_ path: String, access: APIAccess, handler: @escaping APIHandler) {
        add(.put, path, access: access, handler: handler)
    }

    public mutating func patch(_ path: String, access: APIAccess, handler: @escaping APIHandler) {
        add(.patch, path, access: access, handler: handler)
    }

    public mutating func delete(_ path: String, access: APIAccess, handler: @escaping APIHandler) {
        add(.delete, path, access: access, handler: handler)
    }
}
