import Foundation
import HoldfastTesting
import Logging
import Testing
@testable import API

/// An API request's Graph requests and SQL statements log with its `request.id`.
@Suite struct APILogContextTests {
    @Test("planning a restore over the API logs every Graph and SQL line with the request's id")
    func restorePlanLinesCarryTheRequestID() async throws {
        let capture = LogCapture()
        // Everything is built with the "process" logger; a request's lines must still carry its id.
        try await RestoreAPIHarness.run(logger: capture.logger(label: "process")) { harness, fixture in
            let contoso = try harness.tenantID("contoso")
            let before = try await harness.backup("contoso", fixture: fixture)
            capture.removeAll()
            let created = try await fixture.send("POST", "/v1/tenants/\(contoso.uuidString.lowercased())/restores", json: """
                {"snapshot_id": \(before.id), "types": ["conditionalAccessPolicy"]}
                """)
            #expect(created.status == 201, "\(created.text.prefix(300))")
            let requestID = try #require(created.raw.header("X-Request-Id"))
            let lines = capture.records.filter {
                $0.message.hasPrefix("PostgreSQL") || $0.message.hasPrefix("HTTP request") || $0.message.hasPrefix("Graph")
            }
            #expect(lines.contains { $0.message == "PostgreSQL statement" })
            #expect(lines.contains { $0.message == "Graph request" })
            for line in lines {
                #expect(line["request.id"] == requestID, "\(line.message) \(line.metadata)")
            }
            let planned = try #require(capture.records.first { $0.message == "restore planned through the API" })
            #expect(planned["request.id"] == requestID && planned["api_key.id"] != nil)
            #expect(planned["tenant.id"] == contoso.uuidString.lowercased())
        }
    }
}
