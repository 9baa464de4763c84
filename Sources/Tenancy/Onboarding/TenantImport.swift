public import Foundation
public import Graph
import Logging
import Postgres

/// Bulk onboarding (`holdfast tenants import`, `POST /v1/tenants/import`): the rows of a
/// ``TenantImportFile``, each onboarded as ``TenantOnboarding/add(_:actor:)`` does — sign-in,
/// permission probe, `active` only when backups can run — a bounded number at once.
///
/// Written for the MSP's usual case, one multi-tenant app consented in every customer tenant: a
/// row names its credential by reference (a name given with the import), never holds a secret.
/// Every row is checked (policy and credential references included) before the first is
/// onboarded. Safe to run again: a tenant already known (by GUID, domain or, after sign-in, by the
/// token's tenant id) is reported `unchanged` and not touched.
public struct TenantImport: Sendable {
    /// How many rows are onboarded at once; each costs a sign-in and a permission probe of a few
    /// dozen Graph reads, made against a different tenant (Graph throttles per tenant).
    public static let concurrencyRange = 1...64
    public static let defaultConcurrency = 8

    public let onboarding: TenantOnboarding

    public init(onboarding: TenantOnboarding) {
        self.onboarding = onboarding
    }

    /// What happened to a row.
    public enum Outcome: String, Sendable, CaseIterable {
        /// Onboarded and `active`.
        case added
        /// The app is not consented in the tenant (nothing stored), or lacks backup permissions
        /// (the tenant is added, `onboarding`): an administrator consents at `adminConsentURL`.
        case needsConsent = "needs_consent"
        /// Already onboarded; left as it was.
        case unchanged
        /// Not onboarded (a credential that cannot sign in, a tenant that does not exist…): `reason`.
        case failed
    }

    public struct RowResult: Sendable {
        public let row: Int
        /// The tenant as the row gave it.
        public let tenant: String
        public let name: String
        public let outcome: Outcome
        /// Holdfast's id, when the tenant is (or already was) stored.
        public let tenantID: UUID?
        public let status: TenantStatus?
        /// Where a Global Administrator of the tenant grants consent (`needsConsent`).
        public let adminConsentURL: String?
        /// What an operator reads: never a secret.
        public let reason: String
    }

    /// Checks `rows` against the named credentials and the policies before anything is added.
    /// Throws ``TenantImportError`` naming the first row and column at fault.
    public func check(_ rows: [TenantImportRow], credentials: [String: NewTenantCredential], concurrency: Int) async throws {
        guard Self.concurrencyRange.contains(concurrency) else {
            throw TenantImportError(.invalidRequest, "the concurrency must be \(Self.concurrencyRange.lowerBound)-\(Self.concurrencyRange.upperBound), not \(concurrency)")
        }
        guard !credentials.isEmpty else {
            throw TenantImportError(.invalidRequest, "give the credential the rows name (the multi-tenant app's client id and secret or certificate)")
        }
        let policies = Set(try await self.onboarding.registry.client.query("SELECT name FROM policies").rows.map { try $0.decode(String.self, "name") })
        for row in rows {
            if let policy = row.policy, !policies.contains(policy) {
                throw TenantImportError(.malformedFile, row: row.row, column: "policy",
                                        "no policy is called '\(policy)' (known: \(policies.sorted().joined(separator: ", ")))")
            }
            _ = try Self.credential(for: row, in: credentials)
        }
    }

    /// Onboards every row, at most `concurrency` at once, calling `progress` as each finishes
    /// (completed count, total, the row's result). Call ``check(_:credentials:concurrency:)`` first.
    /// Returns the results in row order.
    public func run(_ rows: [TenantImportRow], credentials: [String: NewTenantCredential], concurrency: Int, actor: String,
                    progress: @escaping @Sendable (Int, Int, RowResult) async -> Void = { _, _, _ in }) async throws -> [RowResult] {
        try await self.check(rows, credentials: credentials, concurrency: concurrency)
        var results: [RowResult] = []
        results.reserveCapacity(rows.count)
        try await withThrowingTaskGroup(of: RowResult.self) { group in
            var next = rows.startIndex
            func startNext() throws {
                guard next < rows.endIndex else { return }
                let row = rows[next]
                let credential = try Self.credential(for: row, in: credentials)
                next += 1
                group.addTask { await self.importRow(row, credential: credential, actor: actor) }
            }
            for _ in 0..<min(concurrency, rows.count) { try startNext() }
            while let result = try await group.next() {
                results.append(result)
                await progress(results.count, rows.count, result)
                try startNext()
            }
        }
        let counts = Dictionary(grouping: results, by: \.outcome).mapValues(\.count)
        self.onboarding.logger.notice("tenant import finished", metadata: [
            "import.rows": "\(rows.count)", "actor": "\(actor)",
            "import.added": "\(counts[.added] ?? 0)", "import.needs_consent": "\(counts[.needsConsent] ?? 0)",
            "import.unchanged": "\(counts[.unchanged] ?? 0)", "import.failed": "\(counts[.failed] ?? 0)",
        ])
        return results.sorted { $0.row < $1.row }
    }

