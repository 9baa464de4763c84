import Compliance
import Cryptography
import Foundation
import Hummingbird
import NIOCore

/// Compliance reports on demand (docs/reports.md): staff for any partner or tenant, partner keys
/// for their own partner or one of its tenants (the builder is asked with `visibleToPartner`, so
/// another partner's tenant answers 404 like one that does not exist).
///
/// The body is the report file itself (JSON, CSV or HTML). With a signing key configured, the
/// detached signature travels in the `Holdfast-Signature` header: every request builds a new
/// report (its own `report_id` and `generated_at`), so the signature must come with the bytes
/// it signs rather than from a second request.
struct ComplianceReportRoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/reports/compliance", access: .staff) { request, context in
            let query = request.uri.queryParameters
            let partnerID = try query["partner_id"].map { try TenantRoutes.uuid(String($0), name: "partner_id") }
            let tenantID = try query["tenant_id"].map { try TenantRoutes.uuid(String($0), name: "tenant_id") }
            let subject: ComplianceReportBuilder.Subject
            switch (partnerID, tenantID) {
            case (let partnerID?, nil): subject = .partner(partnerID)
            case (nil, let tenantID?): subject = .tenant(tenantID)
            default: throw APIError(.invalidParameter, "give exactly one of partner_id and tenant_id: the report covers a partner or one tenant")
            }
            return try await report(request, context: context, subject: subject, visibleToPartner: nil)
        }

        routes.get("/v1/partner/reports/compliance", access: .partner) { request, context in
            let partnerID = try SLARoutes.partnerID(context)
            let query = request.uri.queryParameters
            guard query["partner_id"] == nil else {
                throw APIError(.invalidParameter, "a partner key reports on its own partner: omit partner_id")
            }
            let tenantID = try query["tenant_id"].map { try TenantRoutes.uuid(String($0), name: "tenant_id") }
            return try await report(request, context: context, subject: tenantID.map { .tenant($0) } ?? .partner(partnerID), visibleToPartner: partnerID)
        }
    }

    private func report(_ request: Request, context: APIRequestContext, subject: ComplianceReportBuilder.Subject, visibleToPartner: UUID?) async throws -> Response {
        let format = try Self.format(request)
        let now = Date()
        let period = try PeriodQuery.parse(request, now: now)
        let key = services.reportSigningKey
        let report = try await services.reports.build(subject: subject, from: period.from, to: period.to, now: now,
                                                      signingKeyID: key?.keyID, visibleToPartner: visibleToPartner)
        let bytes = try report.rendered(as: format)
        let fileName = Self.fileName(subject: subject, period: period, format: format)
        var headers: HTTPFields = [.contentType: format.mediaType, .contentDisposition: "inline; filename=\"\(fileName)\""]
        if let key {
            let signature = try key.sign(bytes, fileName: fileName, format: format, signedAt: now)
            headers[APIHeaders.signature] = Base64URL.encode(try signature.encoded())
            headers[APIHeaders.signingKeyID] = key.keyID
        }
        context.logger.info("compliance report served", metadata: [
            "report.id": "\(report.reportID)", "report.format": "\(format.rawValue)", "report.tenants": "\(report.tenants.count)",
            "report.signed": "\(key != nil)",
        ])
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func format(_ request: Request) throws -> ReportFormat {
        guard let text = request.uri.queryParameters["format"] else { return .json }
        guard let format = ReportFormat(rawValue: String(text)) else {
            throw APIError(.invalidParameter, "format must be one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
        }
        return format
    }

    /// `compliance-partner-<id>-2026-10-01-2026-11-01.json`: what the signature names as its file.
    static func fileName(subject: ComplianceReportBuilder.Subject, period: PeriodQuery, format: ReportFormat) -> String {
        let scope = switch subject {
        case .partner(let id): "partner-\(id.uuidString.lowercased())"
        case .tenant(let id): "tenant-\(id.uuidString.lowercased())"
        }
        let day = { (date: Date) in String(ComplianceDates.iso8601(date).prefix(10)) }
        return "compliance-\(scope)-\(day(period.from))-\(day(period.to)).\(format.fileExtension)"
    }
}
