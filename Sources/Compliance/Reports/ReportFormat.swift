/// How a compliance report is rendered.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    case json
    case csv
    case html

    public var fileExtension: String { rawValue }

    public var mediaType: String {
        switch self {
        case .json: "application/json"
        case .csv: "text/csv; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        }
    }
}

extension ComplianceReport {
    /// The report's bytes in `format`: what is signed, written and served.
    public func rendered(as format: ReportFormat) throws -> [UInt8] {
        switch format {
        case .json: try renderedJSON()
        case .csv: Array(renderedCSV().utf8)
        case .html: Array(renderedHTML().utf8)
        }
    }
}
