import Cryptography
import Foundation
import HoldfastTesting
import Logging
import Postgres
import Testing
@testable import API

/// `holdfast apikeys create|list|revoke` as an operator runs them.
@Suite struct APIKeysCLITests {
    @Test func createPrintsTheTokenOnceListNeverShowsItRevokeRefusesIt() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let binary = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path
            let database = ["--database-url", schema.connectionString]
            let masterKey = Data(SecureRandom.bytes(32)).base64EncodedString()
            var environment = ProcessInfo.processInfo.environment
            environment["HOLDFAST_MASTER_KEY"] = masterKey
            environment.removeValue(forKey: "HOLDFAST_MASTER_KEY_FILE")
            let hasher = APIKeyHasher(keyRing: MasterKeyRing(current: try MasterKey(base64: masterKey, source: "test")))
            let partner = try await schema.client.query("INSERT INTO partners (name) VALUES ('Fabrikam') RETURNING id").first!.decode(UUID.self, "id")

            let created = try await ProcessRunner.capture(binary, ["apikeys", "create", "--name", "fabrikam portal", "--role", "partner",
                                                                   "--partner", "Fabrikam"] + database, environment: environment)
            #expect(created.status == 0, "\(created.standardError)")
            let token = try #require(created.standardOutput.split(separator: "\n").last.map(String.init))
            #expect(token.hasPrefix("hf_live_"))
            let keys = APIKeyStore(client: schema.client, hasher: hasher, logger: TestLogger.make())
            let key = try await keys.authenticate(token: token).get()
            #expect(key.role == .partner && key.partnerID == partner && key.name == "fabrikam portal")

            let listed = try await ProcessRunner.capture(binary, ["apikeys", "list"] + database)
            #expect(listed.standardOutput.contains(key.keyID) && listed.standardOutput.contains("fabrikam portal"))
            #expect(!listed.standardOutput.contains(String(token.suffix(20))), "the secret is never printed again")

            let unbound = try await ProcessRunner.capture(binary, ["apikeys", "create", "--name", "x", "--role", "partner"] + database)
            #expect(unbound.status != 0 && unbound.standardError.contains("--partner"))

            let revoked = try await ProcessRunner.capture(binary, ["apikeys", "revoke", key.keyID] + database)
            #expect(revoked.status == 0, "\(revoked.standardError)")
            #expect(try await keys.authenticate(token: token) == .failure(.revoked))
            let hidden = try await ProcessRunner.capture(binary, ["apikeys", "list"] + database)
            #expect(!hidden.standardOutput.contains(key.keyID))
            #expect(try await ProcessRunner.capture(binary, ["apikeys", "list", "--all"] + database).standardOutput.contains(key.keyID))

            let actors = try await schema.client.query("SELECT actor, action FROM audit_log WHERE action LIKE 'apikey.%' ORDER BY id")
            #expect(try actors.rows.map { try $0.decode(String.self, "action") } == ["apikey.create", "apikey.revoke"])
            #expect(try actors.rows.allSatisfy { try $0.decode(String.self, "actor").hasPrefix("cli:") })
        }
    }

    @Test func tokensThatAreNotOursAreRefusedBeforeTheDatabase() {
        let (keyID, _, token) = APIKeyToken.generate()
        #expect(APIKeyToken.parse(token)?.keyID == keyID)
        #expect(APIKeyToken.parse("hf_test_" + token.dropFirst(8)) == nil)
        #expect(APIKeyToken.parse(String(token.dropLast(2))) == nil, "a truncated secret")
        #expect(APIKeyToken.parse(token.replacingOccurrences(of: keyID, with: keyID.uppercased())) == nil)
        #expect(APIKeyToken.parse(token + "AAAA") == nil)
        let second = APIKeyToken.generate()
        #expect(second.keyID != keyID && second.token != token)
    }
}
