#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import COpenSSL

extension Certificate {
    /// A new self-signed X.509 v3 certificate for `key`, as Microsoft Entra ID accepts for an
    /// application's certificate credential: subject and issuer `CN=<commonName>`, a random 128-bit
    /// serial, valid from now for `validFor` seconds, `basicConstraints` CA:FALSE and `keyUsage`
    /// digitalSignature (both critical) and a subject key identifier. Signed with SHA-256
    /// (RSA PKCS#1 v1.5 or ECDSA), or Ed25519.
    public static func selfSigned(key: PrivateKey, commonName: String, validFor: TimeInterval) throws -> Certificate {
        guard validFor > 0, validFor.isFinite else {
            throw CryptoError(.invalidInput, "a certificate must be valid for a positive time, not \(validFor) seconds")
        }
        guard !commonName.isEmpty, commonName.utf8.count <= 64 else {
            throw CryptoError(.invalidInput, "a common name must be 1...64 bytes (RFC 5280 ub-common-name)")
        }
        OpenSSLErrorQueue.clear()
        guard let pointer = X509_new() else {
            throw CryptoError(.openssl, "could not allocate a certificate")
        }
        // Every use below goes through `certificate`, so the handle (and the X509) outlives them all.
        let certificate = X509Handle(taking: pointer)

        // Version 3 is encoded as 2.
        guard X509_set_version(certificate.pointer, 2) == 1 else {
            throw CryptoError(.openssl, "could not set the certificate version")
        }
        try Self.setRandomSerialNumber(certificate.pointer)

        let now = time(nil)
        guard ASN1_TIME_set(X509_getm_notBefore(certificate.pointer), now) != nil,
            ASN1_TIME_set(X509_getm_notAfter(certificate.pointer), now + time_t(validFor.rounded(.down))) != nil
        else {
            throw CryptoError(.openssl, "could not set the certificate's validity period")
        }

        guard let name = X509_NAME_new() else {
            throw CryptoError(.openssl, "could not allocate a distinguished name")
        }
        defer { X509_NAME_free(name) }
        let commonNameBytes = Array(commonName.utf8)
        guard X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonNameBytes, Int32(commonNameBytes.count), -1, 0) == 1,
            X509_set_subject_name(certificate.pointer, name) == 1,
            X509_set_issuer_name(certificate.pointer, name) == 1
        else {
            throw CryptoError(.invalidInput, "the common name cannot be encoded")
        }
        guard X509_set_pubkey(certificate.pointer, key.pointer) == 1 else {
            throw CryptoError(.openssl, "could not set the certificate's public key")
        }

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate.pointer, certificate.pointer, nil, nil, 0)
        for (identifier, value) in [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_subject_key_identifier, "hash"),
        ] {
            guard let extensionPointer = X509V3_EXT_nconf_nid(nil, &context, identifier, value) else {
                throw CryptoError(.openssl, "could not build a certificate extension")
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            guard X509_add_ext(certificate.pointer, extensionPointer, -1) == 1 else {
                throw CryptoError(.openssl, "could not add a certificate extension")
            }
        }

        // Ed25519 signs the message itself, so it takes no separate digest.
        let digest = key.kind == .ed25519 ? nil : FetchedAlgorithm.sha256.pointer
        guard X509_sign(certificate.pointer, key.pointer, digest) > 0 else {
            throw CryptoError(.openssl, "could not sign the certificate")
        }
        return try Certificate(certificate)
    }

    /// A positive 128-bit serial number from the CSPRNG (RFC 5280 allows up to 20 octets; CA/B
    /// Forum practice is at least 64 random bits).
    private static func setRandomSerialNumber(_ certificate: OpaquePointer) throws {
        var bytes = SecureRandom.bytes(16)
        bytes[0] = bytes[0] & 0x7F | 0x40  // positive, and never short of 16 bytes
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw CryptoError(.openssl, "could not allocate a serial number")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw CryptoError(.openssl, "could not set the certificate's serial number")
        }
    }
}
