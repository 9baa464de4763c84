import Foundation
@testable import Graph
import GraphSimTesting
import HTTP
import Testing

/// The bearer token goes only to the configured Graph endpoint: links from responses that name any
/// other scheme, host or port are refused before a request is made (review F2).
@Suite("Graph links to other hosts")
struct GraphLinkTrustTests {
    /// Links to a second listener that records whatever reaches it: another port, another host
    /// name for the same machine, user info that hides the real host, a scheme change.
    static func foreignLinks(graph: String, foreign: String) -> [String] {
        let graphAuthority = graph.dropFirst("http://".count)
        let foreignAuthority = foreign.dropFirst("http://".count)
        let foreignPort = foreign.split(separator: ":").last!
        return [
            foreign + "/v1.0/users?$skiptoken=steal",
            "http://localhost:\(foreignPort)/v1.0/users?$skiptoken=steal",
            "http://\(graphAuthority)@\(foreignAuthority)/v1.0/users?$skiptoken=steal",
            "https://\(graphAuthority)/v1.0/users?$skiptoken=steal",
            "HTTP://\(foreignAuthority)/v1.0/users",
        ]
    }

    @Test func aNextLinkToAnotherHostIsRefusedAndNothingIsSentThere() async throws {
        try await StubUpstream.withRunning(respond: { _ in StubResponse(status: 200) }) { foreign in
            for index in 0..<5 {
                try await StubGraphHarness.run(respond: { request, base in
                    guard request.path == "/v1.0/users" else { return nil }
                    let link = Self.foreignLinks(graph: base, foreign: foreign.baseURL)[index]
                    return .json(#"{"value":[{"id":"1"}],"@odata.nextLink":"\#(link)"}"#)
                }) { harness in
                    var pages = 0
                    do {
                        for try await _ in harness.session().pages("/users") { pages += 1 }
                        Issue.record("a foreign nextLink was followed")
                    } catch let error as GraphError {
                        #expect(error.code == .untrustedURL)
                        #expect(error.message.contains("not the configured Graph endpoint"))
                    }
                    #expect(pages == 1)
                    #expect(harness.graphRequests.count == 1)
                }
            }
            #expect(foreign.requests.isEmpty, "requests reached the foreign listener: \(foreign.requests.map(\.target))")
            #expect(foreign.requests.allSatisfy { $0.authorization == nil })
        }
    }

    @Test func theRefusalNamesTheForeignHost() async throws {
        try await StubUpstream.withRunning(respond: { _ in StubResponse(status: 200) }) { foreign in
            try await StubGraphHarness.run(respond: { request, _ in
                guard request.path == "/v1.0/users" else { return nil }
                return .json(#"{"value":[],"@odata.nextLink":"http://localhost:\#(foreign.port)/v1.0/users"}"#)
            }) { harness in
                let error = await #expect(throws: GraphError.self) {
                    for try await _ in harness.session().pages("/users") {}
                }
                #expect(error?.message.contains("localhost:\(foreign.port)") == true)
            }
            #expect(foreign.requests.isEmpty)
        }
    }

    @Test func aDeltaLinkToAnotherHostIsRefusedBeforeItCanBeSaved() async throws {
        try await StubUpstream.withRunning(respond: { _ in StubResponse(status: 200) }) { foreign in
            try await StubGraphHarness.run(respond: { request, _ in
                guard request.path == "/v1.0/users/delta" else { return nil }
                return .json(#"{"value":[],"@odata.deltaLink":"\#(foreign.baseURL)/v1.0/users/delta?$deltatoken=x"}"#)
            }) { harness in
                await #expect(throws: GraphError(code: .untrustedURL, message: "")) {
                    _ = try await harness.session().deltaRound(.initial(collection: "/users")) { _ in }
                }
            }
            #expect(foreign.requests.isEmpty)
        }
    }

    @Test func aGoneLocationOnAnotherHostIsRefused() async throws {
        try await StubUpstream.withRunning(respond: { _ in StubResponse(status: 200) }) { foreign in
            try await StubGraphHarness.run(respond: { request, _ in
                guard request.path == "/v1.0/users/delta" else { return nil }
                return .json(#"{"error":{"code":"Gone","message":"token expired"}}"#, status: 410,
                             headers: [("Location", foreign.baseURL + "/v1.0/users/delta?$deltatoken=")])
            }) { harness in
                await #expect(throws: GraphError(code: .untrustedURL, message: "")) {
                    _ = try await harness.session().deltaRound(.deltaLink(harness.upstream.baseURL + "/v1.0/users/delta?$deltatoken=old")) { _ in }
                }
            }
            #expect(foreign.requests.isEmpty)
        }
    }

