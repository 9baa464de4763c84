public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NIOCore
import Prometheus

/// The HTTP API: the route table of every group, served by Hummingbird.
///
/// ```swift
/// let server = APIServer(services: services, extraGroups: [SLARoutes(…)])
/// let application = try server.makeApplication()   // a swift-service-lifecycle Service
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
        let configuration = services.configuration
        let router = Router(context: APIRequestContext.self)
        // Outermost: sees every response, including the error responses APIMiddleware makes.
        let factory: any MetricsFactory = services.metrics.map { PrometheusMetricsFactory(registry: $0) } ?? MetricsSystem.factory
        router.add(middleware: APIMetricsMiddleware(endpoints: Set(routes.all.map { RouterPath($0.routerPath).description }), factory: factory))
        router.add(middleware: APIMiddleware(maxBodyBytes: configuration.maxBodyBytes, methods: APIMethodTable(routes: routes.all),
                                             servesTLS: configuration.tls != nil))
        router.add(middleware: APIDeadlineMiddleware(timeout: configuration.requestTimeout))
        let gate = APIGate(keys: services.keys, client: services.client, limiter: services.rateLimiter)
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
    /// Throws when the TLS certificate or key cannot be loaded.
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let configuration = services.configuration
        let idle = TimeAmount.nanoseconds(Int64(clamping: configuration.idleTimeout.components.seconds) * 1_000_000_000)
        let http1 = HTTPServerBuilder.http1(configuration: HTTP1Channel.Configuration(idleTimeout: idle))
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            server = try .tls(http1, tlsConfiguration: try Self.tlsConfiguration(tls))
        } else {
            server = http1
            if !APIConfiguration.isLoopback(configuration.host) {
                services.logger.warning("API listening on a non-loopback address without TLS: API keys cross the network in clear; configure a certificate or put a TLS proxy in front", metadata: ["api.address": "\(configuration.host):\(configuration.port)"])
            }
        }
        return Application(
            router: makeRouter(),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "holdfast"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: services.logger)
    }

    /// A server TLS configuration (TLS 1.2 or later) from PEM files.
    static func tlsConfiguration(_ tls: APITLSConfiguration) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath)
            guard !chain.isEmpty else {
                throw APIConfigurationError("the API certificate file \(tls.certificateChainPath) holds no certificate")
            }
            let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        } catch let error as APIConfigurationError {
            throw error
        } catch {
            throw APIConfigurationError("cannot load the API's TLS certificate (\(tls.certificateChainPath)) or key (\(tls.privateKeyPath)): \(error)")
        }
    }
}

/// A setting of the API server that cannot be used (a missing or unreadable certificate).
public struct APIConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
