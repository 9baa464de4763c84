/// What the layout template shows around every page: the title, the stylesheet, and for a
/// signed-in viewer the navigation and the sign-out form.
struct ConsoleLayout {
    struct Viewer {
        var username: String
        var roleLabel: String
        var formToken: String
        /// Staff (not partner users) get the fleet-wide pages in the navigation.
        var isStaff: Bool
    }

    var title: String
    var stylesheet = ConsoleRenderer.stylesheetPath
    var icon = ConsoleRenderer.faviconPath
    var viewer: Viewer?
    var notice: String?

    /// `session` shows navigation only once signed in (not between password and code).
    init(title: String, session: ConsoleSession?, notice: String? = nil) {
        self.title = title
        self.notice = notice
        if let session, session.stage == .active {
            viewer = Viewer(username: session.user.username, roleLabel: session.user.role.rawValue, formToken: session.formToken, isStaff: session.user.role.isStaff)
        }
    }
}