    @Test func aStoredDeltaLinkToAnotherHostIsNeverRequested() async throws {
        try await StubUpstream.withRunning(respond: { _ in StubResponse(status: 200) }) { foreign in
            try await StubGraphHarness.run(respond: { _, _ in nil }) { harness in
                await #expect(throws: GraphError(code: .untrustedURL, message: "")) {
                    _ = try await harness.session().deltaRound(.deltaLink(foreign.baseURL + "/v1.0/users/delta?$deltatoken=x")) { _ in }
                }
                #expect(harness.graphRequests.isEmpty)
            }
            #expect(foreign.requests.isEmpty)
        }
    }

    @Test func linksOnTheGraphEndpointAreFollowed() async throws {
        try await StubGraphHarness.run(respond: { request, base in
            switch request.target {
            case "/v1.0/users": .json(#"{"value":[{"id":"1"}],"@odata.nextLink":"\#(base)/v1.0/users?$skiptoken=2"}"#)
            // A scheme in capitals names the same endpoint.
            case "/v1.0/users?$skiptoken=2":
                .json(#"{"value":[{"id":"2"}],"@odata.nextLink":"\#(base.uppercased())/v1.0/users?$skiptoken=3"}"#)
            case "/v1.0/users?$skiptoken=3": .json(#"{"value":[{"id":"3"}]}"#)
            default: nil
            }
        }) { harness in
            var ids: [String] = []
            for try await page in harness.session().pages("/users") { ids += page.items.compactMap { $0["id"]?.stringValue } }
            #expect(ids == ["1", "2", "3"])
            #expect(harness.graphRequests.allSatisfy { $0.authorization == "Bearer stub-access-token" })
        }
    }

    @Test func theEndpointAcceptsOnlyItsOwnOriginAndVersionRoot() throws {
        let endpoint = try GraphEndpoint(baseURL: "https://graph.microsoft.com/v1.0")
        #expect(try endpoint.url(for: "/users?$top=5") == "https://graph.microsoft.com/v1.0/users?$top=5")
        #expect(try endpoint.url(for: "https://graph.microsoft.com/v1.0/users?$skiptoken=x")
                == "https://graph.microsoft.com/v1.0/users?$skiptoken=x")
        #expect(try endpoint.url(for: "https://GRAPH.microsoft.com:443/v1.0/users") == "https://graph.microsoft.com/v1.0/users")
        for refused in [
            "http://graph.microsoft.com/v1.0/users",                // downgrade
            "https://graph.microsoft.com:8443/v1.0/users",          // other port
            "https://graph.microsoft.com.evil.test/v1.0/users",     // suffix
            "https://evil.test/v1.0/users",
            "https://graph.microsoft.com@evil.test/v1.0/users",     // user info hides the host
            "https://evil.test\\@graph.microsoft.com/v1.0/users",   // parser confusion
            "https://graph.microsoft.com/beta/users",               // outside the version root
            "https://graph.microsoft.com/v1.0/../beta/users",
            "https://graph.microsoft.com/v1.0/users\r\nHost: evil.test",
            "/users/../../x",
        ] {
            #expect(throws: GraphError.self, "\(refused)") { try endpoint.url(for: refused) }
        }
        // Plain http only to loopback (a local graph-sim).
        #expect(throws: GraphError.self) { try GraphEndpoint(baseURL: "http://graph.example.test/v1.0") }
        #expect(throws: GraphError.self) { try GraphEndpoint(baseURL: "https://user:pw@graph.microsoft.com/v1.0") }
        _ = try GraphEndpoint(baseURL: "http://127.0.0.1:8080/v1.0")
        _ = try GraphEndpoint(baseURL: "http://localhost:8080/v1.0")
        _ = try GraphEndpoint(baseURL: "http://[::1]:8080/v1.0")
    }
}
