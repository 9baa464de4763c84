import Foundation
import Cryptography
import NIOConcurrencyHelpers

/// The claims of an access token graph-sim issues, as Entra's v1 app-only tokens carry them.
public struct AccessTokenClaims: Codable, Sendable, Equatable {
    public var aud: String
    public var iss: String
    public var iat: Int
    public var nbf: Int
    public var exp: Int
    public var appDisplayName: String?
    public var appid: String
    public var appidacr: String
    public var idp: String
    public var idtyp: String
    public var oid: String
    public var roles: [String]?
    public var sub: String
    public var tid: String
    public var uti: String
    public var ver: String

    enum CodingKeys: String, CodingKey {
        case aud, iss, iat, nbf, exp
        case appDisplayName = "app_displayname"
        case appid, appidacr, idp, idtyp, oid, roles, sub, tid, uti, ver
    }
}

/// Signs access tokens with graph-sim's own RSA key (RS256, `kid` and `x5t` in the header) and
/// verifies the ones Graph requests present. Verified tokens are remembered, so the signature is
/// checked once per token rather than once per request.
final class TokenAuthority: Sendable {
    let signingKey: PrivateKey
    let certificate: Certificate
    let keyId: String
    private let verified = NIOLockedValueBox<[String: AccessTokenClaims]>([:])

    init(signingKey: PrivateKey) throws {
        self.signingKey = signingKey
        self.certificate = try Certificate.selfSigned(key: signingKey, commonName: "graph-sim token signing",
                                                      validFor: 10 * 365 * 86_400)
        self.keyId = Base64URL.encode(certificate.sha1Thumbprint)
    }

    func issue(_ claims: AccessTokenClaims) throws -> String {
        let header = JOSEHeader(type: "JWT", keyID: keyId, x509SHA1Thumbprint: keyId)
        return try JSONWebSignature.sign(header: header, claims: claims, key: signingKey, algorithm: .rs256)
    }

    enum Rejection: Error, Equatable {
        case empty
        case malformed
        case badSignature
        case expired
        case notYetValid
        case wrongAudience
    }

    /// The token's claims if it is one of ours, unexpired at `now` and meant for Graph.
    func verify(_ token: String, now: Date) throws(Rejection) -> AccessTokenClaims {
        guard !token.isEmpty else { throw .empty }
        let claims: AccessTokenClaims
        if let cached = verified.withLockedValue({ $0[token] }) {
            claims = cached
        } else {
            let jws: JSONWebSignature
            do {
                jws = try JSONWebSignature(compact: token)
            } catch {
                throw .malformed
            }
            do {
                try jws.verify(key: signingKey.publicKey, allowedAlgorithms: [.rs256])
            } catch {
                throw .badSignature
            }
            do {
                claims = try jws.claims(as: AccessTokenClaims.self)
            } catch {
                throw .malformed
            }
            verified.withLockedValue { cache in
                // Bounded: tokens live an hour; an unbounded cache would grow with every client.
                if cache.count > 20_000 { cache.removeAll(keepingCapacity: true) }
                cache[token] = claims
            }
        }
        let seconds = Int(now.timeIntervalSince1970)
        guard claims.aud == WellKnown.graphResource || claims.aud == WellKnown.microsoftGraphAppId
            || claims.aud == WellKnown.graphResource + "/" else { throw .wrongAudience }
        guard claims.exp > seconds else { throw .expired }
        guard claims.nbf <= seconds + 300 else { throw .notYetValid }
        return claims
    }
}
