public import Foundation
public import Postgres
public import Vault

/// The vault's ``ImmutabilityWindowProvider`` over the policies: the tenant's policy's
/// `immutability_window`, or the standard policy's for a tenant without one — read through
/// `tenant_immutability_window` (migration 0009), the function the database's own deletion guards
/// use, so an S3 Object Lock never ends before the database would let the snapshot go. Policies
/// are Tenancy's, so the read lives here and the vault only declares what it needs.
public struct PolicyImmutabilityWindowProvider: ImmutabilityWindowProvider {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    public func immutabilityWindow(tenantID: UUID) async throws -> TimeInterval {
        let rows = try await self.client.query("""
            SELECT extract(epoch FROM tenant_immutability_window(\(tenantID)))::float8 AS seconds
            """)
        return try rows.first?.decode(Double.self, "seconds") ?? 0
    }
}
