public import Foundation
public import Logging
public import Postgres

/// The fleet of workers: each registers itself, refreshes `last_seen_at`, and marks itself stopped.
public struct WorkerRegistry: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A registered worker.
    public struct Registration: Sendable, Hashable {
        public var id: UUID
        public var host: String
        public var pid: Int
        public var version: String
        public var concurrency: Int
        public var kinds: [String]
        public var startedAt: Date
        public var lastSeenAt: Date
        public var stoppedAt: Date?
    }

    public func register(id: UUID, version: String, concurrency: Int, kinds: [JobKind]) async throws {
        let host = ProcessInfo.processInfo.hostName
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        let kindNames = kinds.map(\.rawValue)
        try await storage("worker registration") {
            try await client.query("""
                INSERT INTO workers (id, host, pid, version, concurrency, kinds)
                VALUES (\(id), \(host), \(pid), \(version), \(concurrency), \(kindNames)::text[])
                ON CONFLICT (id) DO UPDATE SET last_seen_at = now(), stopped_at = NULL
                """)
        }
    }

    public func seen(id: UUID) async throws {
        try await storage("worker heartbeat") {
            try await client.query("UPDATE workers SET last_seen_at = now() WHERE id = \(id)")
        }
    }

    public func stopped(id: UUID) async throws {
        try await storage("worker deregistration") {
            try await client.query("UPDATE workers SET stopped_at = now(), last_seen_at = now() WHERE id = \(id)")
        }
    }

    /// Workers that have not stopped: `active` ones were seen within `lostAfter`; `lost` ones were
    /// not (killed, host gone, cut off) but within the last day, so a lost worker is counted for a
    /// day rather than for ever.
    public func fleet(lostAfter: Duration) async throws -> (active: Int, lost: Int) {
        let seconds = lostAfter.seconds
        let rows = try await storage("worker fleet") {
            try await client.query("""
                SELECT count(*) FILTER (WHERE last_seen_at >= now() - make_interval(secs => \(seconds)))::int AS active,
                       count(*) FILTER (WHERE last_seen_at < now() - make_interval(secs => \(seconds))
                                          AND last_seen_at >= now() - interval '1 day')::int AS lost
                FROM workers WHERE stopped_at IS NULL
                """)
        }
        guard let row = rows.first else { return (0, 0) }
        return (try row.decode(Int.self, "active"), try row.decode(Int.self, "lost"))
    }

    /// Registered workers that have not stopped (all of them with `includeStopped`), newest first.
    public func list(includeStopped: Bool = false) async throws -> [Registration] {
        let rows = try await storage("worker list") {
            try await client.query("""
                SELECT id, host, pid, version, concurrency, kinds, started_at, last_seen_at, stopped_at FROM workers
                WHERE \(includeStopped) OR stopped_at IS NULL ORDER BY started_at DESC
                """)
        }
        return try rows.map { row in
            Registration(id: try row.decode(UUID.self, "id"), host: try row.decode(String.self, "host"),
                         pid: try row.decode(Int.self, "pid"), version: try row.decode(String.self, "version"),
                         concurrency: try row.decode(Int.self, "concurrency"), kinds: try row.decode([String].self, "kinds"),
                         startedAt: try row.decode(Date.self, "started_at"), lastSeenAt: try row.decode(Date.self, "last_seen_at"),
                         stoppedAt: try row.decode(Date?.self, "stopped_at"))
        }
    }
}
