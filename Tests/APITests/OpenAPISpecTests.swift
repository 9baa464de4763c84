import Foundation
import Restore
import Testing
@testable import API

/// docs/openapi.yaml describes exactly the router's routes, methods and access.
@Suite struct OpenAPISpecTests {
    /// `METHOD /path` → `x-holdfast-access`, read from the spec's `paths:` section (the file keeps
    /// the plain block layout this reads: two spaces before a path, four before a method).
    static func operations(in text: String) -> [String: String] {
        var operations: [String: String] = [:]
        var inPaths = false
        var path: String?
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.isEmpty, !line.hasPrefix(" ") { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
                current = nil
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"),
                      case let method = line.trimmingCharacters(in: .whitespaces).dropLast(),
                      ["get", "post", "put", "patch", "delete"].contains(method) {
                current = "\(method.uppercased()) \(path)"
                operations[current!] = ""
            } else if let current, line.hasPrefix("      x-holdfast-access: ") {
                operations[current] = String(line.dropFirst("      x-holdfast-access: ".count))
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
            let spec = Self.operations(in: try Self.specText())
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
        let lines = try Self.specText().split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "    RestorableType:"))
        var text = ""
        for line in lines[(start + 2)...] {
            guard line.hasPrefix("      enum: [") || line.hasPrefix("             ") else { break }
            text += line
        }
        let names = text.replacingOccurrences(of: "enum: [", with: "").replacingOccurrences(of: "]", with: "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Set(names) == RestorableTypes.all && names.count == RestorableTypes.all.count, "\(names)")
    }

    @Test func theReaderFindsMethodsPathsAndAccess() {
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
        #expect(Self.operations(in: text) == ["GET /a/{id}": "staff", "DELETE /a/{id}": "tenant", "POST /b": "partner"])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
