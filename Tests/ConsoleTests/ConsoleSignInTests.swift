import Cryptography
import Foundation
import GraphSimTesting
import Testing
@testable import Console

/// Password, TOTP enrolment and codes, sessions, lockout: each bad input gets a clear page and an
/// audit entry, and changes nothing.
@Suite struct ConsoleSignInTests {
    @Test func signInEnrolsTOTPAndSetsAStrictCookie() async throws {
        try await ConsoleFixture.run { fixture in
            let browser = fixture.browser()
            let signInPage = try await browser.get("/console/sign-in")
            #expect(signInPage.status == 200 && signInPage.text.contains("<form"))
            let first = try await browser.post("/console/sign-in", [("username", "olive"), ("password", fixture.passwords[.operatorUser]!)])
            #expect(first.status == 303 && first.header("Location") == "/console/enrol")
            let cookie = first.header("Set-Cookie") ?? ""
            #expect(cookie.hasPrefix("holdfast-console=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/console"),
                    "\(cookie)")
            #expect(!cookie.contains("Secure"), "plain HTTP origin: no Secure attribute")
            // Half signed in: pages are not reachable yet.
            let early = try await browser.get("/console/tenants")
            #expect(early.status == 303 && early.header("Location") == "/console/enrol")
            let enrol = try await browser.get("/console/enrol")
            #expect(enrol.text.contains("otpauth://totp/Holdfast:olive?secret="))
            let signedIn = fixture.browser()
            try await signedIn.signIn("olive", password: fixture.passwords[.operatorUser]!, clock: fixture.clock)
            let overview = try await signedIn.get("/console")
            #expect(overview.status == 200 && overview.text.contains("Fleet overview") && overview.text.contains("olive"), "\(overview.text.prefix(300))")
            #expect(try await fixture.audit("console.sign_in").count == 1)
            #expect(try await fixture.audit("console.totp.enrol").count == 1)
            // Second sign-in: the code step, with the secret enrolled the first time.
            let again = fixture.browser()
            try await again.signIn("olive", password: fixture.passwords[.operatorUser]!, clock: fixture.clock)
            #expect(try await again.get("/console/jobs").status == 200)
            // Sign-out ends the session server-side: the old cookie no longer works.
            let oldCookie = again.cookie
            let jobs = try await again.get("/console/jobs")
            let out = try await again.post("/console/sign-out", [("form_token", ConsoleBrowser.formToken(in: jobs.text) ?? "")])
            #expect(out.status == 303 && out.header("Location") == "/console/sign-in?notice=signed-out")
            let replay = fixture.browser()
            replay.cookie = oldCookie
            let after = try await replay.get("/console/jobs")
            #expect(after.status == 303 && after.header("Location") == "/console/sign-in?notice=expired")
            #expect(try await fixture.audit("console.sign_out").count == 1)
        }
    }

    @Test func wrongPasswordsLockTheUserOutAndAreAudited() async throws {
        try await ConsoleFixture.run { fixture in
            let browser = fixture.browser()
            for attempt in 1...4 {
                let wrong = try await browser.post("/console/sign-in", [("username", "rita"), ("password", "not-it-\(attempt)")])
                #expect(wrong.status == 401 && wrong.text.contains("The user name or password is wrong."))
                #expect(wrong.header("Set-Cookie") == nil)
            }
            let fifth = try await browser.post("/console/sign-in", [("username", "rita"), ("password", "not-it-5")])
            #expect(fifth.status == 429 && fifth.text.contains("locked out until"))
            // Locked: even the right password is refused, without checking it.
            let right = try await browser.post("/console/sign-in", [("username", "rita"), ("password", fixture.passwords[.readOnly]!)])
            #expect(right.status == 429 && right.header("Set-Cookie") == nil)
            #expect(try await fixture.audit("console.sign_in.failed").count == 5)
            #expect(try await fixture.audit("console.user.locked").count == 1)
            #expect(try await fixture.audit("console.request.refused").contains { $0.details["reason"] == "user locked out" })
            // An unknown name gets the same answer, and is audited too.
            let unknown = try await browser.post("/console/sign-in", [("username", "mallory"), ("password", "guess")])
            #expect(unknown.status == 401 && unknown.text.contains("The user name or password is wrong."))
            #expect(try await fixture.audit("console.sign_in.failed").contains { $0.details["username"] == "mallory" })
            // After the lockout, the right password works again.
            fixture.clock.advance(seconds: 15 * 60 + 1)
            let later = fixture.browser()
            try await later.signIn("rita", password: fixture.passwords[.readOnly]!, clock: fixture.clock)
            #expect(try await later.get("/console").status == 200)
        }
    }

    @Test func wrongReplayedAndExpiredCodesAreRefused() async throws {
        try await ConsoleFixture.run { fixture in
            let first = fixture.browser()
            try await first.signIn("olive", password: fixture.passwords[.operatorUser]!, clock: fixture.clock)
            let secret = first.secrets["olive"]!
            // The code that was just used (one step back, inside the drift window) cannot be used again.
            let browser = fixture.browser()
            _ = try await browser.post("/console/sign-in", [("username", "olive"), ("password", fixture.passwords[.operatorUser]!)])
            var page = try await browser.get("/console/sign-in/code")
            let replayed = TOTP(secret: secret).code(at: fixture.clock.now.addingTimeInterval(-30))!
            let replay = try await browser.post("/console/sign-in/code", [("form_token", ConsoleBrowser.formToken(in: page.text)!), ("code", replayed)])
            #expect(replay.status == 401 && replay.text.contains("used already"), "\(replay.text.prefix(300))")
            // A code from ten minutes ago is outside the window.
            page = try await browser.get("/console/sign-in/code")
            let old = TOTP(secret: secret).code(at: fixture.clock.now.addingTimeInterval(-600))!
            let expired = try await browser.post("/console/sign-in/code", [("form_token", ConsoleBrowser.formToken(in: page.text)!), ("code", old)])
            #expect(expired.status == 401 && expired.text.contains("not right"))
            let garbage = try await browser.post("/console/sign-in/code", [("form_token", ConsoleBrowser.formToken(in: page.text)!), ("code", "<b>12</b>")])
            #expect(garbage.status == 401 && !garbage.text.contains("<b>12</b>"))
            #expect(try await browser.get("/console").status == 303, "still not signed in")
            let failures = try await fixture.audit("console.sign_in.failed").map { $0.details["reason"] ?? "" }
            #expect(failures.contains("replayed code") && failures.contains("wrong code"))
            // The current code works.
            let current = TOTP(secret: secret).code(at: fixture.clock.now)!
            let good = try await browser.post("/console/sign-in/code", [("form_token", ConsoleBrowser.formToken(in: page.text)!), ("code", current)])
            #expect(good.status == 303 && good.header("Location") == "/console")
        }
    }

    @Test func sessionsEndWhenIdleAndAtTheirAbsoluteExpiry() async throws {
        try await ConsoleFixture.run { fixture in
            let browser = try await fixture.signedIn(.operatorUser)
            fixture.clock.advance(seconds: 29 * 60)
            #expect(try await browser.get("/console").status == 200)
            fixture.clock.advance(seconds: 31 * 60)
            let idle = try await browser.get("/console")
            #expect(idle.status == 303 && idle.header("Location") == "/console/sign-in?notice=expired")
            let notice = try await browser.get("/console/sign-in?notice=expired")
            #expect(notice.text.contains("Your session ended"))

            let busy = try await fixture.signedIn(.operatorUser)
            for _ in 0..<(12 * 3) {
                #expect(try await busy.get("/console/tenants").status == 200)
                fixture.clock.advance(seconds: 20 * 60)
            }
            let absolute = try await busy.get("/console/tenants")
            #expect(absolute.status == 303 && absolute.header("Location") == "/console/sign-in?notice=expired")
        }
    }

    @Test func disablingAndResettingUsersEndTheirSessions() async throws {
        try await ConsoleFixture.run { fixture in
            let browser = try await fixture.signedIn(.readOnly)
            let oldSecret = try #require(browser.secrets["rita"])
            try await fixture.console.users.disable(username: "rita", actor: "test")
            #expect(try await browser.get("/console").status == 303)
            let refused = try await browser.post("/console/sign-in", [("username", "rita"), ("password", fixture.passwords[.readOnly]!)])
            #expect(refused.status == 401)
            let issued = try await fixture.console.users.reset(username: "rita", actor: "test")
            #expect(issued.password != fixture.passwords[.readOnly])
            let fresh = fixture.browser()
            // Reset clears TOTP: the next sign-in enrols again.
            try await fresh.signIn("rita", password: issued.password, clock: fixture.clock)
            #expect(fresh.secrets["rita"] != nil && fresh.secrets["rita"] != oldSecret)
            #expect(try await fixture.audit("console.user.disable").count == 1)
            #expect(try await fixture.audit("console.user.reset").count == 1)
            await #expect(throws: ConsoleError.self) { try await fixture.console.users.add(username: "Rita", role: .operator, partnerID: nil, actor: "test") }
            await #expect(throws: ConsoleError.self) { try await fixture.console.users.add(username: "-x", role: .operator, partnerID: nil, actor: "test") }
            await #expect(throws: ConsoleError.self) { try await fixture.console.users.add(username: "pat", role: .partner, partnerID: nil, actor: "test") }
            await #expect(throws: ConsoleError.self) { try await fixture.console.users.add(username: "pat", role: .partner, partnerID: UUID(), actor: "test") }
        }
    }
}
