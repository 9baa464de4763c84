import Foundation
import Postgres
import Queue

extension PostgresClient {
    func state(of id: Job.ID) async throws -> String {
        guard let row = try await query("SELECT state FROM jobs WHERE id = \(id)").first else { throw ConditionNotMet(description: "no job \(id)") }
        return try row.decode(String.self, "state")
    }

    /// The first column of the first row as an integer; throws when there is no row.
    func count(_ sql: PostgresQuery) async throws -> Int {
        guard let row = try await query(sql).first else { throw ConditionNotMet(description: "no row for \(sql)") }
        return try row.decode(Int.self, at: 0)
    }

    /// Ages a running job's lease so the rescuer sees it expired.
    func expireLease(of id: Job.ID) async throws {
        try await query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = \(id)")
    }
}
