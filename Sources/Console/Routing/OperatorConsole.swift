import Audit
public import API
import Compliance
public import Foundation
public import Hummingbird
import Logging
import NIOCore
import Queue
import Tenancy

/// The operator console: server-rendered pages under `/console` on the API's listener, signed in
/// with a password and a TOTP code (docs/console.md). Pages read through the same stores as the
/// API (``APIServices``); nothing here is a second implementation of a query.
///
/// ```swift
/// let console = try OperatorConsole(services: services, configuration: ConsoleConfiguration(origin: "https://holdfast.example.com"))
/// let server = APIServer(services: services, mounts: [console])
/// ```
public struct OperatorConsole: APIRouterMount {
    public let services: APIServices
    public let configuration: ConsoleConfiguration
    public let users: ConsoleUserStore
    public let sessions: ConsoleSessionStore
    let renderer: ConsoleRenderer
    let cookies: ConsoleCookies
    /// The time every check uses; tests pass a clock they move.
    let now: @Sendable () -> Date

    public init(services: APIServices, configuration: ConsoleConfiguration = ConsoleConfiguration(),
                now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.services = services
        self.configuration = configuration
        self.users = ConsoleUserStore(client: services.client, hasher: PasswordHasher(parameters: configuration.passwordParameters),
                                      logger: services.logger)
        self.sessions = ConsoleSessionStore(client: services.client, logger: services.logger)
        self.renderer = try ConsoleRenderer()
        self.cookies = ConsoleCookies(configuration: configuration)
        self.now = now
    }

    /// Every page and form of the console, as `METHOD /path` (tests walk them for every role).
    public static let pages = [
        "GET /console", "GET /console/tenants", "GET /console/tenants/{tenant_id}", "GET /console/jobs", "GET /console/jobs/{job_id}",
        "GET /console/workers", "GET /console/audit", "GET /console/policies", "GET /console/policies/new", "GET /console/policies/{policy_id}",
        "GET /console/sla", "GET /console/tenants/{tenant_id}/snapshots", "GET /console/tenants/{tenant_id}/snapshots/{snapshot_id}",
        "GET /console/tenants/{tenant_id}/snapshots/{snapshot_id}/objects", "GET /console/tenants/{tenant_id}/object",
        "GET /console/tenants/{tenant_id}/diff",
    ]

    /// The pages partner users are refused (403, audited), as the API refuses partner keys the same data.
    public static let staffPages: Set<String> = [
        // Snapshot contents are the customer's directory: staff only, as the API's snapshot routes.
        "GET /console/tenants/{tenant_id}/snapshots", "GET /console/tenants/{tenant_id}/snapshots/{snapshot_id}",
        "GET /console/tenants/{tenant_id}/snapshots/{snapshot_id}/objects", "GET /console/tenants/{tenant_id}/object",
        "GET /console/tenants/{tenant_id}/diff",
        "GET /console/workers", "GET /console/audit", "GET /console/policies", "GET /console/policies/new", "GET /console/policies/{policy_id}",
    ]

    /// The pages only operators may open (forms that change something): others get 403, audited.
    public static let operatorPages: Set<String> = ["GET /console/policies/new"]

