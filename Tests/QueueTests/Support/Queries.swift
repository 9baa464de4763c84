import Foundation
import Postgres
import Queue

extension PostgresClient {
    func state(of id: Job.ID) async throws -> String {
        try await query("SELECT state FROM jobs WHERE id = \(id)").first!.decode(String.self, "state")
    }

    func count(_ sql: PostgresQuery) async throws -> Int {
        try await query(sql).first!.decode(Int.self, at: 0)
    }

    /// Ages a running job's lease so the rescuer sees it expired.
    func expireLease(of id: Job.ID) async throws {
        try await query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = \(id)")
    }
}
