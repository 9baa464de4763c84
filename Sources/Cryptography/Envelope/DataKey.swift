/// A tenant's data key: 32 random bytes that seal the tenant's secrets and blobs.
///
/// It exists in clear only in memory; at rest it is a `WrappedDataKey`, encrypted under a master key
/// with the master key's id, the data key's id and the tenant id bound as associated data, so a
/// wrapped key copied to another tenant's row does not open.
public struct DataKey: Sendable, CustomStringConvertible {
    /// The tenant id in canonical form (lower-case UUID text); bound into every seal.
    public let tenantID: String
    /// `dk_` and 16 random hex digits; stored in each sealed secret.
    public let id: String
    let material: SecretBytes

    init(tenantID: String, id: String, material: SecretBytes) {
        self.tenantID = tenantID
        self.id = id
        self.material = material
    }

    /// A new random data key for `tenantID`.
    public static func generate(tenantID: String) -> DataKey {
        DataKey(tenantID: tenantID, id: "dk_" + Hex.encode(SecureRandom.bytes(8)), material: .random(count: AES256GCM.keyByteCount))
    }

    /// Encrypts this key under `masterKey`.
    public func wrapped(under masterKey: MasterKey) throws -> WrappedDataKey {
        let header = EnvelopeFormat.header(kind: .wrappedDataKey, ids: [masterKey.id, self.id])
        let aad = EnvelopeFormat.associatedData(label: WrappedDataKey.label, header: header, context: [self.tenantID])
        let box = try masterKey.material.withTemporaryArray { key in
            try self.material.withTemporaryArray { plaintext in
                try AES256GCM.seal(plaintext, key: key, authenticating: aad)
            }
        }
        return WrappedDataKey(masterKeyID: masterKey.id, dataKeyID: self.id, serialized: header + box.combined)
    }

    /// Seals `plaintext` for `purpose`; the result opens only with this key, this tenant id and the
    /// same purpose.
    public func seal(_ plaintext: SecretBytes, purpose: SecretPurpose) throws -> SealedSecret {
        let header = EnvelopeFormat.header(kind: .sealedSecret, ids: [self.id])
        let aad = EnvelopeFormat.associatedData(label: SealedSecret.label, header: header, context: [self.tenantID, purpose.rawValue])
        let box = try self.material.withTemporaryArray { key in
            try plaintext.withTemporaryArray { plaintext in
                try AES256GCM.seal(plaintext, key: key, authenticating: aad)
            }
        }
        return SealedSecret(dataKeyID: self.id, serialized: header + box.combined)
    }

    /// Opens `sealed`, which must have been sealed with this key, for this tenant and `purpose`.
    public func open(_ sealed: SealedSecret, purpose: SecretPurpose) throws -> SecretBytes {
        guard sealed.dataKeyID == self.id else {
            throw EnvelopeError(.unknownDataKey, "the secret was sealed with data key \(sealed.dataKeyID), not \(self.id)")
        }
        let parsed = try EnvelopeFormat.parse(sealed.serialized, kind: .sealedSecret, idCount: 1)
        let aad = EnvelopeFormat.associatedData(label: SealedSecret.label, header: parsed.header, context: [self.tenantID, purpose.rawValue])
        var plaintext = try EnvelopeFormat.mapAuthenticationFailure("the sealed \(purpose.rawValue)") {
            try self.material.withTemporaryArray { key in try AES256GCM.open(parsed.box, key: key, authenticating: aad) }
        }
        return SecretBytes(consuming: &plaintext)
    }

    public var description: String { "DataKey(\(self.id), tenant \(self.tenantID))" }
}
