import Cryptography
import Foundation
import Graph
import GraphSim
import HoldfastTesting
import Testing

/// `holdfast tenants` as an operator runs it: the built executable against graph-sim and an
/// isolated schema, with the master key in its environment.
@Suite("holdfast tenants", .timeLimit(.minutes(10)))
struct TenantsCommandTests {
    static var holdfast: String { ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path }

    @Test func addListShowAndEveryBadInputGivesAClearError() async throws {
        try await OnboardingHarness.run { harness in
            let (app, secret) = try harness.registerApp(in: "contoso")
            let entraID = try harness.tenantID("contoso")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-tenants-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            func file(_ name: String, _ contents: some DataProtocol) throws -> String {
                let url = directory.appendingPathComponent(name)
                try Data(contents).write(to: url)
                return url.path
            }
            let secretFile = try file("secret", Array((secret.value + "\n").utf8))
            let key = try PrivateKey.generateRSA(bits: 2048)
            let certificate = try Certificate.selfSigned(key: key, commonName: "Holdfast", validFor: 86_400)
            let certificateOnly = try file("cert.pem", Array(certificate.pem().utf8))
            let pfx = try file("bundle.pfx", try PKCS12Bundle.make(key: key, certificate: certificate, password: "right"))
            let wrongPassword = try file("password", Array("wrong\n".utf8))

            var environment = ProcessInfo.processInfo.environment
            environment["HOLDFAST_MASTER_KEY"] = Data(SecureRandom.bytes(32)).base64EncodedString()
            environment["HOLDFAST_MASTER_KEY_FILE"] = nil
            environment["HOLDFAST_GRAPH_BASE_URL"] = harness.baseURL + "/v1.0"
            environment["HOLDFAST_LOGIN_BASE_URL"] = harness.baseURL
            environment["HOLDFAST_LOG_LEVEL"] = "debug"
            let database = ["--database-url", harness.schema.connectionString]
            func tenants(_ arguments: [String]) async throws -> ProcessRunner.Result {
                try await ProcessRunner.capture(Self.holdfast, ["tenants"] + arguments + database, environment: environment)
            }
            let client = ["--client-id", app.clientId]

            let added = try await tenants(["add", "contoso.onmicrosoft.com", "--name", "Contoso", "--partner", "Acme",
                                           "--client-secret-file", secretFile, "--secret-expires", "2030-01-31", "--actor", "erin"] + client)
            #expect(added.status == 0, "\(added.standardError)")
            #expect(added.standardOutput.contains("Backup permissions:") && added.standardOutput.contains("Status: active"))
            #expect(added.standardOutput.contains("Admin consent: \(harness.baseURL)/\(entraID)/adminconsent?client_id=\(app.clientId)"))

            let list = try await tenants(["list"])
            #expect(list.status == 0)
            #expect(list.standardOutput.contains("Contoso") && list.standardOutput.contains("active")
                && list.standardOutput.contains("Acme") && list.standardOutput.contains("standard")
                && list.standardOutput.contains("2030-01-31"))
            let expiring = try await tenants(["list", "--expiring", "30d"])
            #expect(expiring.status == 0 && !expiring.standardOutput.contains("Contoso"))
            let show = try await tenants(["show", entraID])
            #expect(show.status == 0 && show.standardOutput.contains("client_secret for tenant_app client \(app.clientId)"))
            #expect(show.standardOutput.contains("Last probe:"))
            for output in [added, list, show] {
                #expect(!(output.standardOutput + output.standardError).contains(secret.value), "the secret was printed")
                #expect(!(output.standardOutput + output.standardError).contains("eyJ"), "a token was printed")
            }

            let failures: [([String], String)] = [
                (["add", "not_a_tenant", "--name", "X", "--client-secret-file", secretFile] + client, "TENANT must be the Entra tenant id"),
                (["add", UUID().uuidString, "--name", "X", "--client-secret-file", directory.appendingPathComponent("missing").path] + client,
                 "cannot read --client-secret-file"),
                (["add", UUID().uuidString, "--name", "X", "--pkcs12", pfx, "--pkcs12-password-file", wrongPassword] + client,
                 "the password for \(pfx) is wrong"),
                (["add", UUID().uuidString, "--name", "X", "--certificate", certificateOnly] + client, "holds no PEM private key"),
                (["add", entraID, "--name", "X", "--client-secret-file", secretFile] + client, "already has Entra tenant id"),
                (["add", "fabrikam.example", "--name", "X", "--policy", "gold", "--client-secret-file", secretFile] + client,
                 "no policy is called 'gold'"),
                (["add", UUID().uuidString, "--name", "X", "--client-secret-file", secretFile] + client, "AADSTS90002"),
                // A secret is never an option's value (it would land in shell history).
                (["add", entraID, "--name", "X", "--client-secret", "value-in-history"] + client, "give a credential"),
                (["show", "nobody.example"], "no tenant has id, Entra tenant id or domain 'nobody.example'"),
            ]
            for (arguments, message) in failures {
                let result = try await tenants(arguments)
                #expect(result.status != 0, "\(arguments) succeeded")
                #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            }
            #expect(try await harness.onboarding.registry.tenants().count == 1)
        }
    }
}
