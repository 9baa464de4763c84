import Audit
import Cryptography
import Foundation
import Hummingbird
import API

/// Sign-in: password, then a TOTP code (or, the first time, enrolment of an authenticator), then
/// a fresh session; and sign-out.
extension OperatorConsole {
    struct SignInPage {
        var layout: ConsoleLayout
        var error: String?
        var username: String
    }

    struct CodePage {
        var layout: ConsoleLayout
        var error: String?
        var username: String
        var formToken: String
    }

    struct EnrolPage {
        var layout: ConsoleLayout
        var error: String?
        var username: String
        var formToken: String
        var secret: String
        var uri: String
    }

    /// Fixed texts the sign-in page shows for `?notice=`; anything else shows nothing.
    static let notices = [
        "expired": "Your session ended (idle too long, or signed out elsewhere). Sign in again.",
        "signed-out": "You are signed out.",
    ]

    static let wrongCredentials = "The user name or password is wrong."

    func addSignInRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("sign-in") { request, _ in
            let notice = try parameter(request, "notice", maxLength: 20).flatMap { Self.notices[$0] }
            return renderer.page("sign-in", SignInPage(layout: ConsoleLayout(title: "Sign in", session: nil, notice: notice), username: ""))
        }
        group.post("sign-in") { request, _ in try await signIn(request) }
        group.get("sign-in/code") { request, _ in
            let session = try await halfSignedIn(request)
            guard session.user.totpEnrolled else { throw ConsoleRedirect(location: "/console/enrol") }
            return codePage(session, error: nil)
        }
        group.post("sign-in/code") { request, _ in try await submitCode(request) }
        group.get("enrol") { request, _ in
            let session = try await halfSignedIn(request)
            guard !session.user.totpEnrolled else { throw ConsoleRedirect(location: "/console/sign-in/code") }
            return try await enrolPage(session, error: nil)
        }
        group.post("enrol") { request, _ in try await confirmEnrolment(request) }
        group.post("sign-out") { request, _ -> Response in
            guard let token = cookies.token(in: request),
                  let session = try await sessions.session(token: token, idleTimeout: configuration.idleTimeout, now: now()) else {
                throw ConsoleRedirect(location: "/console/sign-in?notice=expired", clearsSession: true)
            }
            _ = try await postedForm(request, session: session)
            try await sessions.end(token: token)
            try await services.client.withTransaction { connection in
                try await AuditLog.record(actor: session.user.actor, action: "console.sign_out", partnerID: session.user.partnerID,
                                          details: ["username": session.user.username], on: connection)
            }
            throw ConsoleRedirect(location: "/console/sign-in?notice=signed-out", clearsSession: true)
        }
    }

    private func signInPage(_ error: String, username: String, status: HTTPResponse.Status) -> Response {
        let shown = ConsoleUserStore.normalisedUsername(username) ?? ""
        return renderer.page("sign-in", SignInPage(layout: ConsoleLayout(title: "Sign in", session: nil), error: error, username: shown), status: status)
    }

    private func lockedMessage(_ until: Date) -> String {
        "Too many failed attempts: this user is locked out until \(ConsoleFormat.time(until)). An operator can lift it sooner with 'holdfast users reset'."
    }

    private func signIn(_ request: Request) async throws -> Response {
        let form = try await postedForm(request, session: nil)
        let username = form["username"] ?? ""
        let password = form["password"] ?? ""
        guard !username.isEmpty, !password.isEmpty else {
            return signInPage("Enter your user name and password.", username: username, status: .badRequest)
        }
        guard password.utf8.count <= PasswordHasher.maximumPasswordBytes else {
            return signInPage(Self.wrongCredentials, username: username, status: .unauthorized)
        }
        let now = now()
        guard let user = try await users.user(named: username), user.disabledAt == nil else {
            // As slow as a real check, and the same answer: no way to tell which names exist.
            try await users.hasher.wasteEquivalentTime(password)
            try await users.recordUnknownUser(username)
            return signInPage(Self.wrongCredentials, username: username, status: .unauthorized)
        }
        if let until = user.lockedUntil, until > now {
            try await refuse(nil, request: request, reason: "user locked out", details: ["username": user.username])
            return signInPage(lockedMessage(until), username: username, status: .tooManyRequests)
        }
        guard try await users.hasher.verify(password, against: user.passwordHash) else {
            let locked = try await users.recordFailure(user, reason: "wrong password", threshold: configuration.lockoutThreshold,
                                                       lockFor: configuration.lockoutDuration, now: now)
            return signInPage(locked.map(lockedMessage) ?? Self.wrongCredentials, username: username,
                              status: locked == nil ? .unauthorized : .tooManyRequests)
        }
        if let previous = cookies.token(in: request) { try await sessions.end(token: previous) }
        let session = try await sessions.create(user: user, stage: .password, lifetime: configuration.secondFactorTimeout,
                                                userAgent: request.headers[.userAgent] ?? "", now: now)
        var response = Response(status: .seeOther, headers: [.location: user.totpEnrolled ? "/console/sign-in/code" : "/console/enrol"])
        response.setCookie(cookies.session(session.token))
        return response
    }

    /// The session between password and code; otherwise back to the sign-in page.
    private func halfSignedIn(_ request: Request) async throws -> ConsoleSession {
        guard let token = cookies.token(in: request) else { throw ConsoleRedirect(location: "/console/sign-in") }
        guard let session = try await sessions.session(token: token, idleTimeout: configuration.idleTimeout, now: now()) else {
            throw ConsoleRedirect(location: "/console/sign-in?notice=expired", clearsSession: true)
        }
        guard session.stage == .password else { throw ConsoleRedirect(location: "/console") }
        return session
    }

    private func codePage(_ session: ConsoleSession, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        renderer.page("totp", CodePage(layout: ConsoleLayout(title: "Authentication code", session: session), error: error,
                                       username: session.user.username, formToken: session.formToken), status: status)
    }

    private func enrolPage(_ session: ConsoleSession, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let secret = try await users.pendingTOTPSecret(for: session.user)
        let totp = TOTP(secret: secret)
        return renderer.page("enrol", EnrolPage(layout: ConsoleLayout(title: "Set up your authenticator", session: session), error: error,
                                                username: session.user.username, formToken: session.formToken, secret: Base32.encode(secret),
                                                uri: totp.provisioningURI(issuer: "Holdfast", account: session.user.username)), status: status)
    }

    /// A code as typed: spaces and dashes some apps show are dropped.
    private func typedCode(_ form: ConsoleForm) -> String {
        String((form["code"] ?? "").filter { $0 != " " && $0 != "-" }.prefix(16))
    }

    /// A wrong code: counted toward the lockout, which also ends the half-made session.
    private func wrongCode(_ session: ConsoleSession, reason: String, message: String, enrolling: Bool) async throws -> Response {
        if let until = try await users.recordFailure(session.user, reason: reason, threshold: configuration.lockoutThreshold,
                                                     lockFor: configuration.lockoutDuration, now: now()) {
            try await sessions.end(token: session.token)
            var response = signInPage(lockedMessage(until), username: session.user.username, status: .tooManyRequests)
            response.setCookie(cookies.cleared())
            return response
        }
        return enrolling ? try await enrolPage(session, error: message, status: .unauthorized)
                         : codePage(session, error: message, status: .unauthorized)
    }

    private func submitCode(_ request: Request) async throws -> Response {
        let session = try await halfSignedIn(request)
        let form = try await postedForm(request, session: session)
        guard let secret = session.user.totpSecret else { throw ConsoleRedirect(location: "/console/enrol") }
        let now = now()
        if let until = session.user.lockedUntil, until > now {
            try await sessions.end(token: session.token)
            throw ConsoleRedirect(location: "/console/sign-in", clearsSession: true)
        }
        guard let step = TOTP(secret: secret).matchingStep(typedCode(form), at: now) else {
            return try await wrongCode(session, reason: "wrong code", message: "That code is not right. Check the device's clock and use the code shown now.",
                                       enrolling: false)
        }
        guard try await users.useTOTPStep(for: session.user, step: step) else {
            return try await wrongCode(session, reason: "replayed code", message: "That code was used already. Wait for the next code and enter it.",
                                       enrolling: false)
        }
        return try await completeSignIn(session, request: request)
    }

    private func confirmEnrolment(_ request: Request) async throws -> Response {
        let session = try await halfSignedIn(request)
        let form = try await postedForm(request, session: session)
        guard !session.user.totpEnrolled else { throw ConsoleRedirect(location: "/console/sign-in/code") }
        guard let pending = session.user.pendingTOTPSecret else { throw ConsoleRedirect(location: "/console/enrol") }
        guard let step = TOTP(secret: pending).matchingStep(typedCode(form), at: now()) else {
            return try await wrongCode(session, reason: "wrong enrolment code",
                                       message: "That code is not right. Check that the app has the secret above and the device's clock is correct.",
                                       enrolling: true)
        }
        guard try await users.confirmTOTP(for: session.user, step: step) else { throw ConsoleRedirect(location: "/console/sign-in/code") }
        return try await completeSignIn(session, request: request)
    }

    /// Replaces the half-made session with a signed-in one (a new id: a session id seen before
    /// sign-in is never the signed-in one).
    private func completeSignIn(_ session: ConsoleSession, request: Request) async throws -> Response {
        try await sessions.end(token: session.token)
        let active = try await sessions.create(user: session.user, stage: .active, lifetime: configuration.absoluteTimeout,
                                               userAgent: request.headers[.userAgent] ?? "", now: now())
        try await users.recordSignIn(session.user)
        var response = Response(status: .seeOther, headers: [.location: "/console"])
        response.setCookie(cookies.session(active.token))
        return response
    }
}
