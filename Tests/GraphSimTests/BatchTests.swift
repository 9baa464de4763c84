import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

@Suite("JSON batching")
struct BatchTests {
    static func part(_ id: String, _ method: String, _ url: String, body: JSONValue? = nil, dependsOn: [String] = []) -> JSONValue {
        var object: JSONObject = ["id": .string(id), "method": .string(method), "url": .string(url)]
        if let body {
            object["body"] = body
            object["headers"] = ["Content-Type": "application/json"]
        }
        if !dependsOn.isEmpty { object["dependsOn"] = .strings(dependsOn) }
        return .object(object)
    }

    @Test("parts answer with their own status, dependsOn orders them, a failed dependency gives 424")
    func dependencies() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let batch: JSONValue = ["requests": [
                Self.part("1", "GET", "/users?$top=2&$select=id,displayName"),
                Self.part("2", "POST", "/groups", body: ["displayName": "Batch group", "mailEnabled": false,
                                                         "mailNickname": "batchgroup", "securityEnabled": true]),
                Self.part("3", "GET", "/users/00000000-0000-0000-0000-000000000404"),
                Self.part("4", "GET", "/groups?$top=1", dependsOn: ["3"]),
                Self.part("5", "GET", "https://graph.microsoft.com/v1.0/organization", dependsOn: ["1"]),
                Self.part("6", "PUT", "/users"),
            ]]
            let response = try await session.send("POST", "/$batch", json: batch)
            #expect(response.status == 200)
            let parts = Dictionary(try response.json()["responses"]?.arrayValue?.map { ($0["id"]?.stringValue ?? "", $0) } ?? [],
                                   uniquingKeysWith: { first, _ in first })
            #expect(parts.count == 6)
            #expect(parts["1"]?["status"]?.intValue == 200)
            #expect(parts["1"]?["body"]?.items.count == 2)
            #expect(parts["1"]?["headers"]?["x-ms-resource-unit"]?.stringValue == "1")
            #expect(parts["2"]?["status"]?.intValue == 201)
            #expect(parts["3"]?["status"]?.intValue == 404)
            #expect(parts["3"]?["body"]?["error"]?["code"]?.stringValue == "Request_ResourceNotFound")
            #expect(parts["4"]?["status"]?.intValue == 424)
            #expect(parts["5"]?["status"]?.intValue == 200)
            #expect(parts["6"]?["status"]?.intValue == 405)
            #expect(parts["6"]?["body"]?["error"]?["code"]?.stringValue == "Request_BadRequest")
            // Each part is in the request log as its own request.
            let records = fixture.tenant.requestLog.records().filter { $0.batchPartId != nil }
            #expect(Set(records.compactMap(\.batchPartId)) == ["1", "2", "3", "5", "6"])
        }
    }

    @Test("malformed batches are refused whole: more than 20, duplicate ids, a body without Content-Type")
    func malformed() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let twentyOne: JSONValue = ["requests": .array((1...21).map { Self.part(String($0), "GET", "/users?$top=1") })]
            #expect(try await session.send("POST", "/$batch", json: twentyOne).status == 400)
            let twenty: JSONValue = ["requests": .array((1...20).map { Self.part(String($0), "GET", "/users?$top=1") })]
            #expect(try await session.send("POST", "/$batch", json: twenty).status == 200)
            let duplicates: JSONValue = ["requests": [Self.part("1", "GET", "/users"), Self.part("1", "GET", "/groups")]]
            #expect(try await session.send("POST", "/$batch", json: duplicates).status == 400)
            let noContentType: JSONValue = ["requests": [["id": "1", "method": "POST", "url": "/groups", "body": ["displayName": "x"]]]]
            #expect(try await session.send("POST", "/$batch", json: noContentType).status == 400)
            let unknownDependency: JSONValue = ["requests": [Self.part("1", "GET", "/users", dependsOn: ["9"])]]
            #expect(try await session.send("POST", "/$batch", json: unknownDependency).status == 400)
        }
    }

    @Test("parts are throttled one by one with their own Retry-After")
    func perPartThrottling() async throws {
        try await TestSupport.withFixture(throttling: true, scale: 0.003) { fixture in
            let session = try await fixture.session()
            let batch: JSONValue = ["requests": .array((1...20).map { Self.part(String($0), "GET", "/users") })]
            let response = try await session.send("POST", "/$batch", json: batch)
            #expect(response.status == 200)
            let parts = try response.json()["responses"]?.arrayValue ?? []
            let throttled = parts.filter { $0["status"]?.intValue == 429 }
            let succeeded = parts.filter { $0["status"]?.intValue == 200 }
            #expect(!throttled.isEmpty)
            #expect(!succeeded.isEmpty)
            for part in throttled {
                #expect(Double(part["headers"]?["Retry-After"]?.stringValue ?? "") != nil)
                #expect(part["body"]?["error"]?["code"]?.stringValue == "TooManyRequests")
            }
        }
    }
}
