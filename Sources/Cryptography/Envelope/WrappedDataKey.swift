/// A data key encrypted under a master key, as stored in `tenant_data_keys`.
public struct WrappedDataKey: Sendable, Hashable {
    static let label = "holdfast/data-key/v1"

    /// The id of the master key that wraps it.
    public let masterKeyID: String
    /// The id of the data key inside.
    public let dataKeyID: String
    /// The bytes to store (see `EnvelopeFormat`).
    public let serialized: [UInt8]

    init(masterKeyID: String, dataKeyID: String, serialized: [UInt8]) {
        self.masterKeyID = masterKeyID
        self.dataKeyID = dataKeyID
        self.serialized = serialized
    }

    /// Reads stored bytes; the ids are checked, the contents only when unwrapped.
    public init(serialized: [UInt8]) throws {
        let parsed = try EnvelopeFormat.parse(serialized, kind: .wrappedDataKey, idCount: 2)
        self.init(masterKeyID: parsed.ids[0], dataKeyID: parsed.ids[1], serialized: serialized)
    }

    /// Decrypts the data key with the ring's key of `masterKeyID`, for `tenantID`.
    public func unwrap(tenantID: String, keyRing: MasterKeyRing) throws -> DataKey {
        let masterKey = try keyRing.key(id: self.masterKeyID)
        let parsed = try EnvelopeFormat.parse(self.serialized, kind: .wrappedDataKey, idCount: 2)
        let aad = EnvelopeFormat.associatedData(label: Self.label, header: parsed.header, context: [tenantID])
        var material = try EnvelopeFormat.mapAuthenticationFailure("the wrapped data key \(self.dataKeyID)") {
            try masterKey.material.withTemporaryArray { key in try AES256GCM.open(parsed.box, key: key, authenticating: aad) }
        }
        guard material.count == AES256GCM.keyByteCount else {
            material.cleanse()
            throw EnvelopeError(.malformedBlob, "the wrapped data key \(self.dataKeyID) holds \(material.count) bytes, not \(AES256GCM.keyByteCount)")
        }
        return DataKey(tenantID: tenantID, id: self.dataKeyID, material: SecretBytes(consuming: &material))
    }

    /// The same data key wrapped under `keyRing.current`: what key rotation stores. Secrets sealed
    /// with the data key are untouched, since the data key itself does not change.
    public func rewrapped(tenantID: String, keyRing: MasterKeyRing) throws -> WrappedDataKey {
        try self.unwrap(tenantID: tenantID, keyRing: keyRing).wrapped(under: keyRing.current)
    }
}
