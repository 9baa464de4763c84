import Cryptography
import Foundation
import Logging
import Postgres
import Tenancy

/// `holdfast-bench backup-onboard`: registers one graph-sim tenant and its app's client secret in
/// Holdfast (as onboarding would), so `deploy/bench/backup` can run backups of it through a real
/// worker. Prints the Holdfast tenant id.
enum BackupOnboarding {
    static func run(arguments: [String]) async throws {
        func value(_ name: String) throws -> String {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else {
                throw BenchUsageError("backup-onboard needs \(name)")
            }
            return arguments[index + 1]
        }
        let environment = ProcessInfo.processInfo.environment
        let url = (try? value("--database-url")) ?? environment["HOLDFAST_DATABASE_URL"] ?? ""
        guard let entraTenant = UUID(uuidString: try value("--entra-tenant-id")),
              let clientID = UUID(uuidString: try value("--client-id")) else {
            throw BenchUsageError("--entra-tenant-id and --client-id must be UUIDs")
        }
        let secret = try String(contentsOfFile: try value("--secret-file"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var logger = Logger(label: "holdfast.bench")
        logger.logLevel = .error
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: url, maxConnections: 2), logger: logger)
        do {
            let ring = try MasterKeyRing(environment: environment)
            let tenant = try await TenantRegistry(client: client, logger: logger).addTenant(
                NewTenant(entraTenantID: entraTenant, primaryDomain: try value("--domain"), displayName: try value("--name"), sizeClass: "L"),
                actor: "bench")
            _ = try await TenantCredentialStore(client: client, keyRing: ring, logger: logger).store(
                NewTenantCredential(appKind: .tenantApp, clientID: clientID, material: .clientSecret(SecretBytes(copying: Array(secret.utf8)))),
                tenantID: tenant.id, actor: "bench")
            print(tenant.id.uuidString.lowercased())
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

struct BenchUsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
