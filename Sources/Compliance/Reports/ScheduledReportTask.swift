public import Foundation
public import Logging
public import Queue
import Tenancy

/// Writes each partner's compliance report for the last complete period to a directory, once
/// (docs/reports.md, "Scheduled reports"). Run by the coordinator's leader; a report whose file
/// exists is not written again, so restarts and leader changes do not duplicate work.
public struct ScheduledReportTask: MaintenanceTask {
    public struct Configuration: Sendable {
        public var directory: String
        /// Partner names or ids; empty: every partner.
        public var partners: [String]
        public var period: ReportPeriod
        public var formats: [ReportFormat]
        /// How often to look for a period that has ended. Default 1 hour.
        public var interval: Duration

        public init(directory: String, partners: [String] = [], period: ReportPeriod = .monthly, formats: [ReportFormat] = [.json, .html],
                    interval: Duration = .seconds(3600)) {
            self.directory = directory
            self.partners = partners
            self.period = period
            self.formats = formats
            self.interval = interval
        }
    }

    public let builder: ComplianceReportBuilder
    public let configuration: Configuration
    public let signingKey: ReportSigningKey?
    public let logger: Logger
    public var name: String { "reports" }
    public var interval: Duration { configuration.interval }

    public init(builder: ComplianceReportBuilder, configuration: Configuration, signingKey: ReportSigningKey?, logger: Logger) {
        self.builder = builder
        self.configuration = configuration
        self.signingKey = signingKey
        self.logger = logger
    }

    public func runOnce() async throws -> Int {
        try await writeDue(now: Date()).count
    }

    /// Writes the reports of the last period complete at `now` that are not on disk yet; returns
    /// their paths.
    public func writeDue(now: Date) async throws -> [String] {
        let (start, end) = configuration.period.lastComplete(before: now)
        let registry = TenantRegistry(client: builder.client, logger: logger)
        let partners: [Partner]
        if configuration.partners.isEmpty {
            partners = try await registry.partners()
        } else {
            var resolved: [Partner] = []
            for reference in configuration.partners {
                resolved.append(try await registry.partner(reference: reference))
            }
            partners = resolved
        }
        do {
            try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        } catch {
            throw ComplianceError(.fileError, "cannot create the report directory \(configuration.directory)", underlying: error)
        }
        var written: [String] = []
        for partner in partners {
            let stem = "\(Self.slug(partner.name))-\(partner.id.uuidString.lowercased().prefix(8))-\(configuration.period.label(start: start))"
            let due = configuration.formats.filter {
                !FileManager.default.fileExists(atPath: (configuration.directory as NSString).appendingPathComponent("\(stem).\($0.fileExtension)"))
            }
            guard !due.isEmpty else { continue }
            let report = try await builder.build(subject: .partner(partner.id), from: start, to: end, now: now, signingKeyID: signingKey?.keyID)
            for format in due {
                let path = (configuration.directory as NSString).appendingPathComponent("\(stem).\(format.fileExtension)")
                try ComplianceReportWriter.write(report, format: format, to: path, signingKey: signingKey, now: now)
                written.append(path)
                logger.notice("scheduled compliance report written", metadata: [
                    "partner.id": "\(partner.id.uuidString.lowercased())", "report.path": "\(path)",
                    "report.signed": "\(signingKey != nil)",
                ])
            }
        }
        return written
    }

    /// Lower-case letters, digits and single dashes.
    static func slug(_ name: String) -> String {
        var out = ""
        for scalar in name.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out.append("-")
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "partner" : out
    }
}
