import Compliance
import Foundation
import Hummingbird
import Queue
import Tenancy

/// The fleet overview (`/console`): SLA states, failed jobs in 24 h, the queue, workers and the
/// leader, what needs attention first, and when credentials expire. Partner users see their own
/// tenants only, and nothing of the fleet (workers, leader).
extension OperatorConsole {
    struct OverviewPage {
        struct SLATiles { var ok = 0, atRisk = 0, breached = 0, unprotected = 0 }
        struct Queue {
            var failed: String
            var hasFailures: Bool
            var available: String
            var running: String
            var retryable: String
            var oldestWait: String?
        }
        struct Fleet {
            var workersAlive: Int
            var slots: Int
            var leader: String
        }
        struct Attention {
            var tenantID: String
            var tenantName: String
            var partnerName: String
            var state: String
            var stateLabel: String
            var reasons: String
            var newest: String
        }
        struct CredentialBucket {
            var label: String
            var count: Int
            var tone: String
        }

        var layout: ConsoleLayout
        var sla: SLATiles
        var queue: Queue
        var fleet: Fleet?
        var attention: [Attention]
        /// Stored, not computed: Mustache reads values through `Mirror`, which sees stored properties only.
        var hasAttention: Bool
        var credentials: [CredentialBucket]
    }

    /// A worker counts as alive when it was seen within this long (three missed heartbeats of the default 10 s).
    static let workerAliveWindow: TimeInterval = 60

    func overview(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        let now = now()
        let visible = try await visibleTenants(session)
        let partnerID = session.user.role == .partner ? session.user.partnerID : nil

        let assessments = try await services.sla.assess(scope: partnerID.map(SLAScope.partner) ?? .all, now: now, visibleToPartner: partnerID)
        var tiles = OverviewPage.SLATiles()
        for assessment in assessments {
            switch assessment.state {
            case .ok: tiles.ok += 1
            case .atRisk: tiles.atRisk += 1
            case .breached: tiles.breached += 1
            }
        }
        let overviews = try await services.tenants.overviews().filter { partnerID == nil || $0.tenant.partnerID == partnerID }
        tiles.unprotected = max(0, overviews.count - assessments.count)

        let health = try await services.jobs.health(tenantIDs: visible.map { $0.map(\.id) }, failedSince: now.addingTimeInterval(-86400))
        let queue = OverviewPage.Queue(
            failed: ConsoleFormat.count(health.failedRecently, cap: health.cap), hasFailures: health.failedRecently > 0,
            available: ConsoleFormat.count(health.available, cap: health.cap), running: ConsoleFormat.count(health.running, cap: health.cap),
            retryable: ConsoleFormat.count(health.retryable, cap: health.cap),
            oldestWait: health.oldestAvailableSince.map { ConsoleFormat.duration(seconds: now.timeIntervalSince($0)) })

        var fleet: OverviewPage.Fleet?
        if session.user.role.isStaff {
            let workers = try await services.workers.list(includeStopped: false).filter { now.timeIntervalSince($0.lastSeenAt) <= Self.workerAliveWindow }
            let leader = try await LeaderElector(client: services.client, candidateID: UUID(), ttl: .seconds(30), logger: services.logger).currentLeader()
            fleet = OverviewPage.Fleet(workersAlive: workers.count, slots: workers.reduce(0) { $0 + $1.concurrency },
                                       leader: leader.flatMap { $0.expiresAt > now ? "\($0.holderHost) (pid \($0.holderPID))" : nil } ?? "none")
        }

        let attention = assessments.filter { $0.state != .ok }.sortedWorstFirst().prefix(20).map { assessment in
            OverviewPage.Attention(
                tenantID: assessment.tenantID.uuidString.lowercased(), tenantName: assessment.tenantName, partnerName: assessment.partnerName ?? "—",
                state: assessment.state.rawValue, stateLabel: Self.label(assessment.state),
                reasons: assessment.reasons.map(Self.label).joined(separator: "; "),
                newest: assessment.newestSnapshotAt.map { "\(ConsoleFormat.time($0)) (\(ConsoleFormat.duration(seconds: now.timeIntervalSince($0))) ago)" }
                    ?? "none")
        }

        let page = OverviewPage(layout: ConsoleLayout(title: "Fleet overview", session: session), sla: tiles, queue: queue, fleet: fleet,
                                attention: Array(attention), hasAttention: !attention.isEmpty, credentials: Self.expiryHorizon(overviews, now: now))
        return renderer.page("overview", page)
    }

    /// Active tenants' soonest credential expiry in CIPP's buckets: expired, 0–7, 8–30, 31–90, over 90 days, none.
    static func expiryHorizon(_ overviews: [TenantOverview], now: Date) -> [OverviewPage.CredentialBucket] {
        var counts = [0, 0, 0, 0, 0, 0]
        for overview in overviews where overview.tenant.status != .offboarded {
            guard let expiry = overview.credentialExpiresAt else { counts[5] += 1; continue }
            let days = expiry.timeIntervalSince(now) / 86400
            switch days {
            case ..<0: counts[0] += 1
            case ..<8: counts[1] += 1
            case ..<31: counts[2] += 1
            case ..<91: counts[3] += 1
            default: counts[4] += 1
            }
        }
        let buckets: [(String, String)] = [("expired", "bad"), ("expire within 7 days", "bad"), ("within 8–30 days", "warn"),
                                           ("within 31–90 days", ""), ("in over 90 days", "ok"), ("without a credential", "")]
        return zip(buckets, counts).map { OverviewPage.CredentialBucket(label: $0.0.0, count: $0.1, tone: $0.0.1) }
    }

    static func label(_ state: SLAState) -> String {
        switch state {
        case .ok: "protected"
        case .atRisk: "at risk"
        case .breached: "breached"
        }
    }

    static func label(_ reason: SLAReason) -> String {
        switch reason {
        case .rpoExceeded: "newest snapshot older than the RPO"
        case .rpoNearlyExceeded: "newest snapshot past 80 % of the RPO"
        case .lastAttemptFailed: "last backup attempt failed"
        case .partialSnapshot: "newest snapshot is partial"
        case .noSnapshot: "no snapshot yet"
        }
    }
}
