import Foundation

extension ComplianceReport {
    /// A self-contained, printable HTML page (no scripts, no external resources).
    public func renderedHTML() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="generator" content="\(Self.escape(generator))">
            <meta name="holdfast-report-format" content="\(Self.escape(format))">
            <meta name="holdfast-report-id" content="\(Self.escape(reportID))">
            <meta name="holdfast-signing-key-id" content="\(Self.escape(signingKeyID ?? "unsigned"))">
            <title>Compliance report: \(Self.escape(scope.name)), \(Self.day(periodStart)) to \(Self.day(periodEnd))</title>
            <style>
            body { font: 10.5pt/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 2em; }
            h1 { font-size: 16pt; margin-bottom: 0.2em; } h2 { font-size: 13pt; margin-top: 1.6em; border-bottom: 1px solid #999; }
            h3 { font-size: 11pt; margin: 1em 0 0.3em; }
            table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; }
            th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
            th { background: #eee; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
            .ok { color: #11631c; } .at_risk { color: #8a5a00; } .breached { color: #a4161a; font-weight: bold; }
            .meta { color: #444; } section.tenant { page-break-inside: avoid; }
            @media print { body { margin: 1cm; } h2 { page-break-before: auto; } }
            </style>
            </head>
            <body>
            <h1>Backup compliance report: \(Self.escape(scope.name))</h1>
            <p class="meta">\(Self.escape(scope.kind)) \(Self.escape(scope.id))<br>
            Period \(Self.escape(ComplianceDates.iso8601(periodStart))) to \(Self.escape(ComplianceDates.iso8601(periodEnd))) (end excluded)<br>
            Generated \(Self.escape(ComplianceDates.iso8601(generatedAt))) by \(Self.escape(generator)), report \(Self.escape(reportID))<br>
            Signing key \(Self.escape(signingKeyID ?? "none: this report is not signed"))</p>
            <h2>Summary</h2>
            <table>
            <tr><th>Tenant</th><th>Policy</th><th>RPO target</th><th>RPO adherence</th><th>Breaches</th><th>Backups ok / partial / failed</th><th>Validations passed</th><th>Newest restore point</th><th>Legal hold</th></tr>

            """
        for tenant in tenants {
            html += "<tr><td>\(Self.escape(tenant.tenantName))</td><td>\(Self.escape(tenant.policy.name))</td>"
            html += "<td class=\"n\">\(Self.hours(tenant.policy.rpoTargetSeconds))</td>"
            html += "<td class=\"n\">\(tenant.rpo.adherence.map { Self.number($0 * 100) + " %" } ?? "not measured")</td>"
            html += "<td class=\"n\">\(tenant.rpo.breaches.count)</td>"
            html += "<td class=\"n\">\(tenant.backups.succeeded) / \(tenant.backups.partial) / \(tenant.backups.failed)</td>"
            html += "<td class=\"n\">\(tenant.validations.passed) of \(tenant.validations.run)</td>"
            html += "<td>\(Self.escape(tenant.restorePoints.newest.map(ComplianceDates.iso8601) ?? "none"))</td>"
            html += "<td>\(tenant.immutability.legalHold ? "yes" : "no")</td></tr>\n"
        }
        html += "</table>\n"
        for tenant in tenants {
            html += section(tenant)
        }
        html += """
            <p class="meta">Verify this file with <code>holdfast report verify FILE --public-key PUBLIC.pem</code>, or with OpenSSL \
            against the detached signature in FILE.sig (docs/reports.md).</p>
            </body>
            </html>

            """
        return html
    }

    private func section(_ tenant: TenantSection) -> String {
        var html = "<section class=\"tenant\">\n<h2>\(Self.escape(tenant.tenantName))</h2>\n"
        html += "<p class=\"meta\">Tenant \(Self.escape(tenant.tenantID))"
        if let entra = tenant.entraTenantID { html += ", Entra tenant \(Self.escape(entra))" }
        html += ", status \(Self.escape(tenant.status)), protected since \(Self.escape(ComplianceDates.iso8601(tenant.protectedSince)))</p>\n"
        html += "<table>\n"
        html += Self.row("Policy", "\(tenant.policy.name): backup every \(Self.hours(tenant.policy.backupIntervalSeconds)), RPO \(Self.hours(tenant.policy.rpoTargetSeconds)), validation every \(Self.hours(tenant.policy.validationIntervalSeconds))")
        html += Self.row("Retention", tenant.restorePoints.retention)
        html += Self.row("Backups", "\(tenant.backups.scheduled) scheduled, \(tenant.backups.succeeded) succeeded, \(tenant.backups.partial) partial, \(tenant.backups.failed) failed (\(tenant.backups.failedAttempts) failed attempts)")
        html += Self.row("RPO adherence", tenant.rpo.adherence.map { "\(Self.number($0 * 100)) % of \(Self.hours(tenant.rpo.measuredSeconds)) measured; \(Self.hours(tenant.rpo.breachedSeconds)) out of RPO" } ?? "not measured in this period")
        let history = tenant.slaHistory
        html += Self.row("SLA history", "current \(history.currentState ?? "not evaluated"); at risk \(Self.hours(history.atRiskSeconds)), breached \(Self.hours(history.breachedSeconds)), changes recorded: \(history.changes)")
        html += Self.row("Restore points", "\(tenant.restorePoints.count); oldest \(tenant.restorePoints.oldest.map(ComplianceDates.iso8601) ?? "none"), newest \(tenant.restorePoints.newest.map(ComplianceDates.iso8601) ?? "none")")
        html += Self.row("Immutability", "window \(Self.hours(tenant.immutability.windowSeconds)); legal hold \(tenant.immutability.legalHold ? "yes (\(tenant.immutability.legalHoldReason ?? ""))" : "no")")
        html += Self.row("Encryption", "\(tenant.encryption.algorithm); " + (tenant.encryption.dataKeys.isEmpty ? "no data key" : tenant.encryption.dataKeys.map { "data key \($0.dataKeyID) under master key \($0.masterKeyID)" }.joined(separator: "; ")))
        html += Self.row("Credentials", tenant.credentials.isEmpty ? "none" : tenant.credentials.map { "\($0.clientID) (\($0.kind)) expires \($0.expiresAt.map(ComplianceDates.iso8601) ?? "never")" }.joined(separator: "; "))
        html += "</table>\n"
        if !tenant.rpo.breaches.isEmpty {
            html += "<h3>RPO breaches</h3>\n<table><tr><th>Start</th><th>End</th><th>Duration</th></tr>\n"
            for breach in tenant.rpo.breaches {
                html += "<tr><td>\(ComplianceDates.iso8601(breach.start))</td><td>\(ComplianceDates.iso8601(breach.end))\(breach.ongoing ? " (ongoing)" : "")</td><td class=\"n\">\(Self.hours(breach.durationSeconds))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if !tenant.validations.runs.isEmpty {
            html += "<h3>Validations (restore drills)</h3>\n<table><tr><th>Started</th><th>Snapshot</th><th>Result</th><th>Restore time</th><th>Failed checks</th></tr>\n"
            for run in tenant.validations.runs {
                html += "<tr><td>\(ComplianceDates.iso8601(run.startedAt))</td><td class=\"n\">\(run.snapshotID.map(String.init) ?? "")</td>"
                html += "<td class=\"\(run.passed ? "ok" : "breached")\">\(run.passed ? "passed" : "failed")</td>"
                html += "<td class=\"n\">\(run.restoreSeconds.map { Self.number($0) + " s" } ?? "")</td><td>\(Self.escape(run.failedChecks.joined(separator: ", ")))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "</section>\n"
    }

    private static func row(_ name: String, _ value: String) -> String {
        "<tr><th>\(escape(name))</th><td>\(escape(value))</td></tr>\n"
    }

    private static func day(_ date: Date) -> String {
        String(ComplianceDates.iso8601(date).prefix(10))
    }

    private static func hours(_ seconds: Double) -> String {
        seconds >= 86_400 && seconds.truncatingRemainder(dividingBy: 86_400) == 0
            ? "\(number(seconds / 86_400)) d" : "\(number(seconds / 3600)) h"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
