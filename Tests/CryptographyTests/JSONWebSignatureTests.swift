import Cryptography
import Foundation
import Testing

@Suite("JSON Web Signature")
struct JSONWebSignatureTests {
    /// The claims of an Entra ID client assertion.
    struct ClientAssertion: Codable, Equatable {
        var aud: String
        var iss: String
        var sub: String
        var jti: String
        var nbf: Date
        var exp: Date
    }

    static let assertion = ClientAssertion(
        aud: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
        iss: "97e0a5b7-d745-40b6-94fe-5f77d35c6e05",
        sub: "97e0a5b7-d745-40b6-94fe-5f77d35c6e05",
        jti: SecureRandom.uuid(),
        nbf: Date(timeIntervalSince1970: 1_767_225_600),
        exp: Date(timeIntervalSince1970: 1_767_226_200)
    )

    /// A token with the same signature but its header (or payload) replaced.
    static func replacing(part index: Int, of token: String, with json: String) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        parts[index] = Base64URL.encode(Array(json.utf8))
        return parts.joined(separator: ".")
    }

    @Test("Sign, decode and verify round-trip", arguments: SignatureAlgorithm.allCases)
    func roundTrip(algorithm: SignatureAlgorithm) throws {
        let key = try generateKey(algorithm.keyKind)
        let token = try JSONWebSignature.sign(header: JOSEHeader(keyID: "key-1"), claims: Self.assertion, key: key, algorithm: algorithm)
        #expect(token.split(separator: ".", omittingEmptySubsequences: false).count == 3)

        let jws = try JSONWebSignature(compact: token)
        #expect(jws.header.algorithm == algorithm.rawValue)
        #expect(jws.header.signatureAlgorithm == algorithm)
        #expect(jws.header.type == "JWT")
        #expect(jws.header.keyID == "key-1")
        try jws.verify(key: key.publicKey, allowedAlgorithms: [algorithm])
        #expect(try jws.claims(as: ClientAssertion.self) == Self.assertion)
        #expect(try JSONWebSignature.verify(token, key: key.publicKey, allowedAlgorithms: Set(SignatureAlgorithm.allCases)) == jws.payload)

        // NumericDate claims are whole seconds since 1970.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(jws.payload)) as? [String: Any])
        #expect(json["exp"] as? Int == 1_767_226_200)
    }

    @Test("Entra client assertion headers carry the certificate thumbprints")
    func certificateThumbprintHeaders() throws {
        let key = try PrivateKey.generateRSA()
        let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast", validFor: 3600)

        let rs256 = try JSONWebSignature.sign(header: .x509SHA1(certificate), claims: Self.assertion, key: key, algorithm: .rs256)
        let rs256Header = try JSONWebSignature.decode(rs256).header
        #expect(rs256Header.x509SHA1Thumbprint == Base64URL.encode(certificate.sha1Thumbprint))
        #expect(rs256Header.x509SHA256Thumbprint == nil)

        let ps256 = try JSONWebSignature.sign(header: .x509SHA256(certificate), claims: Self.assertion, key: key, algorithm: .ps256)
        let ps256Header = try JSONWebSignature.decode(ps256).header
        #expect(ps256Header.x509SHA256Thumbprint == Base64URL.encode(certificate.sha256Thumbprint))

        // The header JSON uses the registered names, "x5t#S256" included.
        let headerJSON = String(decoding: try #require(Base64URL.decode(String(ps256.prefix { $0 != "." }))), as: UTF8.self)
        #expect(headerJSON == #"{"alg":"PS256","typ":"JWT","x5t#S256":"\#(Base64URL.encode(certificate.sha256Thumbprint))"}"#)
        _ = try JSONWebSignature.verify(ps256, key: certificate.publicKey, allowedAlgorithms: [.ps256])
    }

    @Test("RFC 8037 A.4: the EdDSA example signs to the published token")
    func rfc8037EdDSA() throws {
        // RFC 8037 A.1's private key d, wrapped as a PKCS#8 OneAsymmetricKey (RFC 8410 section 7).
        let seed = try #require(Base64URL.decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"))
        let pkcs8 = hex("302e020100300506032b657004220420") + seed
        let pem = "-----BEGIN PRIVATE KEY-----\n\(Data(pkcs8).base64EncodedString())\n-----END PRIVATE KEY-----\n"
        let key = try PrivateKey(pem: pem)
        #expect(key.publicKey.rawEd25519 == Base64URL.decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"))

        let token = try JSONWebSignature.sign(
            header: JOSEHeader(type: nil),
            payload: Array("Example of Ed25519 signing".utf8),
            key: key,
            algorithm: .edDSA
        )
        #expect(
            token == "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
                + "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        )
    }

    @Test("RFC 7515 A.3: the published ES256 token verifies with its key")
    func rfc7515ES256() throws {
        let x = try #require(Base64URL.decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"))
        let y = try #require(Base64URL.decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"))
        // SubjectPublicKeyInfo for id-ecPublicKey / prime256v1, then the uncompressed point.
        let key = try PublicKey(der: hex("3059301306072a8648ce3d020106082a8648ce3d030107034200") + [0x04] + x + y)
        let token = "eyJhbGciOiJFUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
            + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
        let payload = try JSONWebSignature.verify(token, key: key, allowedAlgorithms: [.es256])
        #expect(payload == Array("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}".utf8))

        let tampered = String(token.dropLast()) + "A"
        let error = #expect(throws: CryptoError.self) { try JSONWebSignature.verify(tampered, key: key, allowedAlgorithms: [.es256]) }
        #expect(error?.code == .authenticationFailure)
    }

    @Test("A modified payload is rejected")
    func modifiedPayload() throws {
        let key = try PrivateKey.generateRSA()
        let token = try JSONWebSignature.sign(claims: Self.assertion, key: key, algorithm: .rs256)
        var forged = Self.assertion
        forged.sub = "00000000-0000-0000-0000-000000000000"
        let forgedJSON = String(decoding: try JSONEncoder().encode(forged), as: UTF8.self)
        let modified = Self.replacing(part: 1, of: token, with: forgedJSON)
        let error = #expect(throws: CryptoError.self) { try JSONWebSignature.verify(modified, key: key.publicKey, allowedAlgorithms: [.rs256]) }
        #expect(error?.code == .authenticationFailure)
    }

    @Test("alg none, unlisted, unknown and swapped algorithms are rejected")
    func algorithmAttacks() throws {
        let key = try PrivateKey.generateRSA()
        let token = try JSONWebSignature.sign(claims: Self.assertion, key: key, algorithm: .rs256)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)

        // Unsecured JWS: "alg":"none" with an empty signature.
        let unsecured = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + parts[1] + "."
        let unsecuredError = #expect(throws: CryptoError.self) { try JSONWebSignature.verify(unsecured, key: key.publicKey, allowedAlgorithms: [.rs256]) }
        #expect(unsecuredError?.code == .invalidInput)

        // "alg":"none" with a signature left in place.
        let noneWithSignature = Self.replacing(part: 0, of: token, with: #"{"alg":"none"}"#)
        let noneError = #expect(throws: CryptoError.self) {
            try JSONWebSignature.verify(noneWithSignature, key: key.publicKey, allowedAlgorithms: Set(SignatureAlgorithm.allCases))
        }
        #expect(noneError?.code == .unsupportedAlgorithm)

        // HS256 with the public key as the "secret": the classic confusion attack.
        let hmacToken = Self.replacing(part: 0, of: token, with: #"{"alg":"HS256"}"#)
        let hmacError = #expect(throws: CryptoError.self) {
            try JSONWebSignature.verify(hmacToken, key: key.publicKey, allowedAlgorithms: Set(SignatureAlgorithm.allCases))
        }
        #expect(hmacError?.code == .unsupportedAlgorithm)

        // A known algorithm the caller did not allow.
        let notAllowed = #expect(throws: CryptoError.self) { try JSONWebSignature.verify(token, key: key.publicKey, allowedAlgorithms: [.ps256]) }
        #expect(notAllowed?.code == .unsupportedAlgorithm)

        // The header claims PS256 over an RS256 signature.
        let swapped = Self.replacing(part: 0, of: token, with: #"{"alg":"PS256","typ":"JWT"}"#)
        let swappedError = #expect(throws: CryptoError.self) { try JSONWebSignature.verify(swapped, key: key.publicKey, allowedAlgorithms: [.rs256, .ps256]) }
        #expect(swappedError?.code == .authenticationFailure)

        // The right key of the wrong kind for the header's algorithm.
        let ecKey = try PrivateKey.generateP256()
        let wrongKind = #expect(throws: CryptoError.self) { try JSONWebSignature.verify(token, key: ecKey.publicKey, allowedAlgorithms: [.rs256]) }
        #expect(wrongKind?.code == .authenticationFailure)
    }

    @Test("Critical header extensions are refused")
    func criticalExtensions() throws {
        let key = try PrivateKey.generateP256()
        var header = JOSEHeader()
        header.critical = ["b64"]
        let token = try JSONWebSignature.sign(header: header, payload: [1, 2, 3], key: key, algorithm: .es256)
        let error = #expect(throws: CryptoError.self) { try JSONWebSignature.verify(token, key: key.publicKey, allowedAlgorithms: [.es256]) }
        #expect(error?.code == .unsupportedAlgorithm)
    }

    @Test("Malformed tokens are refused before any verification")
    func malformedTokens() throws {
        let key = try PrivateKey.generateEd25519()
        let token = try JSONWebSignature.sign(claims: ["sub": "x"], key: key, algorithm: .edDSA)
        let malformed = [
            "",
            "abc",
            token + ".extra",
            token.replacingOccurrences(of: ".", with: ".."),
            token + "=",
            Self.replacing(part: 0, of: token, with: "[]"),
            Self.replacing(part: 0, of: token, with: #"{"typ":"JWT"}"#),
            Self.replacing(part: 0, of: token, with: "not json"),
        ]
        for candidate in malformed {
            let error = #expect(throws: CryptoError.self, "\(candidate)") { try JSONWebSignature(compact: candidate) }
            #expect(error?.code == .invalidInput, "\(candidate)")
        }
        // The untouched token is fine, so each refusal above is about its change.
        _ = try JSONWebSignature.verify(token, key: key.publicKey, allowedAlgorithms: [.edDSA])
    }
}
