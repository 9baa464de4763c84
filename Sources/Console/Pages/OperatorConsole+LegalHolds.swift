import API
import Foundation
import Hummingbird
import Tenancy
import Vault

/// Legal holds from the tenant page (the whole tenant) and a snapshot's page (one snapshot):
/// operators place one with a reason (a case or ticket reference) and release it. They go
/// through the stores `holdfast legal-hold` and `holdfast snapshots hold` use, which audit each
/// change in the same transaction (`tenant.legal_hold`, `snapshot.legal_hold`, and their
/// releases, actor `console:<user>`).
extension OperatorConsole {
    enum HoldAction: String, CaseIterable, Sendable {
        case hold, release
    }

    /// What a page shows of a hold, and the form to change it (operators only).
    struct HoldForm {
        var action: String
        var held: Bool
        var reason: String?
        var formToken: String
    }

    /// The longest reason kept: a case or ticket reference, not a document.
    static let holdReasonCharacters = 500

    static let holdNotices = ["hold": "The legal hold is in place: nothing it covers can be deleted until it is released.",
                              "release": "The legal hold is released."]

    func tenantHold(_ action: HoldAction, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (session, form) = try await holdRequest(action, request)
        let tenant = try await visibleTenant(request, context, session: session, parameter: "tenant_id")
        switch action {
        case .hold: try await services.policies.holdTenant(tenant.id, reason: try Self.holdReason(form), actor: session.user.actor)
        case .release: try await services.policies.releaseTenant(tenant.id, actor: session.user.actor)
        }
        throw ConsoleRedirect(location: "/console/tenants/\(tenant.id.uuidString.lowercased())?done=\(action.rawValue)")
    }

    func snapshotHold(_ action: HoldAction, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (session, form) = try await holdRequest(action, request)
        let tenant = try await visibleTenant(request, context, session: session, parameter: "tenant_id")
        let vault = try openVault()
        let snapshot = try await tenantSnapshot(context.parameters.get("snapshot_id") ?? "", of: tenant, vault: vault, context: context)
        switch action {
        case .hold: try await vault.holdSnapshot(id: snapshot.id, reason: try Self.holdReason(form), actor: session.user.actor)
        case .release: try await vault.releaseSnapshot(id: snapshot.id, actor: session.user.actor)
        }
        throw ConsoleRedirect(location: "/console/tenants/\(tenant.id.uuidString.lowercased())/snapshots/\(snapshot.id)?done=\(action.rawValue)")
    }

    /// The session and form of a hold post, once the CSRF checks passed and the role may act.
    private func holdRequest(_ action: HoldAction, _ request: Request) async throws -> (ConsoleSession, ConsoleForm) {
        let session = try await signedIn(request)
        let form = try await postedForm(request, session: session)
        guard session.user.role.mayAct else {
            try await refuse(session, request: request, reason: "role \(session.user.role.rawValue) may not \(action.rawValue) legal holds")
            throw ConsoleError(.forbidden, "Your role (\(session.user.role.rawValue)) can look but not change anything; nothing was changed.")
        }
        return (session, form)
    }

    static func holdReason(_ form: ConsoleForm) throws -> String {
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw ConsoleError(.invalidInput, "A legal hold needs a reason (a case or ticket reference); nothing was changed.")
        }
        guard reason.count <= holdReasonCharacters, !reason.contains(where: \.isNewline) else {
            throw ConsoleError(.invalidInput, "The reason must be one line of at most \(holdReasonCharacters) characters; nothing was changed.")
        }
        return reason
    }

    /// The hold form a page shows `session`: nil for roles that may not act (the state is shown apart).
    static func holdForm(action: String, held: Bool, reason: String?, session: ConsoleSession) -> HoldForm? {
        session.user.role.mayAct ? HoldForm(action: action, held: held, reason: reason, formToken: session.formToken) : nil
    }
}
