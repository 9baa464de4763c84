public import Cryptography
import Foundation

/// A report's detached signature: the `FILE.sig` JSON beside the report (docs/reports.md).
///
/// The Ed25519 signature covers the report file's exact bytes, whatever its format, so an auditor
/// can check it with OpenSSL alone:
/// `sed -n 's/.*"signature" : "\(.*\)".*/\1/p' FILE.sig | openssl base64 -d -A > FILE.sigbin` and
/// `openssl pkeyutl -verify -pubin -inkey PUBLIC.pem -rawin -in FILE -sigfile FILE.sigbin`.
public struct ReportSignature: Sendable, Hashable, Codable {
    public var format = "holdfast-report-signature/1"
    /// Always `Ed25519` (RFC 8032, pure: over the whole file).
    public var algorithm: String
    /// ``ReportSigningKey/keyID(of:)`` of the signing key.
    public var keyID: String
    /// The signing key's public half (PEM), for convenience; trust the published key, not this.
    public var publicKey: String
    /// The 64-byte signature, standard base64.
    public var signature: String
    /// Hex SHA-256 of the signed file, to tell a changed file from a wrong key at a glance.
    public var sha256: String
    /// The signed file's name when it was signed.
    public var file: String
    public var mediaType: String?
    public var signedAt: String

    enum CodingKeys: String, CodingKey {
        case format, algorithm, keyID = "key_id", publicKey = "public_key", signature, sha256, file
        case mediaType = "media_type", signedAt = "signed_at"
    }

    public init(algorithm: String, keyID: String, publicKey: String, signature: String, sha256: String, file: String,
                mediaType: String?, signedAt: String) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.publicKey = publicKey
        self.signature = signature
        self.sha256 = sha256
        self.file = file
        self.mediaType = mediaType
        self.signedAt = signedAt
    }

    /// Pretty JSON, one field a line (the `signature` line is what the OpenSSL recipe extracts).
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
    }

    public static func decode(_ bytes: [UInt8]) throws -> ReportSignature {
        let signature: ReportSignature
        do {
            signature = try JSONDecoder().decode(ReportSignature.self, from: Data(bytes))
        } catch {
            throw ComplianceError(.signatureFileInvalid, "the signature file is not a Holdfast report signature (JSON with key_id and signature)", underlying: error)
        }
        guard signature.format == "holdfast-report-signature/1", signature.algorithm == "Ed25519" else {
            throw ComplianceError(.signatureFileInvalid, "unsupported signature format \(signature.format) / \(signature.algorithm)")
        }
        return signature
    }

    /// What a successful verification established.
    public struct Verification: Sendable, Hashable {
        public var keyID: String
        /// True when checked against a public key the caller supplied; false when only against the
        /// key the signature file carries (which proves integrity, not who signed).
        public var trustedKey: Bool
    }

    /// Checks that `bytes` are exactly what was signed. With `publicKey`, the file must also have
    /// been signed by that key; without, the key in this file is used.
    public func verify(_ bytes: [UInt8], publicKey trusted: PublicKey? = nil) throws -> Verification {
        let key: PublicKey
        if let trusted {
            let trustedID = ReportSigningKey.keyID(of: trusted)
            guard trustedID == keyID else {
                throw ComplianceError(.keyMismatch, "the report was signed by key \(keyID), not by the given public key \(trustedID)")
            }
            key = trusted
        } else {
            do {
                key = try PublicKey(pem: publicKey)
            } catch {
                throw ComplianceError(.signatureFileInvalid, "the signature file's public key cannot be read", underlying: error)
            }
            guard ReportSigningKey.keyID(of: key) == keyID else {
                throw ComplianceError(.signatureFileInvalid, "the signature file's public key does not match its key id \(keyID)")
            }
        }
        guard let raw = Data(base64Encoded: signature), raw.count == 64 else {
            throw ComplianceError(.signatureFileInvalid, "the signature is not 64 bytes of base64")
        }
        guard key.verify(Array(raw), for: bytes, algorithm: .edDSA) else {
            throw ComplianceError(.signatureMismatch, "the report does not match its signature: it was changed after it was signed (key \(keyID))")
        }
        return Verification(keyID: keyID, trustedKey: trusted != nil)
    }
}
