import Foundation
import Tenancy

/// A policy as the API shows it; intervals in whole seconds, window bounds as `HH:MM`.
struct PolicyResource: Encodable, Sendable {
    var id: String
    var name: String
    var description: String
    var backupIntervalSeconds: Int64
    var windowStart: String?
    var windowEnd: String?
    var windowTimezone: String
    var rpoTargetSeconds: Int64
    var keepLast: Int
    var keepDaily: Int
    var keepWeekly: Int
    var keepMonthly: Int
    var keepYearly: Int
    var immutabilityWindowSeconds: Int64
    var retentionIntervalSeconds: Int64
    var validationIntervalSeconds: Int64
    var createdAt: Date
    var updatedAt: Date

    init(_ policy: Policy) {
        func seconds(_ value: TimeInterval) -> Int64 { Int64(value.rounded()) }
        id = policy.id.apiString
        name = policy.name
        description = policy.description
        backupIntervalSeconds = seconds(policy.backupInterval)
        windowStart = policy.windowStart
        windowEnd = policy.windowEnd
        windowTimezone = policy.timezone
        rpoTargetSeconds = seconds(policy.rpoTarget)
        keepLast = policy.retention.last
        keepDaily = policy.retention.daily
        keepWeekly = policy.retention.weekly
        keepMonthly = policy.retention.monthly
        keepYearly = policy.retention.yearly
        immutabilityWindowSeconds = seconds(policy.immutabilityWindow)
        retentionIntervalSeconds = seconds(policy.retentionInterval)
        validationIntervalSeconds = seconds(policy.validationInterval)
        createdAt = policy.createdAt
        updatedAt = policy.updatedAt
    }
}
