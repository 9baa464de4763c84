#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import COpenSSL

/// An X.509 certificate.
///
/// Holds the DER and the fields read from it, not OpenSSL's object, so it is plainly `Sendable`;
/// operations that need OpenSSL's `X509` parse the DER again for their own use.
public final class Certificate: Sendable {
    /// The certificate, DER-encoded.
    public let der: [UInt8]
    /// The subject public key.
    public let publicKey: PublicKey
    /// Start of the validity period.
    public let notBefore: Date
    /// End of the validity period.
    public let notAfter: Date
    /// The subject's distinguished name in RFC 2253 form, e.g. `CN=holdfast,O=Example`.
    public let subject: String
    /// The issuer's distinguished name in RFC 2253 form.
    public let issuer: String
    /// The serial number, big-endian, without leading zeros.
    public let serialNumber: [UInt8]

    /// Reads the first certificate in a PEM document (other blocks before it are skipped).
    public convenience init(pem: String) throws {
        let pointer = try withReadOnlyBIO(over: Array(pem.utf8)) { bio in
            PEM_read_bio_X509(bio, nil, pemPasswordCallback, nil)
        }
        guard let pointer else {
            throw CryptoError(.invalidCertificate, "no CERTIFICATE PEM block could be read")
        }
        try self.init(X509Handle(taking: pointer))
    }

    /// Reads one DER-encoded certificate.
    public convenience init(der: [UInt8]) throws {
        try self.init(X509Handle(der: der))
    }

    init(_ handle: borrowing X509Handle) throws {
        let certificate = handle.pointer
        self.der = try handle.der()
        guard let key = X509_get_pubkey(certificate) else {
            throw CryptoError(.invalidCertificate, "the certificate's public key cannot be read")
        }
        do {
            self.publicKey = try PublicKey(taking: key)
        } catch let error as CryptoError {
            throw CryptoError(.invalidCertificate, "the certificate's public key is not accepted: \(error.message)", underlying: error)
        }
        self.notBefore = try Self.date(X509_get0_notBefore(certificate), field: "notBefore")
        self.notAfter = try Self.date(X509_get0_notAfter(certificate), field: "notAfter")
        self.subject = try Self.distinguishedName(X509_get_subject_name(certificate))
        self.issuer = try Self.distinguishedName(X509_get_issuer_name(certificate))
        guard let serial = X509_get0_serialNumber(certificate), let number = ASN1_INTEGER_to_BN(serial, nil) else {
            throw CryptoError(.invalidCertificate, "the certificate's serial number cannot be read")
        }
        defer { BN_free(number) }
        var serialBytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
        _ = BN_bn2bin(number, &serialBytes)
        self.serialNumber = serialBytes
    }

    /// Every certificate in a PEM document, in order (a leaf followed by its chain, say).
    public static func all(pem: String) throws -> [Certificate] {
        try withReadOnlyBIO(over: Array(pem.utf8)) { bio in
            var certificates: [Certificate] = []
            while let pointer = PEM_read_bio_X509(bio, nil, pemPasswordCallback, nil) {
                try certificates.append(Certificate(X509Handle(taking: pointer)))
            }
            // Reading stops with "no start line" at the end of the input; that is how it ends.
            OpenSSLErrorQueue.clear()
            guard !certificates.isEmpty else {
                throw CryptoError(.invalidCertificate, "the PEM document holds no CERTIFICATE block")
            }
            return certificates
        }
    }

    /// `-----BEGIN CERTIFICATE-----` PEM.
    public func pem() -> String {
        PEMArmor.encode(self.der, label: "CERTIFICATE")
    }

    /// SHA-1 of the DER: what JOSE's `x5t` carries (base64url) and Entra shows as the thumbprint (hex).
    public var sha1Thumbprint: [UInt8] {
        SHA1.hash(self.der)
    }

    /// SHA-256 of the DER: what JOSE's `x5t#S256` carries.
    public var sha256Thumbprint: [UInt8] {
        SHA256.hash(self.der)
    }

    /// Whether `date` lies within the validity period (both ends included, as RFC 5280 defines it).
    public func isValid(at date: Date) -> Bool {
        self.notBefore <= date && date <= self.notAfter
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?, field: String) throws -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else {
            throw CryptoError(.invalidCertificate, "the certificate's \(field) time cannot be read")
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    private static func distinguishedName(_ name: OpaquePointer?) throws -> String {
        let bio = try MemoryBIO()
        guard let name, X509_NAME_print_ex(bio.pointer, name, 0, hf_XN_FLAG_RFC2253_UTF8()) >= 0 else {
            throw CryptoError(.invalidCertificate, "a distinguished name in the certificate cannot be read")
        }
        return bio.string()
    }
}

extension Certificate: Hashable {
    /// Certificates are equal when their DER encodings are.
    public static func == (lhs: Certificate, rhs: Certificate) -> Bool {
        lhs.der == rhs.der
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.der)
    }
}
