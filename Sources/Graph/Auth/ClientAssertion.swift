import Cryptography
import Foundation

/// The signed JWT of a certificate client assertion (Entra "certificate credentials"): `aud` the
/// token endpoint, `iss` = `sub` = client id, a fresh `jti`, `nbf` now, `exp` ten minutes later.
enum ClientAssertion {
    struct Claims: Encodable {
        var aud: String
        var iss: String
        var sub: String
        var jti: String
        var nbf: Int64
        var iat: Int64
        var exp: Int64
    }

    static let lifetime: Int64 = 600

    static func make(
        tokenEndpoint: String,
        clientID: String,
        privateKey: PrivateKey,
        certificate: Certificate,
        signature: GraphClientCredential.AssertionSignature,
        now: Date = Date()
    ) throws -> String {
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims = Claims(aud: tokenEndpoint, iss: clientID, sub: clientID, jti: SecureRandom.uuid(),
                            nbf: issuedAt, iat: issuedAt, exp: issuedAt + Self.lifetime)
        switch signature {
        case .ps256:
            return try JSONWebSignature.sign(header: .x509SHA256(certificate), claims: claims, key: privateKey, algorithm: .ps256)
        case .rs256:
            return try JSONWebSignature.sign(header: .x509SHA1(certificate), claims: claims, key: privateKey, algorithm: .rs256)
        }
    }
}
