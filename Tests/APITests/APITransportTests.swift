import Cryptography
import Foundation
import HoldfastTesting
import Postgres
import Testing
@testable import API

/// The API listener and the coordinator process around it (review F9, F13): the API cannot
/// starve the leader of database connections, the listener serves TLS itself when given a
/// certificate, the metrics listener binds to loopback, and an exposed plaintext API is warned about.
@Suite struct APITransportTests {
    static var holdfast: String { ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path }

    static func masterKey() throws -> (text: String, ring: MasterKeyRing) {
        let text = Data(SecureRandom.bytes(32)).base64EncodedString()
        return (text, MasterKeyRing(current: try MasterKey(base64: text, source: "test")))
    }

    static func environment(masterKey: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOLDFAST_MASTER_KEY"] = masterKey
        environment.removeValue(forKey: "HOLDFAST_MASTER_KEY_FILE")
        return environment
    }

    /// Every pooled connection the API has blocks on a table lock the test holds for more than two
    /// lease lengths: with one pool shared by the API and the leader, the renewal waits behind the
    /// blocked API requests and the leader steps down. (The lease is 6 s rather than shorter so
    /// that a loaded test machine alone cannot make the leader miss a renewal.)
    @Test func theLeaderKeepsItsLeaseWhileTheAPIIsFlooded() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let key = try Self.masterKey()
            let token = try await APIKeyStore(client: schema.client, hasher: APIKeyHasher(keyRing: key.ring), logger: TestLogger.make())
                .create(name: "flood", role: .readOnly, partnerID: nil, actor: "test").token
            let port = try ProcessRunner.freeTCPPort()
            let coordinator = try ProcessRunner.spawn(Self.holdfast, [
                "coordinator", "--database-url", schema.connectionString, "--database-pool-size", "3", "--leader-lease", "6",
                "--api-listen", "127.0.0.1:\(port)", "--schedule-interval", "1",
            ], environment: Self.environment(masterKey: key.text))
            defer { coordinator.signal(SIGKILL) }
            try await waitFor("leadership") { coordinator.output.contains("leadership acquired") }
            try await waitFor("the API") {
                (try? await HTTPProbe.get(port: port, "/healthz"))?.status == 200
            }

            // Hold a lock every authenticated request needs (the key look-up) and the leader never
            // takes, then send more requests than any pool has.
            try await schema.client.withConnection { connection in
                try await connection.query("BEGIN")
                try await connection.query("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE")
                try await withThrowingTaskGroup(of: Void.self) { flood in
                    for _ in 0..<40 {
                        flood.addTask { _ = try? await HTTPProbe.get(port: port, "/v1/tenants", token: token) }
                    }
                    // More than two lease lengths with every API connection blocked.
                    try await Task.sleep(for: .seconds(14))
                    let holder = try await schema.client.query("SELECT holder_pid FROM leader_leases WHERE expires_at > now()").first
                    #expect(try holder?.decode(Int.self, "holder_pid") == Int(coordinator.pid), "the leader kept a live lease")
                    #expect(!coordinator.output.contains("stepping down"), "\(coordinator.output.suffix(2_000))")
                    try await connection.query("COMMIT")
                    try await flood.waitForAll()
                }
            }
            #expect(coordinator.output.components(separatedBy: "leadership acquired").count == 2, "one election, never lost")
            #expect(try await HTTPProbe.get(port: port, "/v1/tenants", token: token).status == 200, "the API serves again")
        }
    }

    @Test func theAPIServesTLSWithAGivenCertificate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("api.crt").path
        let privateKey = directory.appendingPathComponent("api.key").path
        let made = try await ProcessRunner.capture("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost", "-keyout", privateKey, "-out", certificate,
        ])
        #expect(made.status == 0, "\(made.standardError)")
        let tls = APITLSConfiguration(certificateChainPath: certificate, privateKeyPath: privateKey)
        try await APIFixture.run(configuration: APIConfiguration(host: "127.0.0.1", port: 0, tls: tls)) { fixture in
            let secure = try await ProcessRunner.capture("/usr/bin/curl", [
                "-sS", "-D", "-", "--cacert", certificate, "--resolve", "localhost:\(fixture.port):127.0.0.1",
                "https://localhost:\(fixture.port)/healthz",
            ])
            #expect(secure.status == 0 && secure.standardOutput.contains(#""status":"ok""#), "\(secure.standardError)")
            #expect(secure.standardOutput.lowercased().contains("strict-transport-security: max-age="), "\(secure.standardOutput)")
            // The listener speaks only TLS: a plaintext request gets no HTTP answer.
            let plain = try await ProcessRunner.capture("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                                                                         "http://127.0.0.1:\(fixture.port)/healthz"])
            #expect(plain.standardOutput != "200")
        }
        // A missing key file is a clear error at start, not a server without TLS.
        let broken = APITLSConfiguration(certificateChainPath: certificate, privateKeyPath: directory.appendingPathComponent("none").path)
        #expect(throws: APIConfigurationError.self) { _ = try APIServer.tlsConfiguration(broken) }
    }

    /// The unauthenticated metrics listener binds to loopback unless told otherwise; an API on a
    /// non-loopback address without TLS is logged as a warning.
    @Test func listenersDefaultToLoopbackAndAnExposedPlaintextAPIIsWarnedAbout() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let key = try Self.masterKey()
            let metricsPort = try ProcessRunner.freeTCPPort()
            let apiPort = try ProcessRunner.freeTCPPort()
            let coordinator = try ProcessRunner.spawn(Self.holdfast, [
                "coordinator", "--database-url", schema.connectionString, "--metrics-port", String(metricsPort),
                "--api-listen", "0.0.0.0:\(apiPort)",
            ], environment: Self.environment(masterKey: key.text))
            defer { coordinator.signal(SIGKILL) }
            // A loaded machine can take a while to start a process; the output says why on a timeout.
            do {
                try await waitFor("both listeners", within: 180) {
                    Self.listeners(port: metricsPort).count == 1 && Self.listeners(port: apiPort).count == 1
                }
            } catch {
                Issue.record("coordinator output:\n\(coordinator.output.suffix(3000))")
                throw error
            }
            #expect(Self.listeners(port: metricsPort) == ["0100007F"], "metrics: loopback only")
            #expect(Self.listeners(port: apiPort) == ["00000000"], "the API was asked to listen everywhere")
            try await waitFor("the warning") { coordinator.output.contains("without TLS") }
        }
        #expect(APIConfiguration.parseListenAddress(":8080")?.host == "127.0.0.1", "a port alone means loopback")
        #expect(APIConfiguration.isLoopback("127.0.0.2") && APIConfiguration.isLoopback("::1") && !APIConfiguration.isLoopback("0.0.0.0"))
    }

    /// Local addresses (hex, as /proc/net/tcp writes them) listening on `port`.
    static func listeners(port: Int) -> [String] {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return [] }
        let portHex = String(format: "%04X", port)
        return table.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A" else { return nil }
            let local = fields[1].split(separator: ":")
            return local.count == 2 && local[1] == portHex ? String(local[0]) : nil
        }
    }

    func waitFor(_ what: String, within seconds: Int = 300, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestEnvironmentError("timed out waiting for \(what)")
    }
}

/// Plain HTTP GETs to a local port.
enum HTTPProbe {
    static func get(port: Int, _ target: String, token: String? = nil) async throws -> (status: Int, body: String) {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "60"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        let result = try await ProcessRunner.capture("/usr/bin/curl", arguments + ["http://127.0.0.1:\(port)\(target)"])
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}
