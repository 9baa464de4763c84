import Cryptography
import Foundation
import Graph
import GraphSim
import HoldfastTesting
import Tenancy
import Testing

/// `holdfast tenants import` as an operator runs it: the built executable against graph-sim.
@Suite("holdfast tenants import", .timeLimit(.minutes(10)))
struct TenantsImportCommandTests {
    @Test func importShowsProgressReportsEachRowAndRefusesABrokenFileWhole() async throws {
        let customers = (1...12).map { String(format: "k%02d", $0) }
        try await OnboardingHarness.run(tenants: ["msp"] + customers) { harness in
            // k12 never consented to the MSP's app.
            let (app, secret) = try TenantImportTests.mspApp(harness, consentedIn: Array(customers.prefix(11)))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-import-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            func file(_ name: String, _ contents: [UInt8]) throws -> String {
                let url = directory.appendingPathComponent(name)
                try Data(contents).write(to: url)
                return url.path
            }
            let secretFile = try file("secret", Array((secret.value + "\n").utf8))
            var environment = ProcessInfo.processInfo.environment
            environment["HOLDFAST_MASTER_KEY"] = Data(SecureRandom.bytes(32)).base64EncodedString()
            environment["HOLDFAST_MASTER_KEY_FILE"] = nil
            environment["HOLDFAST_GRAPH_BASE_URL"] = harness.baseURL + "/v1.0"
            environment["HOLDFAST_LOGIN_BASE_URL"] = harness.baseURL
            let fixed = ["--database-url", harness.schema.connectionString, "--client-id", app.clientId, "--app", "shared",
                         "--client-secret-file", secretFile, "--credential-name", "msp", "--actor", "importer"]
            func importing(_ path: String, _ extra: [String] = []) async throws -> ProcessRunner.Result {
                try await ProcessRunner.capture(TenantsCommandTests.holdfast, ["tenants", "import", path] + extra + fixed, environment: environment)
            }

            var csv = "name,tenant,partner,credential\n"
            for name in customers {
                csv += "\(name == "k01" ? "=cmd|' /C calc'!A0" : "Customer \(name)"),\(try TenantImportTests.domain(harness, name)),Acme,msp\n"
            }
            let fleet = try file("fleet.csv", Array(csv.utf8))

            // Broken files add nothing and name the row and column.
            var badUTF8 = Array(csv.utf8)
            badUTF8 += Array("Broken,".utf8) + [0xFF, 0xFE] + Array(".example,Acme,msp\n".utf8)
            let duplicate = csv + "Again,\(try TenantImportTests.domain(harness, "k03")),Acme,msp\n"
            let huge = try file("huge.csv", [UInt8](repeating: UInt8(ascii: "a"), count: TenantImportFile.maximumBytes + 10))
            let broken: [(String, [String], String)] = [
                (try file("utf8.csv", badUTF8), [], "row 14, column tenant: is not UTF-8 text; nothing was imported"),
                (try file("duplicate.csv", Array(duplicate.utf8)), [], "row 14, column tenant: '\(try TenantImportTests.domain(harness, "k03"))' is already on row 4"),
                (try file("policy.csv", Array("name,tenant,policy\nX,\(try TenantImportTests.domain(harness, "k01")),gold\n".utf8)), [],
                 "row 2, column policy: no policy is called 'gold'"),
                (try file("reference.csv", Array("name,tenant,credential\nX,\(try TenantImportTests.domain(harness, "k01")),other\n".utf8)), [],
                 "row 2, column credential: names no credential"),
                (huge, [], "is larger than \(TenantImportFile.maximumBytes) bytes"),
                (fleet, ["--concurrency", "0"], "--concurrency must be 1-64"),
                (fleet, ["--concurrency", "65"], "--concurrency must be 1-64"),
                (directory.appendingPathComponent("missing.csv").path, [], "cannot read"),
            ]
            for (path, extra, message) in broken {
                let result = try await importing(path, extra)
                #expect(result.status != 0, "\(path) \(extra) succeeded")
                #expect(result.standardError.contains(message), "\(path): \(result.standardError)")
            }
            #expect(try await harness.onboarding.registry.tenants().isEmpty, "a broken file added nothing")

            let first = try await importing(fleet, ["--concurrency", "4"])
            #expect(first.status == 0, "\(first.standardError)")
            // One progress line per row on standard error, counting up to the total.
            let progress = first.standardError.split(separator: "\n").filter { $0.hasPrefix("[") }
            #expect(progress.count == 12 && progress.last?.hasPrefix("[12/12]") == true, "\(first.standardError)")
            #expect(first.standardOutput.contains("added: 11, needs_consent: 1, unchanged: 0, failed: 0"), "\(first.standardOutput)")
            let k12 = try TenantImportTests.domain(harness, "k12")
            #expect(first.standardOutput.contains("consent: \(harness.baseURL)/\(k12)/adminconsent?client_id=\(app.clientId)"))
            #expect(!(first.standardOutput + first.standardError).contains(secret.value))
            let added = try await harness.onboarding.registry.tenants()
            #expect(added.count == 11 && added.allSatisfy { $0.status == .active })
            #expect(added.contains { $0.displayName == "=cmd|' /C calc'!A0" }, "a formula-looking cell is stored as text")

            let again = try await importing(fleet)
            #expect(again.status == 0, "\(again.standardError)")
            #expect(again.standardOutput.contains("added: 0, needs_consent: 1, unchanged: 11, failed: 0"), "\(again.standardOutput)")
            #expect(try await harness.onboarding.registry.tenants().count == 11)

            // The same rows as JSON, with a secret that no longer signs in: rows fail, exit status 1.
            let json = "[" + customers.suffix(1).map { "{\"name\":\"\($0)\",\"tenant\":\"\(k12)\",\"credential\":\"msp\"}" }.joined() + "]"
            try harness.simulator.grantPermissions(ResourceCatalogue.requiredPermissions, clientId: app.clientId, tenant: "k12")
            let wrongSecret = try file("wrong", Array("not-the-secret\n".utf8))
            let failing = try await ProcessRunner.capture(TenantsCommandTests.holdfast, [
                "tenants", "import", try file("fleet.json", Array(json.utf8)), "--database-url", harness.schema.connectionString,
                "--client-id", app.clientId, "--app", "shared", "--client-secret-file", wrongSecret, "--credential-name", "msp",
            ], environment: environment)
            #expect(failing.status == 1, "\(failing.standardOutput) \(failing.standardError)")
            #expect(failing.standardOutput.contains("failed: 1") && failing.standardOutput.contains("sign-in failed"), "\(failing.standardOutput)")
            #expect(try await harness.onboarding.registry.tenants().count == 11)
        }
    }
}
