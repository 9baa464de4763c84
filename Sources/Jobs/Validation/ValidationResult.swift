public import Foundation

/// One check of a validation, stored as evidence with every failure named.
public struct ValidationCheck: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case passed, failed, skipped }

    public static let integrity = "integrity"
    public static let completeness = "completeness"
    public static let references = "references"
    public static let restoreDrill = "restore_drill"

    public var name: String
    public var status: Status
    public var summary: String
    /// Each failed item, named (`user/42: tampered`, `group: snapshot 3, live 5`).
    public var failures: [String]
    /// What passed with a caveat (types missing with a recorded reason, external references).
    public var notes: [String]

    public init(name: String, status: Status, summary: String, failures: [String] = [], notes: [String] = []) {
        self.name = name
        self.status = status
        self.summary = summary
        self.failures = failures
        self.notes = notes
    }
}

/// A validation of one snapshot: a row of `validations`.
public struct ValidationResult: Sendable, Hashable, Codable {
    public var id: Int64?
    public var tenantID: UUID
    public var snapshotID: Int64
    public var jobID: Int64?
    public var startedAt: Date
    public var finishedAt: Date
    public var checks: [ValidationCheck]
    public var restoreSeconds: Double?

    public init(id: Int64? = nil, tenantID: UUID, snapshotID: Int64, jobID: Int64?, startedAt: Date, finishedAt: Date,
                checks: [ValidationCheck], restoreSeconds: Double?) {
        self.id = id
        self.tenantID = tenantID
        self.snapshotID = snapshotID
        self.jobID = jobID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.checks = checks
        self.restoreSeconds = restoreSeconds
    }

    public var passed: Bool { !self.checks.contains { $0.status == .failed } }
    public var failedChecks: [String] { self.checks.filter { $0.status == .failed }.map(\.name) }

    public func check(_ name: String) -> ValidationCheck? { self.checks.first { $0.name == name } }
}
