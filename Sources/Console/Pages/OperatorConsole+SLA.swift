import Compliance
import Foundation
import Hummingbird

/// The fleet's SLA (`/console/sla`): every protected tenant worst first, with counts per state,
/// filtered by state and paged by position. It asks the evaluator the API's `/v1/sla` asks; a
/// partner user's view is confined to their partner (`visibleToPartner`, as for partner keys), so
/// another partner's tenant is never read.
extension OperatorConsole {
    struct SLAPage {
        struct Count {
            var state: String
            var label: String
            var count: Int
            var link: String
        }
        struct Row {
            var tenantID: String
            var name: String
            var partner: String
            var policy: String
            var state: String
            var stateLabel: String
            var since: String
            var reasons: String
            var newest: String
            var rpoUsed: String
            var successRate: String
            var validated: String
        }
        var layout: ConsoleLayout
        var counts: [Count]
        var states: [Option]
        var rows: [Row]
        /// Stored, not computed: Mustache reads values through `Mirror`, which sees stored properties only.
        var hasRows: Bool
        var filtered: Bool
        var shown: String
        var previous: String?
        var next: String?
    }

    /// Positions past this are refused: a fleet of 10,000 tenants in pages of 50 ends at 10,000.
    static let slaMaximumOffset = 1_000_000

    func slaPage(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        let stateText = try parameter(request, "state", maxLength: 10)
        let state = try stateText.map { text -> SLAState in
            guard let state = SLAState(rawValue: text) else {
                throw ConsoleError(.invalidInput, "The state filter must be one of \(SLAState.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)').")
            }
            return state
        }
        let offset = try parameter(request, "offset", maxLength: 7).map { text -> Int in
            guard text.allSatisfy(\.isASCII), let offset = Int(text), offset >= 0, offset <= Self.slaMaximumOffset else {
                throw ConsoleError(.invalidInput, "The page link is damaged (offset must be a position from 0 to \(Self.slaMaximumOffset)). Start again from the first page.")
            }
            return offset
        } ?? 0
        let now = now()
        let partnerID = session.user.role == .partner ? session.user.partnerID : nil
        let scope: SLAScope = partnerID.map(SLAScope.partner) ?? .all
        let assessments = try await services.sla.assess(scope: scope, now: now, visibleToPartner: partnerID).sortedWorstFirst()
        let matching = assessments.filter { state == nil || $0.state == state }
        let limit = configuration.pageSize
        let shown = matching.dropFirst(offset).prefix(limit)

        let link = { (state: String?, offset: Int?) in
            ConsoleFormat.link("/console/sla", [("state", state), ("offset", offset.map(String.init))])
        }
        let counts = SLAState.allCases.sorted(by: >).map { each in
            SLAPage.Count(state: each.rawValue, label: Self.label(each), count: assessments.filter { $0.state == each }.count,
                          link: link(each.rawValue, nil))
        }
        let rows = shown.map { assessment in
            SLAPage.Row(
                tenantID: assessment.tenantID.uuidString.lowercased(), name: assessment.tenantName,
                partner: assessment.partnerName ?? "— (the MSP's own)", policy: assessment.policyName,
                state: assessment.state.rawValue, stateLabel: Self.label(assessment.state),
                since: assessment.since.map { "since \(ConsoleFormat.time($0))" } ?? "",
                reasons: assessment.reasons.map(Self.label).joined(separator: "; "),
                newest: assessment.newestSnapshotAt.map { "\(ConsoleFormat.duration(seconds: now.timeIntervalSince($0))) ago" } ?? "none",
                rpoUsed: Self.percent(assessment.rpoUsed) + " of " + ConsoleFormat.duration(seconds: assessment.rpoTargetSeconds),
                successRate: assessment.successRate30Days.map { "\(Self.percent($0)) (\(assessment.attemptsSucceeded30Days) of \(assessment.attemptsSucceeded30Days + assessment.attemptsFailed30Days))" } ?? "no attempts",
                validated: assessment.validationAgeSeconds.map { "\(ConsoleFormat.duration(seconds: $0)) ago" } ?? "never")
        }
        let end = offset + rows.count
        let page = SLAPage(
            layout: ConsoleLayout(title: "SLA", session: session), counts: counts,
            states: [Option(value: "", label: "every state", selected: state == nil)]
                + SLAState.allCases.sorted(by: >).map { Option(value: $0.rawValue, label: Self.label($0), selected: $0 == state) },
            rows: rows, hasRows: !rows.isEmpty, filtered: state != nil,
            shown: rows.isEmpty ? "" : "\(offset + 1)–\(end) of \(matching.count)",
            previous: offset > 0 ? link(stateText, max(0, offset - limit) == 0 ? nil : max(0, offset - limit)) : nil,
            next: end < matching.count ? link(stateText, end) : nil)
        return renderer.page("sla", page)
    }

    /// A fraction as a whole percentage; an unbounded one (no RPO target) as "∞ %".
    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "∞ %" }
        return "\(Int((min(fraction, 1_000_000) * 100).rounded())) %"
    }
}
