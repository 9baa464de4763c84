public import Hummingbird
import Logging
import NIOCore

/// The HTTP API: the route table of every group, served by Hummingbird.
///
/// ```swift
/// let server = APIServer(services: services, extraGroups: [SLARoutes(…)])
/// let application = server.makeApplication()   // a swift-service-lifecycle Service
/// ```
public struct APIServer: Sendable {
    public let services: APIServices
    /// Every route with its access, in registration order.
    public let routes: APIRoutes
    /// What else the listener serves (the console), mounted after the route table.
    public let mounts: [any APIRouterMount]

    public init(services: APIServices, extraGroups: [any APIRouteGroup] = [], mounts: [any APIRouterMount] = []) {
        self.services = services
        self.mounts = mounts
        var routes = APIRoutes()
        for group in Self.standardGroups(services: services) + extraGroups {
            group.addRoutes(to: &routes)
        }
        self.routes = routes
    }

    /// The groups every coordinator serves.
    public static func standardGroups(services: APIServices) -> [any APIRouteGroup] {
        [HealthRoutes(services: services), TenantRoutes(services: services), PartnerRoutes(services: services),
         PolicyRoutes(services: services), JobRoutes(services: services), SnapshotRoutes(services: services),
         WorkerRoutes(services: services), AuditRoutes(services: services), SLARoutes(services: services),
         ComplianceReportRoutes(services: services), RestoreRoutes(services: services)]
    }

    /// A Hummingbird router holding exactly the route table, each route behind its access check.
    public func makeRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: APIMiddleware(maxBodyBytes: services.configuration.maxBodyBytes))
        let gate = APIGate(keys: services.keys, client: services.client)
        for route in routes.all {
            router.on(RouterPath(route.routerPath), method: route.method) { request, context in
                try await gate.handle(route, request, context)
            }
        }
        for mount in mounts {
            mount.mount(on: router)
        }
        return router
    }

    /// The server as a `Service`; `onServerRunning` gets the bound port (useful with port 0).
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let configuration = services.configuration
        return Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "holdfast"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: services.logger)
    }
}
