import Cryptography
import Foundation

/// A blob as stored: canonical JSON, zstd-compressed, sealed with AES-256-GCM.
///
/// Layout: `HFB1` · key-id length (1 byte) · data key id (UTF-8) · nonce (12) · ciphertext · tag (16).
/// The associated data binds the header, the tenant id and the blob id, so a blob copied to another
/// id or another tenant fails to open; after opening, the plaintext's HMAC must equal the blob id.
public enum SealedBlob {
    static let magic = Array("HFB1".utf8)

    /// Seals `canonical`; returns its id and the bytes to store.
    public static func seal(_ canonical: [UInt8], keys: TenantVaultKeys) throws -> (id: BlobID, sealed: [UInt8]) {
        let id = keys.blobID(of: canonical)
        let header = self.header(dataKeyID: keys.dataKeyID)
        let compressed = try Zstd.compress(canonical)
        let box = try keys.encryptionKey.withTemporaryArray { key in
            try AES256GCM.seal(compressed, key: key, authenticating: self.associatedData(header: header, tenantID: keys.tenantID, id: id))
        }
        return (id, header + box.combined)
    }

    /// The data key id a sealed blob names, to find the keys that open it.
    public static func dataKeyID(of sealed: [UInt8]) throws(VaultError) -> String {
        try self.parseHeader(sealed).dataKeyID
    }

    /// Opens a blob read for `id`; throws `.tampered` unless it is exactly what was sealed for this
    /// tenant under this id.
    public static func open(_ sealed: [UInt8], id: BlobID, keys: TenantVaultKeys) throws -> [UInt8] {
        let (dataKeyID, headerLength) = try self.parseHeader(sealed)
        guard dataKeyID == keys.dataKeyID else {
            throw VaultError(.unsupportedFormat, "blob \(id) was sealed with data key \(dataKeyID), not \(keys.dataKeyID)")
        }
        let compressed: [UInt8]
        do {
            let box = try AES256GCM.SealedBox(combined: Array(sealed[headerLength...]))
            compressed = try keys.encryptionKey.withTemporaryArray { key in
                try AES256GCM.open(box, key: key, authenticating: self.associatedData(header: Array(sealed[..<headerLength]),
                                                                                      tenantID: keys.tenantID, id: id))
            }
        } catch {
            throw VaultError(.tampered, "blob \(id) of tenant \(keys.tenantID.uuidString.lowercased()) failed authentication", underlying: error)
        }
        let canonical = try Zstd.decompress(compressed)
        guard keys.blobID(of: canonical) == id else {
            throw VaultError(.tampered, "blob \(id)'s content does not match its id")
        }
        return canonical
    }

    static func header(dataKeyID: String) -> [UInt8] {
        SealedHeader.make(magic: self.magic, dataKeyID: dataKeyID)
    }

    static func parseHeader(_ sealed: [UInt8]) throws(VaultError) -> (dataKeyID: String, length: Int) {
        try SealedHeader.parse(sealed, magic: self.magic, what: "blob")
    }

    static func associatedData(header: [UInt8], tenantID: UUID, id: BlobID) -> [UInt8] {
        header + [0] + Array(tenantID.uuidString.lowercased().utf8) + [0] + id.bytes
    }
}