    static func credential(for row: TenantImportRow, in credentials: [String: NewTenantCredential]) throws -> NewTenantCredential {
        if let name = row.credential {
            guard let credential = credentials[name] else {
                throw TenantImportError(.malformedFile, row: row.row, column: "credential",
                                        "names no credential given with the import ('\(name)'; given: \(credentials.keys.sorted().joined(separator: ", ")))")
            }
            return credential
        }
        guard credentials.count == 1, let only = credentials.values.first else {
            throw TenantImportError(.malformedFile, row: row.row, column: "credential",
                                    "is empty but \(credentials.count) credentials are given; name one")
        }
        return only
    }

    /// One row: never throws; every failure is the row's outcome.
    private func importRow(_ row: TenantImportRow, credential: NewTenantCredential, actor: String) async -> RowResult {
        func result(_ outcome: Outcome, _ tenant: Tenant?, consent: String? = nil, _ reason: String) -> RowResult {
            RowResult(row: row.row, tenant: row.tenant, name: row.name, outcome: outcome, tenantID: tenant?.id, status: tenant?.status,
                      adminConsentURL: consent, reason: reason)
        }
        func unchanged(_ tenant: Tenant) -> RowResult {
            result(.unchanged, tenant, "already onboarded as \(tenant.id.uuidString.lowercased()) (\(tenant.status.rawValue)); left as it is")
        }
        var logger = self.onboarding.logger
        logger[metadataKey: "import.row"] = "\(row.row)"
        do {
            if let existing = try? await self.onboarding.registry.tenant(reference: row.tenant) { return unchanged(existing) }
            let outcome = try await self.onboarding.add(TenantOnboarding.Request(
                directory: row.tenant, displayName: row.name, partnerName: row.partner, policyName: row.policy ?? "standard",
                credential: credential), actor: actor)
            let tenant = outcome.tenant
            if tenant.status == .active { return result(.added, tenant, tenant.statusReason ?? "active") }
            return result(.needsConsent, tenant, consent: outcome.report?.adminConsentURL, tenant.statusReason ?? tenant.status.rawValue)
        } catch let error as GraphAuthenticationError where error.code == .applicationNotFound {
            let url = PermissionReport.adminConsentURL(loginBaseURL: self.onboarding.graph.configuration.loginBaseURL,
                                                       tenant: row.tenant, clientID: credential.clientID.uuidString.lowercased())
            let stored = await self.stored(row)
            return result(.needsConsent, stored, consent: url, "the app is not consented in the tenant (\(error.message))" + Self.left(stored))
        } catch let error as GraphAuthenticationError {
            logger.warning("tenant import: sign-in failed", metadata: ["error": "\(error)"])
            let stored = await self.stored(row)
            return result(.failed, stored, "sign-in failed (\(error.code)): \(error.message)" + Self.left(stored))
        } catch let error as TenancyError where error.code == .duplicateTenant {
            // A domain row whose token named a tenant already known (or another row of the same tenant).
            return result(.unchanged, nil, "already onboarded: \(error.message); left as it is")
        } catch {
            logger.warning("tenant import: row failed", metadata: ["error": "\(error)"])
            let stored = await self.stored(row)
            return result(.failed, stored, "\(error)" + Self.left(stored))
        }
    }

    /// The row's tenant if a failure came after it was added (a probe whose sign-in failed).
    private func stored(_ row: TenantImportRow) async -> Tenant? {
        try? await self.onboarding.registry.tenant(reference: row.tenant)
    }

    private static func left(_ stored: Tenant?) -> String {
        stored.map { "; the tenant is stored as \($0.id.uuidString.lowercased()) (\($0.status.rawValue))" } ?? "; nothing was stored"
    }
}
