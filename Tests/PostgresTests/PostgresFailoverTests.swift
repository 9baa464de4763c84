import Foundation
import HoldfastTesting
@testable import Postgres
import Testing

/// Sessions against a server that turns read-only, a failover pair, and a connection that stops
/// answering (review F10).
@Suite("Postgres failover and hangs", .serialized)
struct PostgresFailoverTests {
    @Test func productionSessionDefaultsReachTheServerAndTheConnectionStringOverridesThem() async throws {
        let base = try TestDatabase.connectionString
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: base, maxConnections: 1), logger: TestLogger.make())
        #expect(try await client.query("SHOW statement_timeout").first?.decode(String.self, "statement_timeout") == "15min")
        #expect(try await client.query("SHOW idle_in_transaction_session_timeout").first?
            .decode(String.self, "idle_in_transaction_session_timeout") == "5min")
        // The server's end of the session finds a vanished client too (and releases its locks).
        #expect(try await client.query("SHOW tcp_keepalives_idle").first?.decode(String.self, "tcp_keepalives_idle") == "10")
        #expect(try await client.query("SHOW tcp_keepalives_count").first?.decode(String.self, "tcp_keepalives_count") == "3")
        #expect(try await client.query("SHOW tcp_user_timeout").first?.decode(String.self, "tcp_user_timeout") == "30000")

        let separator = base.contains("?") ? "&" : "?"
        let overridden = PostgresClient(configuration: PostgresConfiguration(
            connectionString: base + separator + "options=-c%20statement_timeout%3D2500", maxConnections: 1), logger: TestLogger.make())
        #expect(try await overridden.query("SHOW statement_timeout").first?.decode(String.self, "statement_timeout") == "2500ms")
        await overridden.shutdown()
        await client.shutdown()

        let keywords = Dictionary(PostgresConfiguration().connectionDefaults.map { ($0.keyword, $0.value) }, uniquingKeysWith: { $1 })
        #expect(keywords["keepalives_idle"] == "10" && keywords["keepalives_interval"] == "5" && keywords["keepalives_count"] == "3")
        #expect(keywords["tcp_user_timeout"] == "30000")
    }

    @Test func severalHostsDefaultToTheReadWriteNode() {
        for several in ["postgresql://u@a:5432,b:5432/db", "postgres://a,b/db?sslmode=require", "host=a,b port=5432,5433 dbname=x",
                        "dbname=x hostaddr='10.0.0.1,10.0.0.2'", "postgresql:///db?host=a%2Cb"] {
            #expect(PostgresConfiguration.namesSeveralHosts(several), "\(several)")
            let keywords = PostgresConfiguration(connectionString: several).connectionDefaults.map(\.keyword)
            #expect(keywords.contains("target_session_attrs"), "\(several)")
        }
        for single in ["postgresql://u:p,w@a:5432/db", "host=a port=5432 dbname=x,y", "", "postgresql://a/db?application_name=a,b"] {
            #expect(!PostgresConfiguration.namesSeveralHosts(single), "\(single)")
        }
        let chosen = PostgresConfiguration(connectionString: "postgresql://a,b/db?target_session_attrs=any").connectionDefaults
        #expect(!chosen.contains { $0.keyword == "target_session_attrs" })
    }

    static func makeReadOnly(_ cluster: TestCluster) async throws {
        let admin = PostgresClient(configuration: PostgresConfiguration(connectionString: cluster.connectionString, maxConnections: 1),
                                   logger: TestLogger.make())
        try await admin.query("ALTER SYSTEM SET default_transaction_read_only = on")
        try await admin.query("SELECT pg_reload_conf()")
        await admin.shutdown()
    }

    @Test func aSessionThatAnswersReadOnlyIsDiscardedAndTheFailoverPairFindsThePrimary() async throws {
        let former = try await TestCluster.started()
        defer { former.destroy() }
        let primary = try await TestCluster.started()
        defer { primary.destroy() }
        for cluster in [former, primary] {
            let setup = PostgresClient(configuration: PostgresConfiguration(connectionString: cluster.connectionString, maxConnections: 1),
                                       logger: TestLogger.make())
            try await setup.query("CREATE TABLE writes (n int)")
            await setup.shutdown()
        }
        // Both nodes listed, the first one primary for now: the pool's one session lands on it.
        let url = "postgresql://holdfast@127.0.0.1:\(former.port),127.0.0.1:\(primary.port)/postgres"
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: url, maxConnections: 1), logger: TestLogger.make())
        try await client.query("INSERT INTO writes VALUES (1)")
        let firstPort = try await client.query("SELECT current_setting('port') AS port").first?.decode(String.self, "port")
        #expect(firstPort == String(former.port))

        // The first node turns read-only, as a demoted primary does. The reload reaches the
        // session at its next statement, so writes fail with 25006 once it has.
        try await Self.makeReadOnly(former)
        var refusal: PostgresError?
        for _ in 0..<200 where refusal == nil {
            do {
                try await client.query("INSERT INTO writes VALUES (2)")
                try await Task.sleep(for: .milliseconds(50))
            } catch let error as PostgresError {
                refusal = error
            }
        }
        let error = try #require(refusal)
        #expect(error.sqlState == "25006")
        #expect(error.isTransientConnectionError)

        // The session was discarded, not reused: the next one skips the read-only node.
        try await client.query("INSERT INTO writes VALUES (3)")
        let port = try await client.query("SELECT current_setting('port') AS port").first?.decode(String.self, "port")
        #expect(port == String(primary.port))
        await client.shutdown()
    }

    @Test(.timeLimit(.minutes(10)))
    func aListenSessionThatStopsAnsweringIsReplaced() async throws {
        let base = try TestDatabase.connectionString
        guard var components = URLComponents(string: base), let port = components.port else {
            throw TestEnvironmentError("HOLDFAST_TEST_DATABASE_URL must be a URL with a port for this test")
        }
        let proxy = try TCPProxy(targetPort: port)
        defer { proxy.stop() }
        components.port = proxy.port
        let proxied = PostgresClient(configuration: PostgresConfiguration(connectionString: components.string!, maxConnections: 1),
                                     logger: TestLogger.make())
        let direct = PostgresClient(configuration: PostgresConfiguration(connectionString: base, maxConnections: 1), logger: TestLogger.make())
        let channel = "hf_blackhole_\(UUID().uuidString.prefix(8).lowercased())"
        let events = proxied.listen(to: [channel], checkEvery: .milliseconds(300), checkTimeout: .seconds(1))
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .listening)

        // Nothing passes any more on the open session, and nothing says so: no reset, no error.
        proxy.blackHoleExisting()
        #expect(await iterator.next() == .disconnected, "the failed check is reported")
        #expect(await iterator.next() == .listening)
        try await direct.query("SELECT pg_notify(\(channel), 'after')")
        guard case .notification(let note)? = await iterator.next() else {
            Issue.record("no notification after the session was replaced")
            return
        }
        #expect(note.payload == "after")
        await proxied.shutdown()
        await direct.shutdown()
    }
}
