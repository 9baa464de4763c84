import Foundation
import Graph
import Restore
import Vault

/// Users whose authentication methods changed since a date, from the tenant's directory audits
/// (`AuditLog.Read.All`): Entra logs every registration, change and deletion of security info
/// ("User registered security info", "Admin deleted security info", …) against the user.
///
/// Delta does not report a method registered on an unchanged user, and listing every user's
/// methods on every run costs one request per user (100,000 at 100,000 users, two minutes of
/// Graph's budget). With the audits an incremental backup lists exactly the users who changed;
/// without them (the permission is not granted) it falls back to the rotating sweep.
struct SecurityInfoAudits {
    let session: GraphSession

    /// The audits' lag: Entra writes an audit entry minutes after the change, so the window
    /// starts this long before the previous backup began.
    static let lag: TimeInterval = 3_600

    static func isSecurityInfoActivity(_ activity: String) -> Bool {
        let lowered = activity.lowercased()
        return lowered.contains("security info") || lowered.contains("authentication method")
    }

    /// The ids (lower-cased) of users the audits name for a security-info change since `since`.
    func users(since: Date) async throws -> Set<String> {
        var users = Set<String>()
        try await DirectoryAuditLog(session: self.session).forEachEntry(since: since.addingTimeInterval(-Self.lag)) { entry in
            guard let activity = entry["activityDisplayName"]?.stringValue, Self.isSecurityInfoActivity(activity) else { return }
            for target in entry["targetResources"]?.arrayValue ?? [] where target["type"]?.stringValue?.lowercased() == "user" {
                if let id = target["id"]?.stringValue, !id.isEmpty { users.insert(id.lowercased()) }
            }
        }
        return users
    }
}
