import ArgumentParser
import Cryptography
import Foundation
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

    func makeVault(client: PostgresClient, logger: Logger) throws -> Vault {
        let ring = try MasterKeyRing(environment: ProcessInfo.processInfo.environment)
        let keys = TenancyVaultKeyProvider(client: client, dataKeys: TenantDataKeyStore(keyRing: ring))
        let directory = self.blobDirectory ?? ProcessInfo.processInfo.environment["HOLDFAST_BLOB_DIR"]
        let store: any BlobStore = directory.map { FileBlobStore(root: URL(fileURLWithPath: $0)) } ?? PostgresBlobStore(client: client)
        return Vault(client: client, blobStore: store, keyProvider: keys, logger: logger)
    }
}

/// Parses a tenant id argument.
func tenantID(_ text: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else { throw ValidationError("TENANT must be a tenant id (UUID), not '\(text)'.") }
    return id
}
