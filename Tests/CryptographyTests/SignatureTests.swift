import Cryptography
import Testing

@Suite("Signing and verification")
struct SignatureTests {
    @Test("Sign then verify round-trips; other data, keys and algorithms do not verify", arguments: SignatureAlgorithm.allCases)
    func roundTrip(algorithm: SignatureAlgorithm) throws {
        let key = try generateKey(algorithm.keyKind)
        let other = try generateKey(algorithm.keyKind)
        let data = Array("grant_type=client_credentials".utf8)
        let signature = try key.sign(data, algorithm: algorithm)

        let verifies = key.publicKey.verify(signature, for: data, algorithm: algorithm)
        #expect(verifies)
        let verifiesOtherData = key.publicKey.verify(signature, for: data + [0x20], algorithm: algorithm)
        #expect(!verifiesOtherData)
        let verifiesWithOtherKey = other.publicKey.verify(signature, for: data, algorithm: algorithm)
        #expect(!verifiesWithOtherKey)
        var flipped = signature
        flipped[flipped.count / 2] ^= 0x10
        let verifiesFlipped = key.publicKey.verify(flipped, for: data, algorithm: algorithm)
        #expect(!verifiesFlipped)
        let verifiesEmpty = key.publicKey.verify([], for: data, algorithm: algorithm)
        #expect(!verifiesEmpty)
        for otherAlgorithm in SignatureAlgorithm.allCases where otherAlgorithm != algorithm {
            let verifiesAsOther = key.publicKey.verify(signature, for: data, algorithm: otherAlgorithm)
            #expect(!verifiesAsOther, "verified as \(otherAlgorithm.rawValue)")
        }
    }

    @Test("Signature sizes follow the algorithm: 64-byte ES256 and EdDSA, modulus-sized RSA")
    func signatureSizes() throws {
        let p256 = try PrivateKey.generateP256()
        for _ in 0..<20 {
            // r or s with a leading zero byte must still give 64 bytes in JWS form.
            #expect(try p256.sign(SecureRandom.bytes(20), algorithm: .es256).count == 64)
        }
        #expect(try PrivateKey.generateEd25519().sign([1, 2, 3], algorithm: .edDSA).count == 64)
        #expect(try PrivateKey.generateRSA(bits: 3072).sign([1, 2, 3], algorithm: .rs256).count == 384)
    }

    @Test("RS256 is deterministic; PS256 and ES256 are randomised")
    func determinism() throws {
        let rsa = try PrivateKey.generateRSA()
        let data = Array("x".utf8)
        #expect(try rsa.sign(data, algorithm: .rs256) == rsa.sign(data, algorithm: .rs256))
        #expect(try rsa.sign(data, algorithm: .ps256) != rsa.sign(data, algorithm: .ps256))
        let ec = try PrivateKey.generateP256()
        #expect(try ec.sign(data, algorithm: .es256) != ec.sign(data, algorithm: .es256))
    }

    @Test("A key refuses to sign with an algorithm of another kind", arguments: [KeyKind.rsa, .ecP256, .ed25519])
    func refusesMismatchedAlgorithm(kind: KeyKind) throws {
        let key = try generateKey(kind)
        for algorithm in SignatureAlgorithm.allCases where algorithm.keyKind != kind {
            let error = #expect(throws: CryptoError.self) { try key.sign([1], algorithm: algorithm) }
            #expect(error?.code == .unsupportedAlgorithm)
        }
    }

    @Test("ECDSA signatures convert between DER and JWS form without loss")
    func ecdsaEncodingRoundTrip() throws {
        let key = try PrivateKey.generateP256()
        for _ in 0..<20 {
            let data = SecureRandom.bytes(16)
            let der = try key.derSignature(data, algorithm: .es256)
            let raw = try ECDSASignatureEncoding.jwsRaw(fromDER: der)
            #expect(raw.count == 64)
            #expect(try ECDSASignatureEncoding.der(fromJWSRaw: raw) == der)
            let verifies = key.publicKey.verify(raw, for: data, algorithm: .es256)
            #expect(verifies)
        }
        #expect(throws: CryptoError.self) { try ECDSASignatureEncoding.jwsRaw(fromDER: [0x30, 0x00, 0x00]) }
        #expect(throws: CryptoError.self) { try ECDSASignatureEncoding.der(fromJWSRaw: SecureRandom.bytes(63)) }
        // A DER signature followed by junk is not accepted as DER.
        let der = try key.derSignature([1], algorithm: .es256)
        #expect(throws: CryptoError.self) { try ECDSASignatureEncoding.jwsRaw(fromDER: der + [0]) }
    }

    @Test("Ed25519 public keys round-trip through their raw 32 bytes")
    func rawEd25519() throws {
        let key = try PrivateKey.generateEd25519()
        let raw = try #require(key.publicKey.rawEd25519)
        #expect(raw.count == 32)
        let rebuilt = try PublicKey(rawEd25519: raw)
        #expect(rebuilt == key.publicKey)
        let signature = try key.sign([9, 9, 9], algorithm: .edDSA)
        let verifies = rebuilt.verify(signature, for: [9, 9, 9], algorithm: .edDSA)
        #expect(verifies)
        #expect(try PrivateKey.generateP256().publicKey.rawEd25519 == nil)
        #expect(throws: CryptoError.self) { try PublicKey(rawEd25519: [1, 2, 3]) }
    }

    @Test("RSA and P-256 public keys expose their JWK components")
    func jwkComponents() throws {
        let rsa = try PrivateKey.generateRSA()
        let components = try #require(rsa.publicKey.rsaComponents)
        #expect(components.modulus.count == 256)
        #expect(components.modulus[0] & 0x80 != 0)
        #expect(components.exponent == [0x01, 0x00, 0x01])

        let ec = try PrivateKey.generateP256()
        let point = try #require(ec.publicKey.ecP256Coordinates)
        #expect(point.x.count == 32 && point.y.count == 32)
        // The SubjectPublicKeyInfo ends with the uncompressed point 04 || x || y.
        #expect(Array(ec.publicKey.der.suffix(65)) == [0x04] + point.x + point.y)
        #expect(rsa.publicKey.ecP256Coordinates == nil)
        #expect(ec.publicKey.rsaComponents == nil)
    }
}
