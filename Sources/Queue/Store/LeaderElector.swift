public import Foundation
public import Logging
public import Postgres

/// Leader election through a lease row with a TTL, judged by the database's clock.
///
/// `acquireOrRenew()` takes the lease when it is free or expired, and renews it when this
/// candidate holds it. The holder must renew well within `ttl`; one that cannot (database
/// unreachable) must step down before its lease ends, which the coordinator does.
public struct LeaderElector: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// The election's name: one leader per name.
    public let name: String
    public let candidateID: UUID
    public let ttl: Duration

    public init(client: PostgresClient, name: String = "coordinator", candidateID: UUID, ttl: Duration, logger: Logger) {
        self.client = client
        self.name = name
        self.candidateID = candidateID
        self.ttl = ttl
        self.logger = logger
    }

    /// Who holds a lease.
    public struct Lease: Sendable, Hashable {
        public var holderID: UUID
        public var holderHost: String
        public var holderPID: Int
        public var electedAt: Date
        public var expiresAt: Date
    }

    /// True when this candidate holds the lease after the call.
    public func acquireOrRenew() async throws -> Bool {
        let host = ProcessInfo.processInfo.hostName
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        let rows = try await storage("leader election") {
            try await client.query("""
                INSERT INTO leader_leases AS l (name, holder_id, holder_host, holder_pid, elected_at, renewed_at, expires_at)
                VALUES (\(name), \(candidateID), \(host), \(pid), now(), now(), now() + make_interval(secs => \(ttl.seconds)))
                ON CONFLICT (name) DO UPDATE SET
                    holder_id = excluded.holder_id, holder_host = excluded.holder_host, holder_pid = excluded.holder_pid,
                    elected_at = CASE WHEN l.holder_id = excluded.holder_id THEN l.elected_at ELSE now() END,
                    renewed_at = now(), expires_at = excluded.expires_at
                WHERE l.holder_id = excluded.holder_id OR l.expires_at < now()
                RETURNING holder_id
                """)
        }
        return try rows.first?.decode(UUID.self, "holder_id") == candidateID
    }

    /// Gives the lease up (graceful shutdown), so another coordinator can lead at once.
    public func resign() async throws {
        try await storage("leader resignation") {
            try await client.query("DELETE FROM leader_leases WHERE name = \(name) AND holder_id = \(candidateID)")
        }
    }

    /// The current lease, if anyone holds an unexpired one.
    public func currentLeader() async throws -> Lease? {
        let rows = try await storage("leader lookup") {
            try await client.query("""
                SELECT holder_id, holder_host, holder_pid, elected_at, expires_at FROM leader_leases
                WHERE name = \(name) AND expires_at >= now()
                """)
        }
        guard let row = rows.first else { return nil }
        return Lease(holderID: try row.decode(UUID.self, "holder_id"), holderHost: try row.decode(String.self, "holder_host"),
                     holderPID: try row.decode(Int.self, "holder_pid"), electedAt: try row.decode(Date.self, "elected_at"),
                     expiresAt: try row.decode(Date.self, "expires_at"))
    }
}
