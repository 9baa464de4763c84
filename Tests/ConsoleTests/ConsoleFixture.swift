import Audit
import API
import Cryptography
import FleetTesting
import Foundation
import GraphSimTesting
import HoldfastTesting
import Logging
import Migrations
import Postgres
import Queue
import ServiceLifecycle
import Synchronization
import Tenancy
import Testing
@testable import Console

/// The console on a real socket over a ``FleetFixture`` (partners Amber and Birch with a tenant
/// each, one MSP tenant, a job on each tenant), its clock the fleet's, and a user of every role
/// (partner users for A and B).
struct ConsoleFixture: Sendable {
    enum Role: String, CaseIterable, Sendable {
        case operatorUser = "olive", readOnly = "rita", partnerA = "pam", partnerB = "pete"
    }

    let fleet: FleetFixture
    let console: OperatorConsole
    let port: Int
    let passwords: [Role: String]

    let secrets = TOTPSecretBook()

    var client: PostgresClient { fleet.client }
    var clock: MovableClock { fleet.clock }
    var origin: String { "http://127.0.0.1:\(port)" }
    var partnerA: UUID { fleet.partnerA }
    var partnerB: UUID { fleet.partnerB }
    var tenantA: UUID { fleet.tenantA }
    var tenantB: UUID { fleet.tenantB }
    var tenantOwn: UUID { fleet.tenantOwn }
    var jobA: Int64 { fleet.jobA }
    var jobB: Int64 { fleet.jobB }
    var jobOwn: Int64 { fleet.jobOwn }

    static let testParameters = Scrypt.Parameters(logCost: 10, blockSize: 8, parallelism: 1)

    static func run(configuration: ConsoleConfiguration = ConsoleConfiguration(), _ body: @Sendable (ConsoleFixture) async throws -> Void) async throws {
        // Three connections: a console test sends one request at a time, and the whole suite shares
        // the cluster's max_connections with every other test running in parallel.
        try await FleetFixture.run(maxConnections: 3, logger: TestLogger.make(label: "console-test")) { fleet in
            let migrations = try MigrationDirectory.load(from: try MigrationDirectory.locate())
            let services = APIServices(client: fleet.client, configuration: APIConfiguration(host: "127.0.0.1", port: 0), migrations: migrations,
                                       keyHasher: nil, vault: fleet.vault, credentials: nil, metrics: nil, enqueueChecks: .unchecked, logger: fleet.logger)
            var settings = configuration
            settings.passwordParameters = testParameters
            let clock = fleet.clock
            let console = try OperatorConsole(services: services, configuration: settings, now: { clock.now })
            var passwords: [Role: String] = [:]
            for role in Role.allCases {
                let (consoleRole, partner): (ConsoleRole, UUID?) = switch role {
                case .operatorUser: (.operator, nil)
                case .readOnly: (.readOnly, nil)
                case .partnerA: (.partner, fleet.partnerA)
                case .partnerB: (.partner, fleet.partnerB)
                }
                passwords[role] = try await console.users.add(username: role.rawValue, role: consoleRole, partnerID: partner, actor: "test").password
            }
            try await fleet.serve(APIServer(services: services, mounts: [console])) { port in
                try await body(ConsoleFixture(fleet: fleet, console: console, port: port, passwords: passwords))
            }
        }
    }

    /// A new browser (no cookie) that knows the TOTP secrets every browser of this fixture enrolled.
    func browser() -> ConsoleBrowser { ConsoleBrowser(port: port, secrets: secrets) }

    /// A browser signed in as `role` (enrolling TOTP the first time), moved past the TOTP step it used.
    func signedIn(_ role: Role) async throws -> ConsoleBrowser {
        let browser = browser()
        try await browser.signIn(role.rawValue, password: passwords[role]!, clock: clock)
        return browser
    }

    /// Audit entries with `action`, newest first.
    func audit(_ action: String) async throws -> [AuditEntry] {
        try await AuditLog.entries(limit: 500, client: client).filter { $0.action == action }
    }