    public func mount(on router: Router<APIRequestContext>) {
        let group = router.group("console").add(middleware: ConsoleMiddleware(renderer: renderer, cookies: cookies))
        group.get(RouterPath(String(ConsoleRenderer.stylesheetPath.dropFirst("/console/".count)))) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=31536000, immutable"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: ConsoleRenderer.stylesheet)))
        }
        group.get(RouterPath(String(ConsoleRenderer.faviconPath.dropFirst("/console/".count)))) { _, _ in
            Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "public, max-age=31536000, immutable"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: ConsoleRenderer.favicon)))
        }
        addSignInRoutes(to: group)
        group.get { request, _ in try await overview(request) }
        group.get("tenants") { request, _ in try await tenantList(request) }
        group.get("tenants/:tenant_id") { request, context in try await tenantPage(request, context) }
        group.get("tenants/:tenant_id/snapshots") { request, context in try await snapshotList(request, context) }
        group.get("tenants/:tenant_id/snapshots/:snapshot_id") { request, context in try await snapshotPage(request, context) }
        group.get("tenants/:tenant_id/snapshots/:snapshot_id/objects") { request, context in try await objectBrowser(request, context) }
        group.get("tenants/:tenant_id/object") { request, context in try await objectPage(request, context) }
        group.get("tenants/:tenant_id/diff") { request, context in try await diffPage(request, context) }
        group.get("jobs") { request, _ in try await jobList(request) }
        group.get("jobs/:job_id") { request, context in try await jobPage(request, context) }
        group.get("workers") { request, _ in try await workersPage(request) }
        group.get("audit") { request, _ in try await auditPage(request) }
        group.get("sla") { request, _ in try await slaPage(request) }
        group.get("policies") { request, _ in try await policyList(request) }
        group.get("policies/new") { request, _ in try await newPolicyPage(request) }
        group.get("policies/:policy_id") { request, context in try await policyPage(request, context) }
        group.post("policies") { request, _ in try await createPolicy(request) }
        group.post("policies/:policy_id") { request, context in try await updatePolicy(request, context) }
        for action in HoldAction.allCases {
            group.post("tenants/:tenant_id/\(action.rawValue)") { request, context in try await tenantHold(action, request, context) }
            group.post("tenants/:tenant_id/snapshots/:snapshot_id/\(action.rawValue)") { request, context in
                try await snapshotHold(action, request, context)
            }
        }
        for action in JobAction.allCases {
            group.post("jobs/:job_id/\(action.rawValue)") { request, context in try await jobAction(action, request, context) }
        }
        // Anything else under /console: a page, not the API's JSON 404.
        for method: HTTPRequest.Method in [.get, .post] {
            group.on("**", method: method) { _, _ -> Response in
                throw ConsoleError(.notFound, "There is no console page at this address.")
            }
        }
    }

    // MARK: - Sessions and refusals

    /// The signed-in session of a page request; otherwise a redirect to sign in (or to the second
    /// factor when only the password was given).
    func signedIn(_ request: Request) async throws -> ConsoleSession {
        guard let token = cookies.token(in: request) else { throw ConsoleRedirect(location: "/console/sign-in") }
        guard let session = try await sessions.session(token: token, idleTimeout: configuration.idleTimeout, now: now()) else {
            throw ConsoleRedirect(location: "/console/sign-in?notice=expired", clearsSession: true)
        }
        guard session.stage == .active else {
            throw ConsoleRedirect(location: session.user.totpEnrolled ? "/console/sign-in/code" : "/console/enrol")
        }
        return session
    }

    /// The form of a post, once it has passed the CSRF checks: its `Origin` must be the console's
    /// own, its body a url-encoded form, and, with a session, its `form_token` that session's.
    /// A refusal is audited (`console.request.refused`) and changes nothing.
    func postedForm(_ request: Request, session: ConsoleSession?) async throws -> ConsoleForm {
        let origin = request.headers[.origin]
        guard let origin, isOwnOrigin(origin, request: request) else {
            try await refuse(session, request: request, reason: origin == nil ? "no Origin header" : "cross-origin post",
                             details: ["origin": String((origin ?? "").prefix(200))])
            throw ConsoleError(.forgedRequest, "This form did not come from the console's own pages, so it was refused and nothing was changed. Open the console and try again.")
        }
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/x-www-form-urlencoded" else {
            throw ConsoleError(.invalidInput, "The console accepts only forms posted from its pages.")
        }
        let body = try await request.body.collect(upTo: ConsoleForm.maximumBytes)
        let form = try ConsoleForm(parsing: Array(body.readableBytesView))
        if let session, !session.acceptsFormToken(form["form_token"]) {
            try await refuse(session, request: request, reason: "wrong form token")
            throw ConsoleError(.forgedRequest, "This form is stale or was not made by the console for your session, so it was refused and nothing was changed. Reload the page and try again.")
        }
        return form
    }

    func isOwnOrigin(_ origin: String, request: Request) -> Bool {
        guard let given = ConsoleConfiguration.normalisedOrigin(origin) else { return false }
        if let configured = configuration.origin.flatMap(ConsoleConfiguration.normalisedOrigin) { return given == configured }
        guard let host = request.head.authority?.lowercased(), !host.isEmpty else { return false }
        return given == (configuration.servesTLS ? "https://" : "http://") + host
    }

    /// Audits a refused request: who (if known), what and why.
    func refuse(_ session: ConsoleSession?, request: Request, reason: String, details: [String: String] = [:]) async throws {
        var details = details
        details["reason"] = reason
        details["method"] = request.method.rawValue
        details["path"] = String(request.uri.path.prefix(200))
        if let session { details["username"] = session.user.username }
        let actor = session?.user.actor ?? "console"
        let partnerID = session?.user.partnerID
        try await services.client.withTransaction { connection in
            try await AuditLog.record(actor: actor, action: "console.request.refused", partnerID: partnerID, details: details, on: connection)
        }
        services.logger.notice("console request refused", metadata: ["console.reason": "\(reason)", "http.path": "\(request.uri.path)"])
    }

    /// The tenants a partner user may see; nil for staff (every tenant).
    func visibleTenants(_ session: ConsoleSession) async throws -> [Tenant]? {
        guard session.user.role == .partner else { return nil }
        guard let partnerID = session.user.partnerID else { return [] }
        return try await services.tenants.tenants(partnerID: partnerID)
    }

    /// A query parameter, empty counted as absent; at most `maxLength` characters.
    func parameter(_ request: Request, _ name: String, maxLength: Int = 100) throws -> String? {
        let values = request.uri.queryParameters.getAll(name)
        guard values.count <= 1 else { throw ConsoleError(.invalidInput, "The parameter '\(name)' is given more than once.") }
        guard let first = values.first, !first.isEmpty else { return nil }
        let value = String(first)
        guard value.count <= maxLength else { throw ConsoleError(.invalidInput, "The parameter '\(name)' is longer than \(maxLength) characters.") }
        // NUL and other control characters are never part of a name, id or search (and PostgreSQL refuses NUL in text).
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ConsoleError(.invalidInput, "The parameter '\(name)' contains a control character.")
        }
        return value
    }
}
