#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A JWS in compact serialization (RFC 7515 section 7.1): `header.payload.signature`, each part
/// base64url. JWTs (RFC 7519) are JWSs whose payload is a JSON claims set.
///
/// To check a token whose key depends on its header (an Entra client assertion names its
/// certificate by `x5t`), decode it, look the key up, then verify:
///
///     let jws = try JSONWebSignature(compact: token)
///     let certificate = try lookUp(thumbprint: jws.header.x509SHA1Thumbprint)
///     try jws.verify(key: certificate.publicKey, allowedAlgorithms: [.rs256, .ps256])
///     let claims = try jws.claims(as: ClientAssertion.self)
///
/// Decoding alone proves nothing about who made the token.
public struct JSONWebSignature: Sendable, Hashable {
    /// The decoded protected header.
    public let header: JOSEHeader
    /// The payload bytes (for a JWT, the claims set's JSON).
    public let payload: [UInt8]
    /// `ASCII(base64url(header) || "." || base64url(payload))`, the bytes the signature covers.
    public let signingInput: [UInt8]
    /// The signature, as JWS carries it (for ES256 the 64-byte `r || s`).
    public let signature: [UInt8]

    /// Parses a compact JWS without verifying it. Throws `invalidInput` unless the token has three
    /// canonical base64url parts, a JSON object header with an `alg`, and a non-empty signature.
    public init(compact token: String) throws {
        let bytes = Array(token.utf8)
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw CryptoError(.invalidInput, "a compact JWS has 3 dot-separated parts, not \(parts.count)")
        }
        guard let headerJSON = Base64URL.decode(parts[0]),
            let payload = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2])
        else {
            throw CryptoError(.invalidInput, "a part of the JWS is not base64url without padding")
        }
        let header: JOSEHeader
        do {
            header = try JSONDecoder().decode(JOSEHeader.self, from: Data(headerJSON))
        } catch {
            throw CryptoError(.invalidInput, "the JWS header is not a JSON object of JOSE parameters", underlying: error)
        }
        guard header.algorithm != nil else {
            throw CryptoError(.invalidInput, "the JWS header has no \"alg\"")
        }
        guard !signature.isEmpty else {
            throw CryptoError(.invalidInput, "the JWS has no signature (unsecured JWSs are not accepted)")
        }
        self.header = header
        self.payload = payload
        self.signingInput = Array(bytes[..<parts[1].endIndex])
        self.signature = signature
    }

    /// Checks the signature with `key`.
    ///
    /// Throws `unsupportedAlgorithm` when `alg` is not in `allowedAlgorithms` (so "none", or an
    /// algorithm the caller did not expect, never reaches verification) or the header has `crit`;
    /// `authenticationFailure` when the signature does not verify, including when the key's kind does
    /// not fit `alg`.
    public func verify(key: PublicKey, allowedAlgorithms: Set<SignatureAlgorithm>) throws {
        guard let algorithm = self.header.signatureAlgorithm, allowedAlgorithms.contains(algorithm) else {
            let allowed = allowedAlgorithms.map(\.rawValue).sorted().joined(separator: ", ")
            throw CryptoError(.unsupportedAlgorithm, "JWS algorithm \"\(self.header.algorithm ?? "")\" is not accepted here (allowed: \(allowed))")
        }
        guard self.header.critical == nil else {
            throw CryptoError(.unsupportedAlgorithm, "the JWS names critical extensions, none of which are supported")
        }
        guard key.verify(self.signature, for: self.signingInput, algorithm: algorithm) else {
            throw CryptoError(.authenticationFailure, "the JWS signature does not verify with the key given")
        }
    }

    /// The payload decoded as JSON. NumericDate claims decode as seconds since 1970 into `Date`.
    public func claims<Claims: Decodable>(as type: Claims.Type = Claims.self) throws -> Claims {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(Claims.self, from: Data(self.payload))
        } catch {
            throw CryptoError(.invalidInput, "the JWS payload is not the expected JSON claims", underlying: error)
        }
    }
}

extension JSONWebSignature {
    /// Signs `claims` as a compact JWS: `header` with its `alg` set to `algorithm`, and `claims` as
    /// JSON with sorted keys and `Date`s as whole seconds since 1970 (JWT NumericDate).
    public static func sign(
        header: JOSEHeader = JOSEHeader(),
        claims: some Encodable,
        key: PrivateKey,
        algorithm: SignatureAlgorithm
    ) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Int64(date.timeIntervalSince1970.rounded(.down)))
        }
        let payload: Data
        do {
            payload = try encoder.encode(claims)
        } catch {
            throw CryptoError(.invalidInput, "the claims cannot be encoded as JSON", underlying: error)
        }
        return try Self.sign(header: header, payload: Array(payload), key: key, algorithm: algorithm)
    }

    /// Signs arbitrary `payload` bytes as a compact JWS, with `header`'s `alg` set to `algorithm`.
    public static func sign(
        header: JOSEHeader = JOSEHeader(),
        payload: [UInt8],
        key: PrivateKey,
        algorithm: SignatureAlgorithm
    ) throws -> String {
        var header = header
        header.algorithm = algorithm.rawValue
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let headerJSON: Data
        do {
            headerJSON = try encoder.encode(header)
        } catch {
            throw CryptoError(.invalidInput, "the JOSE header cannot be encoded as JSON", underlying: error)
        }
        let signingInput = Base64URL.encode(Array(headerJSON)) + "." + Base64URL.encode(payload)
        let signature = try key.sign(Array(signingInput.utf8), algorithm: algorithm)
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Parses a compact JWS without verifying it; see `init(compact:)`.
    public static func decode(_ token: String) throws -> JSONWebSignature {
        try JSONWebSignature(compact: token)
    }

    /// Parses and verifies a compact JWS in one step, returning its payload; see `verify(key:allowedAlgorithms:)`.
    public static func verify(_ token: String, key: PublicKey, allowedAlgorithms: Set<SignatureAlgorithm>) throws -> [UInt8] {
        let jws = try JSONWebSignature(compact: token)
        try jws.verify(key: key, allowedAlgorithms: allowedAlgorithms)
        return jws.payload
    }
}
