public import Foundation
public import Cryptography

/// An app registration's credentials, as the token endpoint checks them. The application and
/// service principal objects themselves live in the tenant directories (so a backup sees them);
/// the secret values exist only here, as SHA-256 digests.
public struct AppRegistration: Sendable {
    public struct Secret: Sendable {
        public var keyId: String
        public var displayName: String
        /// The first three characters, as Graph's `hint`.
        public var hint: String
        var digest: [UInt8]
        public var startDateTime: Date
        public var endDateTime: Date
    }

    public struct RegisteredCertificate: Sendable {
        public var keyId: String
        public var displayName: String
        public var certificate: Certificate
        /// base64url SHA-1 thumbprint (`x5t`).
        public var sha1Thumbprint: String
        /// base64url SHA-256 thumbprint (`x5t#S256`).
        public var sha256Thumbprint: String
        public var startDateTime: Date
        public var endDateTime: Date
    }

    /// The client id (`appId`).
    public let clientId: String
    /// The tenant that owns the application object.
    public let homeTenantId: String
    public var displayName: String
    public var secrets: [Secret] = []
    public var certificates: [RegisteredCertificate] = []

    func secretMatching(_ value: String) -> Secret? {
        let digest = SHA256.hash(Array(value.utf8))
        return secrets.first { constantTimeEqual($0.digest, digest) }
    }

    func certificate(sha1Thumbprint: String?, sha256Thumbprint: String?) -> RegisteredCertificate? {
        certificates.first { certificate in
            (sha256Thumbprint != nil && certificate.sha256Thumbprint == sha256Thumbprint)
                || (sha1Thumbprint != nil && certificate.sha1Thumbprint == sha1Thumbprint)
        }
    }

    private func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// A new client secret in Entra's format: a three-character hint, `8Q~`, then 34 random
    /// characters (40 in all).
    static func newSecretValue() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~")
        let bytes = SecureRandom.bytes(37)
        var value = String(bytes.prefix(3).map { alphabet[Int($0) % 62] })
        value += "8Q~"
        value += String(bytes.dropFirst(3).map { alphabet[Int($0) % alphabet.count] })
        return value
    }

    static func digest(_ value: String) -> [UInt8] {
        SHA256.hash(Array(value.utf8))
    }
}
