/// The protected header of a JWS (RFC 7515 section 4.1), with the parameters Holdfast uses.
///
/// Entra ID client assertions carry `alg` with `x5t` (RS256) or `x5t#S256` (PS256), and `typ` JWT;
/// access tokens carry `kid`. Parameters not listed here are dropped when a header is decoded.
public struct JOSEHeader: Codable, Sendable, Hashable {
    /// `alg`: the algorithm name exactly as the token states it (possibly one Holdfast does not
    /// accept, such as "none"). `JSONWebSignature.sign` sets it; a decoded header always has one.
    public var algorithm: String?
    /// `typ`, usually "JWT".
    public var type: String?
    /// `cty`.
    public var contentType: String?
    /// `kid`: which of the signer's keys made the signature.
    public var keyID: String?
    /// `x5t`: base64url SHA-1 thumbprint of the signer's certificate.
    public var x509SHA1Thumbprint: String?
    /// `x5t#S256`: base64url SHA-256 thumbprint of the signer's certificate.
    public var x509SHA256Thumbprint: String?
    /// `x5c`: the signer's certificate chain, each standard base64 (not base64url) DER.
    public var x509CertificateChain: [String]?
    /// `crit`: extensions the recipient must understand. Holdfast understands none, so verification
    /// rejects any token that has this parameter (RFC 7515 section 4.1.11).
    public var critical: [String]?

    enum CodingKeys: String, CodingKey {
        case algorithm = "alg"
        case type = "typ"
        case contentType = "cty"
        case keyID = "kid"
        case x509SHA1Thumbprint = "x5t"
        case x509SHA256Thumbprint = "x5t#S256"
        case x509CertificateChain = "x5c"
        case critical = "crit"
    }

    public init(
        algorithm: SignatureAlgorithm? = nil,
        type: String? = "JWT",
        contentType: String? = nil,
        keyID: String? = nil,
        x509SHA1Thumbprint: String? = nil,
        x509SHA256Thumbprint: String? = nil,
        x509CertificateChain: [String]? = nil
    ) {
        self.algorithm = algorithm?.rawValue
        self.type = type
        self.contentType = contentType
        self.keyID = keyID
        self.x509SHA1Thumbprint = x509SHA1Thumbprint
        self.x509SHA256Thumbprint = x509SHA256Thumbprint
        self.x509CertificateChain = x509CertificateChain
        self.critical = nil
    }

    /// `alg` as an algorithm Holdfast knows; `nil` when absent or unknown ("none", "HS256", ...).
    public var signatureAlgorithm: SignatureAlgorithm? {
        self.algorithm.flatMap(SignatureAlgorithm.init(rawValue:))
    }
}

extension JOSEHeader {
    /// A header identifying `certificate` by its SHA-1 thumbprint (`x5t`), as Entra ID expects for
    /// RS256 client assertions.
    public static func x509SHA1(_ certificate: Certificate, type: String? = "JWT") -> JOSEHeader {
        JOSEHeader(type: type, x509SHA1Thumbprint: Base64URL.encode(certificate.sha1Thumbprint))
    }

    /// A header identifying `certificate` by its SHA-256 thumbprint (`x5t#S256`), as Entra ID expects
    /// for PS256 client assertions.
    public static func x509SHA256(_ certificate: Certificate, type: String? = "JWT") -> JOSEHeader {
        JOSEHeader(type: type, x509SHA256Thumbprint: Base64URL.encode(certificate.sha256Thumbprint))
    }
}
