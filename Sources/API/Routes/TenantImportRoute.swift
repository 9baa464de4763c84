import Foundation
import Tenancy

/// `POST /v1/tenants/import` body: the rows of a bulk onboarding file, as `tenants` (objects with
/// the file's columns) or `csv` (the CSV text), and the credentials the rows name.
struct ImportTenantsBody: APIRequestBody {
    static let fields: Set<String> = ["tenants", "csv", "credentials", "concurrency"]

    var tenants: [[String: String]]?
    var csv: String?
    /// By the name rows give in their `credential` column.
    var credentials: [String: OnboardTenantBody.Credential]
    var concurrency: Int?

    func validate() throws {
        guard (tenants == nil) != (csv == nil) else {
            throw APIError(.invalidRequest, "give the rows as either 'tenants' or 'csv'")
        }
        guard !credentials.isEmpty else {
            throw APIError(.invalidRequest, "field 'credentials' must name at least one credential (the multi-tenant app's)")
        }
        for (name, credential) in credentials {
            try Validate.nonEmpty(name, field: "credentials", maxLength: 100)
            _ = try credential.material()
        }
        if let concurrency, !TenantImport.concurrencyRange.contains(concurrency) {
            throw APIError(.invalidRequest, "field 'concurrency' must be \(TenantImport.concurrencyRange.lowerBound)-\(TenantImport.concurrencyRange.upperBound)")
        }
    }

    /// The rows, checked as the CLI checks a file: the first fault names its row and column.
    func rows() throws -> [TenantImportRow] {
        if let csv { return try TenantImportFile.parse(Array(csv.utf8), format: .csv) }
        return try TenantImportFile.rows((tenants ?? []).enumerated().map { (row: $0.offset + 1, values: $0.element) })
    }
}

/// What an import answers: each row's outcome, in file order, and the counts.
struct TenantImportResource: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var row: Int
        var tenant: String
        var name: String
        var outcome: String
        var tenantID: String?
        var status: String?
        var adminConsentURL: String?
        var reason: String

        init(_ result: TenantImport.RowResult) {
            row = result.row
            tenant = result.tenant
            name = result.name
            outcome = result.outcome.rawValue
            tenantID = result.tenantID?.uuidString.lowercased()
            status = result.status?.rawValue
            adminConsentURL = result.adminConsentURL
            reason = result.reason
        }
    }

    var rows: [Row]
    var added: Int
    var needsConsent: Int
    var unchanged: Int
    var failed: Int

    init(_ results: [TenantImport.RowResult]) {
        rows = results.map(Row.init)
        let counts = Dictionary(grouping: results, by: \.outcome).mapValues(\.count)
        added = counts[.added] ?? 0
        needsConsent = counts[.needsConsent] ?? 0
        unchanged = counts[.unchanged] ?? 0
        failed = counts[.failed] ?? 0
    }
}

/// Bulk onboarding for the API, through ``TenantImport`` as `holdfast tenants import`.
struct TenantImportRoute: Sendable {
    let services: APIServices

    func run(_ body: ImportTenantsBody, actor: String) async throws -> TenantImportResource {
        let onboarding = try services.requireOnboarding()
        let rows = try body.rows()
        let credentials = try body.credentials.mapValues { try $0.material() }
        let results = try await TenantImport(onboarding: onboarding).run(
            rows, credentials: credentials, concurrency: body.concurrency ?? TenantImport.defaultConcurrency, actor: actor)
        return TenantImportResource(results)
    }
}
