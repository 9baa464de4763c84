public import Foundation

/// A partner's (or one tenant's) compliance evidence for a period (docs/reports.md).
///
/// Encodable only: a report is evidence, rendered once and signed as bytes; nothing reads it back
/// into this type. Identifiers are lower-case strings, times ISO 8601 UTC, durations seconds.
public struct ComplianceReport: Sendable, Hashable, Encodable {
    /// The layout's name and version.
    public var format = "holdfast-compliance-report/1"
    public var reportID: String
    public var generatedAt: Date
    public var generator: String
    /// The period covered: [start, end).
    public var periodStart: Date
    public var periodEnd: Date
    public var scope: Scope
    /// The id of the key that signs the report (``ReportSigningKey/keyID``); nil when unsigned.
    public var signingKeyID: String?
    public var tenants: [TenantSection]

    public struct Scope: Sendable, Hashable, Encodable {
        /// `partner` or `tenant`.
        public var kind: String
        public var id: String
        public var name: String
    }

    public struct TenantSection: Sendable, Hashable, Encodable {
        public var tenantID: String
        public var tenantName: String
        public var entraTenantID: String?
        public var partnerName: String?
        public var status: String
        public var protectedSince: Date
        public var policy: Policy
        public var backups: Backups
        public var rpo: RPOAdherence
        public var slaHistory: SLAHistory
        public var restorePoints: RestorePoints
        public var immutability: Immutability
        public var validations: Validations
        public var encryption: Encryption
        public var credentials: [Credential]
    }

    public struct Policy: Sendable, Hashable, Encodable {
        public var name: String
        public var rpoTargetSeconds: Double
        public var backupIntervalSeconds: Double
        public var validationIntervalSeconds: Double
        public var keepLast: Int
        public var keepDaily: Int
        public var keepWeekly: Int
        public var keepMonthly: Int
        public var keepYearly: Int
        public var immutabilityWindowSeconds: Double

        /// `last 7, daily 30, weekly 12, monthly 12, yearly 7`.
        public var retentionSummary: String {
            "last \(keepLast), daily \(keepDaily), weekly \(keepWeekly), monthly \(keepMonthly), yearly \(keepYearly)"
        }
    }

    public struct Backups: Sendable, Hashable, Encodable {
        /// Backup jobs created in the period.
        public var scheduled: Int
        /// Complete snapshots committed in the period.
        public var succeeded: Int
        /// Partial snapshots committed in the period.
        public var partial: Int
        /// Backup jobs that failed for good (discarded) in the period.
        public var failed: Int
        /// Failed attempts in the period, retried or not.
        public var failedAttempts: Int
    }

    public struct RPOAdherence: Sendable, Hashable, Encodable {
        /// Share of the measured time within RPO, 0…1; nil when nothing was measured.
        public var adherence: Double?
        /// The part of the period the tenant was protected (from its creation, up to the report).
        public var measuredSeconds: Double
        public var breachedSeconds: Double
        public var breaches: [Breach]
    }

    /// A stretch of time the newest snapshot was older than the RPO target, clipped to the period.
    public struct Breach: Sendable, Hashable, Encodable {
        public var start: Date
        public var end: Date
        public var durationSeconds: Double
        /// Still breached when the report was generated.
        public var ongoing: Bool
    }

    /// Time in each SLA state within the period, from the recorded state changes (`sla_state_changes`);
    /// empty before SLA evaluation ran.
    public struct SLAHistory: Sendable, Hashable, Encodable {
        public var currentState: String?
        public var okSeconds: Double
        public var atRiskSeconds: Double
        public var breachedSeconds: Double
        /// Time in the period before the first recorded evaluation.
        public var unrecordedSeconds: Double
        public var changes: Int
    }

    public struct RestorePoints: Sendable, Hashable, Encodable {
        /// Committed snapshots held at the end of the period.
        public var count: Int
        public var oldest: Date?
        public var newest: Date?
        public var retention: String
    }

    public struct Immutability: Sendable, Hashable, Encodable {
        public var windowSeconds: Double
        public var legalHold: Bool
        public var legalHoldReason: String?
    }

    public struct Validations: Sendable, Hashable, Encodable {
        public var run: Int
        public var passed: Int
        public var runs: [ValidationRun]
    }

    public struct ValidationRun: Sendable, Hashable, Encodable {
        public var snapshotID: Int64?
        public var startedAt: Date
        public var finishedAt: Date?
        public var passed: Bool
        public var restoreSeconds: Double?
        /// Names of the checks that failed.
        public var failedChecks: [String]
    }

    public struct Encryption: Sendable, Hashable, Encodable {
        public var algorithm: String
        /// Data key ids and the master key each is wrapped under; never key material.
        public var dataKeys: [DataKey]
    }

    public struct DataKey: Sendable, Hashable, Encodable {
        public var dataKeyID: String
        public var masterKeyID: String
        public var createdAt: Date
        public var rotatedAt: Date?
    }

    public struct Credential: Sendable, Hashable, Encodable {
        public var clientID: String
        public var appKind: String
        public var kind: String
        public var expiresAt: Date?
    }
}
