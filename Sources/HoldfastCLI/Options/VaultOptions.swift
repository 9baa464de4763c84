import ArgumentParser
import Cryptography
import Foundation
import HTTP
import Logging
import Postgres
import Tenancy
import Vault

/// Where blobs live, shared by every command that reads or writes the vault.
struct VaultOptions: ParsableArguments {
    @Option(name: .customLong("blob-dir"),
            help: ArgumentHelp("Keep blobs as files under this directory instead of in PostgreSQL.",
                               discussion: "Default: $HOLDFAST_BLOB_DIR if set, else the vault_blobs table."))
    var blobDirectory: String?

    /// The vault over the configured blob store: S3 when `HOLDFAST_S3_BUCKET` is set (see
    /// docs/configuration.md), else a directory (`--blob-dir`), else PostgreSQL. `http` is the
    /// process's HTTP client for S3; without one, the S3 store gets its own.
    func makeVault(client: PostgresClient, http: HTTPClient? = nil, logger: Logger) throws -> Vault {
        let environment = ProcessInfo.processInfo.environment
        let ring = try MasterKeyRing(environment: environment)
        let keys = TenancyVaultKeyProvider(client: client, dataKeys: TenantDataKeyStore(keyRing: ring))
        let directory = self.blobDirectory ?? environment["HOLDFAST_BLOB_DIR"]
        let store: any BlobStore
        if let s3 = try S3BlobStore.Configuration.fromEnvironment(environment) {
            guard directory == nil else {
                throw ValidationError("Both HOLDFAST_S3_BUCKET and a blob directory are set: choose one blob store.")
            }
            store = S3BlobStore(configuration: s3, http: try http ?? HTTPClient(logger: logger),
                                immutability: PostgresImmutabilityWindowProvider(client: client), logger: logger)
        } else {
            store = directory.map { FileBlobStore(root: URL(fileURLWithPath: $0)) } ?? PostgresBlobStore(client: client)
        }
        return Vault(client: client, blobStore: store, keyProvider: keys, logger: logger)
    }
}

/// Parses a tenant id argument.
func tenantID(_ text: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else { throw ValidationError("TENANT must be a tenant id (UUID), not '\(text)'.") }
    return id
}
