import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import Worker

/// `--metrics-port` / `--metrics-host`, shared by the long-running commands.
struct MetricsOptions: ParsableArguments {
    @Option(name: .customLong("metrics-port"),
            help: "Serve Prometheus metrics at http://HOST:PORT/metrics (default: $HOLDFAST_METRICS_PORT; unset: no endpoint).")
    var port: Int?

    @Option(name: .customLong("metrics-host"), help: "Address the metrics endpoint listens on.")
    var host: String = "0.0.0.0"

    var resolvedPort: Int? {
        port ?? ProcessInfo.processInfo.environment["HOLDFAST_METRICS_PORT"].flatMap(Int.init)
    }

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw ValidationError("--metrics-port must be between 1 and 65535 (got \(port)).")
        }
    }

    /// Bootstraps swift-metrics with Prometheus and returns the HTTP service that serves it, or nil
    /// when no port is configured (metrics are then recorded nowhere).
    func makeService(logger: Logger) -> (any Service)? {
        guard resolvedPort != nil else { return nil }
        return makeService(logger: logger, registry: Self.bootstrapRegistry())
    }

    /// Bootstraps swift-metrics with a Prometheus registry (once per process) and returns it, for
    /// processes that serve metrics in more than one place (the coordinator's API `/metrics`).
    static func bootstrapRegistry() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = WorkerMetrics.histogramBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }

    /// The metrics endpoint over `registry`, or nil when no port is configured.
    func makeService(logger: Logger, registry: PrometheusCollectorRegistry) -> (any Service)? {
        guard let port = resolvedPort else { return nil }
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: buffer))
        }
        router.get("health") { _, _ in "ok" }
        return Application(router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)), logger: logger)
    }
}
