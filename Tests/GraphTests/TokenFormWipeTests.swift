import Foundation
@testable import Graph
import HTTP
import Testing

/// The token request's form holds the client secret: after it is sent, the bytes handed to the
/// transport are overwritten where they are, not a copy of them (review F12).
@Suite("Token form wiping")
struct TokenFormWipeTests {
    /// Where a body's bytes live, and whether they are all zero.
    static func storage(of body: [UInt8]?) -> (address: UInt, zeroed: Bool)? {
        body?.withUnsafeBytes { (UInt(bitPattern: $0.baseAddress), $0.allSatisfy { $0 == 0 }) }
    }

    @Test func theFormSentThroughTheHTTPClientIsWipedInPlace() async throws {
        try await GraphSimHarness.run { harness in
            let secret = harness.fixture.secret.value
            let form = "client_id=\(harness.fixture.application.clientId)&client_secret=\(FormEncoding.escape(secret))"
                + "&grant_type=client_credentials&scope=\(FormEncoding.escape("https://graph.microsoft.com/.default"))"
            let url = "\(harness.client.configuration.loginBaseURL)/\(harness.fixture.tenant.id)/oauth2/v2.0/token"
            var request = HTTPRequest(method: .post, url: url, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                      body: Array(form.utf8))
            let before = try #require(Self.storage(of: request.body))
            #expect(!before.zeroed)
            let response = try await GraphTokenProvider.sendWiping(&request, transport: harness.transport.inner, logger: harness.logger)
            #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
            let after = try #require(Self.storage(of: request.body))
            // Same storage: nothing else held the bytes when they were wiped, so no copy was wiped instead.
            #expect(after.address == before.address)
            #expect(after.zeroed)
        }
    }
}
