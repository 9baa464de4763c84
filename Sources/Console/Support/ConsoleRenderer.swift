import Cryptography
import Foundation
import Hummingbird
import Mustache
import NIOCore

/// The console's Mustache templates and stylesheet, embedded in the executable from
/// `Sources/Console/Resources` (SwiftPM `embedInCode`), so a deployment is one file.
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary

    static let stylesheet: [UInt8] = PackageResources.console_css
    /// The stylesheet's URL carries a digest of its bytes, so it can be cached for good and a new
    /// release is fetched at once.
    static let stylesheetPath = "/console/static/console-\(Hex.encode(SHA256.hash(stylesheet).prefix(6))).css"

    static let favicon: [UInt8] = PackageResources.favicon_svg
    static let faviconPath = "/console/static/favicon-\(Hex.encode(SHA256.hash(favicon).prefix(6))).svg"

    private static let templates: [(String, [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("message", PackageResources.message_mustache),
        ("sign-in", PackageResources.sign_in_mustache), ("totp", PackageResources.totp_mustache), ("enrol", PackageResources.enrol_mustache),
        ("overview", PackageResources.overview_mustache), ("tenants", PackageResources.tenants_mustache),
        ("tenant", PackageResources.tenant_mustache), ("jobs", PackageResources.jobs_mustache), ("job", PackageResources.job_mustache),
        ("job-rows", PackageResources.job_rows_mustache), ("workers", PackageResources.workers_mustache),
        ("audit", PackageResources.audit_mustache), ("sla", PackageResources.sla_mustache), ("policies", PackageResources.policies_mustache),
        ("policy", PackageResources.policy_mustache), ("policy-new", PackageResources.policy_new_mustache),
        ("policy-form", PackageResources.policy_form_mustache), ("snapshots", PackageResources.snapshots_mustache),
        ("snapshot", PackageResources.snapshot_mustache), ("objects", PackageResources.objects_mustache),
        ("object", PackageResources.object_mustache), ("diff", PackageResources.diff_mustache),
        ("attribute-rows", PackageResources.attribute_rows_mustache), ("hold-form", PackageResources.hold_form_mustache),
    ]

    init() throws {
        var library = MustacheLibrary()
        for (name, bytes) in Self.templates {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// The page `template` renders from `view` (every `{{value}}` HTML-escaped by Mustache).
    func page(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok) -> Response {
        guard let text = library.render(view, withTemplate: template) else {
            // Only a typo in a template name gets here; every name is exercised by the tests.
            preconditionFailure("console template '\(template)' is not registered")
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A page with a heading, a message and a link on (errors, refusals).
    func message(_ heading: String, _ message: String, status: HTTPResponse.Status, kind: String = "error", requestID: String? = nil,
                 link: String = "/console", linkText: String = "Back to the console", viewer: ConsoleSession? = nil) -> Response {
        page("message", MessagePage(layout: ConsoleLayout(title: heading, session: viewer), heading: heading, message: message, kind: kind,
                                    requestID: requestID, link: link, linkText: linkText), status: status)
    }

    struct MessagePage {
        var layout: ConsoleLayout
        var heading: String
        var message: String
        var kind: String
        var requestID: String?
        var link: String
        var linkText: String
    }
}
