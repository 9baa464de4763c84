import Foundation
import Restore
import Testing
import Yams
@testable import API

/// docs/openapi.yaml describes exactly the router's routes, methods and access.
@Suite struct OpenAPISpecTests {
    /// `METHOD /path` → `x-holdfast-access` of every operation under the spec's `paths:` (read with Yams;
    /// an operation without the extension maps to "").
    static func operations(in text: String) throws -> [String: String] {
        let document = try #require(try Yams.load(yaml: text) as? [String: Any], "the spec is not a YAML mapping")
        let paths = try #require(document["paths"] as? [String: Any], "the spec has no paths")
        var operations: [String: String] = [:]
        for (path, item) in paths {
            let item = try #require(item as? [String: Any], "\(path) is not a mapping")
            for method in ["get", "post", "put", "patch", "delete"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                operations["\(method.uppercased()) \(path)"] = operation["x-holdfast-access"] as? String ?? ""
            }
        }
        return operations
    }

    static func specText() throws -> String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("docs/openapi.yaml")
            if FileManager.default.fileExists(atPath: candidate.path) { return try String(contentsOf: candidate, encoding: .utf8) }
            directory.deleteLastPathComponent()
        }
        throw TestFailure("docs/openapi.yaml not found above \(#filePath)")
    }

    @Test func theSpecDescribesEveryRouteAndNothingElse() async throws {
        try await APIFixture.run { fixture in
            let spec = try Self.operations(in: try Self.specText())
            var routes: [String: String] = [:]
            for route in fixture.server.routes.all {
                let access = switch route.access {
                case .anonymous: "anonymous"
                case .staff: "staff"
                case .tenant: "tenant"
                case .partner: "partner"
                }
                routes[route.signature] = access
            }
            let missing = Set(routes.keys).subtracting(spec.keys).sorted()
            let extra = Set(spec.keys).subtracting(routes.keys).sorted()
            #expect(missing.isEmpty, "routes missing from docs/openapi.yaml: \(missing)")
            #expect(extra.isEmpty, "docs/openapi.yaml describes routes the router does not have: \(extra)")
            for (signature, access) in routes where spec[signature] != nil {
                #expect(spec[signature] == access, "\(signature): x-holdfast-access is '\(spec[signature] ?? "")', the route's is '\(access)'")
            }
        }
    }

    /// The restore body's `types` enum is the restorable types, so a client validating against the
    /// document sends exactly what the planner accepts (the server refuses the others with 400).
    @Test func theRestorableTypeEnumIsThePlannersList() throws {
        let document = try #require(try Yams.load(yaml: try Self.specText()) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let names = try #require((schemas["RestorableType"] as? [String: Any])?["enum"] as? [String], "RestorableType has no enum")
        #expect(Set(names) == RestorableTypes.all && names.count == RestorableTypes.all.count, "\(names)")
    }

    @Test func theReaderFindsMethodsPathsAndAccess() throws {
        let text = """
            openapi: 3.1.0
            paths:
              /a/{id}:
                parameters: []
                get:
                  x-holdfast-access: staff
                  responses: {}
                delete:
                  x-holdfast-access: tenant
              /b:
                post:
                  x-holdfast-access: partner
            components:
              schemas:
                get:
                  x-holdfast-access: anonymous
            """
        #expect(try Self.operations(in: text) == ["GET /a/{id}": "staff", "DELETE /a/{id}": "tenant", "POST /b": "partner"])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
