/// A secret (client secret, private key) sealed with a tenant's data key, as stored in
/// `tenant_credentials`. Open it with `DataKey.open(_:purpose:)`.
public struct SealedSecret: Sendable, Hashable {
    static let label = "holdfast/sealed-secret/v1"

    /// The data key it was sealed with.
    public let dataKeyID: String
    /// The bytes to store (see `EnvelopeFormat`).
    public let serialized: [UInt8]

    init(dataKeyID: String, serialized: [UInt8]) {
        self.dataKeyID = dataKeyID
        self.serialized = serialized
    }

    /// Reads stored bytes; the contents are checked only when opened.
    public init(serialized: [UInt8]) throws {
        let parsed = try EnvelopeFormat.parse(serialized, kind: .sealedSecret, idCount: 1)
        self.init(dataKeyID: parsed.ids[0], serialized: serialized)
    }
}

/// What a sealed secret is for; bound as associated data, so a sealed client secret cannot be
/// opened as a private key, or the reverse.
public struct SecretPurpose: RawRepresentable, Sendable, Hashable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let clientSecret = Self(rawValue: "client_secret")
    public static let privateKey = Self(rawValue: "private_key")
}
