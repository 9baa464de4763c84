public import Cryptography
public import Foundation

/// The operator's Ed25519 key that signs compliance reports.
///
/// Configured as a PKCS#8 PEM file (`HOLDFAST_REPORT_SIGNING_KEY_FILE`, or `--signing-key`), made
/// by `holdfast report keygen`. The public key is published to auditors; its id is
/// ``keyID(of:)``.
public struct ReportSigningKey: Sendable {
    public let privateKey: PrivateKey
    public var publicKey: PublicKey { privateKey.publicKey }
    public var keyID: String { Self.keyID(of: privateKey.publicKey) }

    public init(privateKey: PrivateKey) throws {
        guard privateKey.kind == .ed25519 else {
            throw ComplianceError(.signingKeyUnusable, "report signing keys are Ed25519 keys, not \(privateKey.kind)")
        }
        self.privateKey = privateKey
    }

    /// Reads the PEM file at `path`.
    public init(pemFile path: String) throws {
        // As the master key file: a signing key others can read lets them sign reports as the MSP.
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue,
           mode & 0o077 != 0 {
            throw ComplianceError(.signingKeyUnusable, "the report signing key \(path) has mode \(String(mode & 0o777, radix: 8)); its group and others must have no access (chmod 600 \(path))")
        }
        let pem: String
        do {
            pem = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ComplianceError(.signingKeyUnusable, "cannot read the report signing key \(path)", underlying: error)
        }
        do {
            try self.init(privateKey: try PrivateKey(pem: pem))
        } catch let error as ComplianceError {
            throw error
        } catch {
            throw ComplianceError(.signingKeyUnusable, "\(path) holds no usable private key: \(error)", underlying: error)
        }
    }

    /// A new key.
    public static func generate() throws -> ReportSigningKey {
        try ReportSigningKey(privateKey: try PrivateKey.generateEd25519())
    }

    /// `sha256:` and the hex SHA-256 of the key's DER SubjectPublicKeyInfo, which an auditor
    /// recomputes with `openssl pkey -pubin -in PUBLIC.pem -outform DER | openssl dgst -sha256`.
    public static func keyID(of publicKey: PublicKey) -> String {
        "sha256:" + Hex.encode(SHA256.hash(publicKey.der))
    }

    /// The detached signature of `bytes`, the report file named `fileName`.
    public func sign(_ bytes: [UInt8], fileName: String, format: ReportFormat?, signedAt: Date = Date()) throws -> ReportSignature {
        let signature = try privateKey.sign(bytes, algorithm: .edDSA)
        return ReportSignature(
            algorithm: "Ed25519", keyID: keyID, publicKey: publicKey.pem(), signature: Data(signature).base64EncodedString(),
            sha256: Hex.encode(SHA256.hash(bytes)), file: fileName, mediaType: format?.mediaType, signedAt: ComplianceDates.iso8601(signedAt))
    }
}
