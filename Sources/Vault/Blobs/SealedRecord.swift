import Cryptography
public import Foundation
public import Logging

/// Directory content kept in PostgreSQL rows outside the vault's blobs: restore steps' objects,
/// change-alert payloads, webhook payloads. Sealed like a blob (zstd, then AES-256-GCM under the
/// tenant's current blob-encryption key), so a database dump holds no directory content.
///
/// Layout: `HFR1` · key-id length (1 byte) · data key id (UTF-8) · nonce (12) · ciphertext · tag (16).
/// The associated data binds the header, the tenant id and a context naming the row (for example
/// `restore-step:<plan>:<seq>`), so a sealed value copied to another tenant or another row does
/// not open.
public enum SealedRecord {
    static let magic = Array("HFR1".utf8)

    public static func seal(_ plaintext: [UInt8], context: String, keys: TenantVaultKeys) throws -> [UInt8] {
        let header = self.header(dataKeyID: keys.dataKeyID)
        let compressed = try Zstd.compress(plaintext)
        let box = try keys.encryptionKey.withTemporaryArray { key in
            try AES256GCM.seal(compressed, key: key, authenticating: self.associatedData(header: header, tenantID: keys.tenantID, context: context))
        }
        return header + box.combined
    }

    /// The data key id a sealed record names, to find the keys that open it.
    public static func dataKeyID(of sealed: [UInt8]) throws(VaultError) -> String {
        try self.parseHeader(sealed).dataKeyID
    }

    /// Opens a record sealed for this tenant under `context`; `.tampered` for anything else.
    public static func open(_ sealed: [UInt8], context: String, keys: TenantVaultKeys) throws -> [UInt8] {
        let (dataKeyID, headerLength) = try self.parseHeader(sealed)
        guard dataKeyID == keys.dataKeyID else {
            throw VaultError(.unsupportedFormat, "\(context) was sealed with data key \(dataKeyID), not \(keys.dataKeyID)")
        }
        let compressed: [UInt8]
        do {
            let box = try AES256GCM.SealedBox(combined: Array(sealed[headerLength...]))
            compressed = try keys.encryptionKey.withTemporaryArray { key in
                try AES256GCM.open(box, key: key, authenticating: self.associatedData(header: Array(sealed[..<headerLength]),
                                                                                      tenantID: keys.tenantID, context: context))
            }
        } catch {
            throw VaultError(.tampered, "\(context) of tenant \(keys.tenantID.uuidString.lowercased()) failed authentication", underlying: error)
        }
        return try Zstd.decompress(compressed)
    }

    static func header(dataKeyID: String) -> [UInt8] {
        SealedHeader.make(magic: self.magic, dataKeyID: dataKeyID)
    }

    static func parseHeader(_ sealed: [UInt8]) throws(VaultError) -> (dataKeyID: String, length: Int) {
        try SealedHeader.parse(sealed, magic: self.magic, what: "sealed record")
    }

    static func associatedData(header: [UInt8], tenantID: UUID, context: String) -> [UInt8] {
        header + [0] + Array("holdfast.record".utf8) + [0] + Array(tenantID.uuidString.lowercased().utf8) + [0] + Array(context.utf8)
    }
}

/// Seals and opens a tenant's records with the keys of a ``VaultKeyProvider``, fetching each data
/// key once per sealer (a plan of thousands of steps unwraps its key once).
public struct RecordSealer: Sendable {
    public let keyProvider: any VaultKeyProvider

    public init(keyProvider: any VaultKeyProvider) {
        self.keyProvider = keyProvider
    }

    /// Seals each of `records` (plaintext and context) under the tenant's current keys.
    public func seal(_ records: [(plaintext: [UInt8], context: String)], tenantID: UUID, logger: Logger) async throws -> [[UInt8]] {
        guard !records.isEmpty else { return [] }
        let keys = try await self.keyProvider.currentKeys(tenantID: tenantID, logger: logger)
        return try records.map { try SealedRecord.seal($0.plaintext, context: $0.context, keys: keys) }
    }

    public func seal(_ plaintext: [UInt8], context: String, tenantID: UUID, logger: Logger) async throws -> [UInt8] {
        try await self.seal([(plaintext, context)], tenantID: tenantID, logger: logger)[0]
    }

    /// Opens each of `records`, with whichever data key sealed it.
    public func open(_ records: [(sealed: [UInt8], context: String)], tenantID: UUID, logger: Logger) async throws -> [[UInt8]] {
        var keys: [String: TenantVaultKeys] = [:]
        var opened: [[UInt8]] = []
        opened.reserveCapacity(records.count)
        for record in records {
            let dataKeyID = try SealedRecord.dataKeyID(of: record.sealed)
            let recordKeys: TenantVaultKeys
            if let known = keys[dataKeyID] {
                recordKeys = known
            } else {
                recordKeys = try await self.keyProvider.keys(tenantID: tenantID, dataKeyID: dataKeyID, logger: logger)
                keys[dataKeyID] = recordKeys
            }
            opened.append(try SealedRecord.open(record.sealed, context: record.context, keys: recordKeys))
        }
        return opened
    }

    public func open(_ sealed: [UInt8], context: String, tenantID: UUID, logger: Logger) async throws -> [UInt8] {
        try await self.open([(sealed, context)], tenantID: tenantID, logger: logger)[0]
    }
}
