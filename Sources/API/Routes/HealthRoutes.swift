import Foundation
import Hummingbird
import Migrations
import NIOCore

/// `/healthz` (the process answers), `/readyz` (database reachable and migrations current), and
/// `/metrics` (Prometheus text; needs an operator or read-only key, because tenant counts and job
/// rates are business data — the unauthenticated `--metrics-port` stays for private networks).
struct HealthRoutes: APIRouteGroup {
    let services: APIServices

    struct Readiness: Encodable, Sendable {
        var status: String
        var database: String
        var schemaVersion: Int?
        var latestVersion: Int
        var pendingMigrations: [Int]
    }

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/healthz", access: .anonymous) { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        routes.get("/readyz", access: .anonymous) { _, _ in
            // Anonymous, so cheap: one small read at most once per interval, shared by all callers.
            let latest = services.migrations.last?.version ?? 0
            let result = await services.readiness.result()
            if let failure = result.failure {
                let body = Readiness(status: "database_unreachable", database: failure, schemaVersion: nil, latestVersion: latest, pendingMigrations: [])
                return try JSONResponse.make(body, status: .serviceUnavailable)
            }
            let ready = result.pending.isEmpty
            let body = Readiness(status: ready ? "ready" : "migrations_pending", database: "ok", schemaVersion: result.schemaVersion,
                                 latestVersion: latest, pendingMigrations: result.pending)
            return try JSONResponse.make(body, status: ready ? .ok : .serviceUnavailable)
        }
        routes.get("/metrics", access: .staff) { _, _ in
            guard let registry = services.metrics else {
                throw APIError(.unavailable, "metrics are not collected by this process")
            }
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: ResponseBody(byteBuffer: buffer))
        }
    }
}