    func jobState(_ id: Int64) async throws -> String {
        try await JobAdministrator(client: client, logger: fleet.logger).job(id).state.rawValue
    }
}

/// What a browser does that matters here: keep the session cookie, send `Origin` with posts.
/// A class, so tests can hand one around and call it inside `#expect`.
final class ConsoleBrowser: Sendable {
    let port: Int
    /// TOTP secrets learnt at enrolment, by user (shared by the fixture's browsers, as by one person's phone).
    let book: TOTPSecretBook
    private let state = Mutex<String?>(nil)

    init(port: Int, secrets: TOTPSecretBook) {
        self.port = port
        self.book = secrets
    }

    var cookie: String? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    var secrets: [String: [UInt8]] { book.value.withLock { $0 } }

    var origin: String { "http://127.0.0.1:\(port)" }

    func get(_ path: String) async throws -> HTTPTestResponse {
        var headers: [(String, String)] = []
        if let cookie { headers.append(("Cookie", cookie)) }
        let response = try await HTTPTestClient.send("GET", origin + path, headers: headers)
        remember(response)
        return response
    }

    /// Posts `fields` url-encoded; `origin` nil sends no Origin header.
    func post(_ path: String, _ fields: [(String, String)], origin: String? = "self", rawBody: String? = nil,
                       contentType: String = "application/x-www-form-urlencoded") async throws -> HTTPTestResponse {
        var headers: [(String, String)] = [("Content-Type", contentType)]
        if let origin { headers.append(("Origin", origin == "self" ? self.origin : origin)) }
        if let cookie { headers.append(("Cookie", cookie)) }
        let body = rawBody ?? fields.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        let response = try await HTTPTestClient.send("POST", self.origin + path, headers: headers, body: Array(body.utf8))
        remember(response)
        return response
    }

    private func remember(_ response: HTTPTestResponse) {
        for header in response.headers where header.name.lowercased() == "set-cookie" {
            let pair = header.value.split(separator: ";").first.map(String.init) ?? ""
            if pair.hasSuffix("=") || header.value.contains("Max-Age=0") { cookie = nil } else { cookie = pair }
        }
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// The `form_token` of the page's first form that has one.
    static func formToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="form_token" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Password, then enrolment or code, at the clock's time; afterwards the clock is a step on,
    /// so the next code is a fresh one.
    func signIn(_ username: String, password: String, clock: MovableClock) async throws {
        let first = try await post("/console/sign-in", [("username", username), ("password", password)])
        guard first.status == 303, let location = first.header("Location") else {
            throw TestEnvironmentError("sign-in as \(username) answered \(first.status): \(first.text.prefix(400))")
        }
        let page = try await get(location)
        let token = Self.formToken(in: page.text) ?? ""
        let secret: [UInt8]
        if location == "/console/enrol" {
            guard let start = page.text.range(of: #"<code class="secret">"#),
                  let decoded = Base32.decode(String(page.text[start.upperBound...].prefix { $0 != "<" })) else {
                throw TestEnvironmentError("the enrolment page shows no secret")
            }
            secret = decoded
            book.value.withLock { $0[username] = decoded }
        } else {
            guard let known = secrets[username] else { throw TestEnvironmentError("no TOTP secret known for \(username)") }
            secret = known
        }
        let code = TOTP(secret: secret).code(at: clock.now)!
        let done = try await post(location == "/console/enrol" ? "/console/enrol" : "/console/sign-in/code", [("form_token", token), ("code", code)])
        guard done.status == 303, done.header("Location") == "/console" else {
            throw TestEnvironmentError("the code step as \(username) answered \(done.status): \(done.text.prefix(400))")
        }
        clock.advance(seconds: 30)
    }
}

/// The TOTP secrets users enrolled, by user name.
final class TOTPSecretBook: Sendable {
    let value = Mutex<[String: [UInt8]]>([:])
}
