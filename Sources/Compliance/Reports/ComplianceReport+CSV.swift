import Foundation

extension ComplianceReport {
    /// The CSV columns, one row per tenant. Lists (breaches, validations, keys, credentials) are
    /// joined with `; ` inside one field.
    static let csvColumns = [
        "tenant_id", "tenant_name", "entra_tenant_id", "partner", "status", "policy", "rpo_target_hours",
        "backups_scheduled", "backups_succeeded", "backups_partial", "backups_failed", "failed_attempts",
        "rpo_adherence_percent", "rpo_breaches", "rpo_breached_hours", "rpo_breach_list",
        "sla_state", "sla_at_risk_hours", "sla_breached_hours",
        "restore_points", "oldest_restore_point", "newest_restore_point", "retention",
        "immutability_days", "legal_hold", "legal_hold_reason",
        "validations_run", "validations_passed", "restore_seconds",
        "encryption", "data_key_ids", "master_key_ids", "credential_expiry",
    ]

    /// RFC 4180 CSV (CRLF line ends) after `#` comment lines that say what the report is and which
    /// key signs it.
    public func renderedCSV() -> String {
        var lines = [
            "# \(format)",
            "# report_id: \(reportID)",
            "# scope: \(scope.kind) \(scope.name) (\(scope.id))",
            "# period: \(ComplianceDates.iso8601(periodStart)) to \(ComplianceDates.iso8601(periodEnd))",
            "# generated_at: \(ComplianceDates.iso8601(generatedAt)) by \(generator)",
            "# signing_key_id: \(signingKeyID ?? "unsigned")",
            Self.csvColumns.joined(separator: ","),
        ]
        for tenant in tenants {
            let fields: [String] = [
                tenant.tenantID, tenant.tenantName, tenant.entraTenantID ?? "", tenant.partnerName ?? "", tenant.status,
                tenant.policy.name, Self.number(tenant.policy.rpoTargetSeconds / 3600),
                String(tenant.backups.scheduled), String(tenant.backups.succeeded), String(tenant.backups.partial),
                String(tenant.backups.failed), String(tenant.backups.failedAttempts),
                tenant.rpo.adherence.map { Self.number($0 * 100) } ?? "", String(tenant.rpo.breaches.count),
                Self.number(tenant.rpo.breachedSeconds / 3600),
                tenant.rpo.breaches.map { "\(ComplianceDates.iso8601($0.start))/\(ComplianceDates.iso8601($0.end))\($0.ongoing ? " (ongoing)" : "")" }
                    .joined(separator: "; "),
                tenant.slaHistory.currentState ?? "", Self.number(tenant.slaHistory.atRiskSeconds / 3600),
                Self.number(tenant.slaHistory.breachedSeconds / 3600),
                String(tenant.restorePoints.count), tenant.restorePoints.oldest.map(ComplianceDates.iso8601) ?? "",
                tenant.restorePoints.newest.map(ComplianceDates.iso8601) ?? "", tenant.restorePoints.retention,
                Self.number(tenant.immutability.windowSeconds / 86_400), tenant.immutability.legalHold ? "yes" : "no",
                tenant.immutability.legalHoldReason ?? "",
                String(tenant.validations.run), String(tenant.validations.passed),
                tenant.validations.runs.compactMap { $0.restoreSeconds.map(Self.number) }.joined(separator: "; "),
                tenant.encryption.algorithm, tenant.encryption.dataKeys.map(\.dataKeyID).joined(separator: "; "),
                Array(Set(tenant.encryption.dataKeys.map(\.masterKeyID))).sorted().joined(separator: "; "),
                tenant.credentials.map { "\($0.clientID) \($0.kind) \($0.expiresAt.map(ComplianceDates.iso8601) ?? "no expiry")" }
                    .joined(separator: "; "),
            ]
            lines.append(fields.map(Self.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A field quoted when it holds a comma, quote or line break (RFC 4180); a leading `=`, `+`,
    /// `-` or `@` is prefixed with `'` so spreadsheets do not run it as a formula.
    static func quoted(_ field: String) -> String {
        var field = field
        if let first = field.first, "=+-@".contains(first), Double(field) == nil { field = "'" + field }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Two decimals, no trailing zeros.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.2f", rounded).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }
}
