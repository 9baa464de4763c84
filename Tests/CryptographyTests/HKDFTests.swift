import Cryptography
import Testing

@Suite("HKDF-SHA-256")
struct HKDFTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let inputKeyMaterial: [UInt8]
        let salt: [UInt8]
        let info: [UInt8]
        let length: Int
        let output: String
        var testDescription: String { self.name }
    }

    /// RFC 5869 appendix A, test cases 1–3 (the SHA-256 ones).
    static let vectors: [Vector] = [
        Vector(
            name: "RFC 5869 test case 1",
            inputKeyMaterial: [UInt8](repeating: 0x0B, count: 22),
            salt: hex("000102030405060708090a0b0c"),
            info: hex("f0f1f2f3f4f5f6f7f8f9"),
            length: 42,
            output: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        ),
        Vector(
            name: "RFC 5869 test case 2 (long inputs)",
            inputKeyMaterial: Array(0x00...0x4F),
            salt: Array(0x60...0xAF),
            info: Array(0xB0...0xFF),
            length: 82,
            output: """
                b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c\
                59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71\
                cc30c58179ec3e87c14c01d5c1f3434f1d87
                """
        ),
        Vector(
            name: "RFC 5869 test case 3 (empty salt and info)",
            inputKeyMaterial: [UInt8](repeating: 0x0B, count: 22),
            salt: [],
            info: [],
            length: 42,
            output: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        ),
    ]

    @Test("Matches RFC 5869", arguments: vectors)
    func knownAnswers(vector: Vector) {
        let output = HKDF.deriveKey(
            inputKeyMaterial: vector.inputKeyMaterial,
            salt: vector.salt,
            info: vector.info,
            outputByteCount: vector.length
        )
        #expect(Hex.encode(output) == vector.output)
    }

    @Test("Empty input key material follows RFC 5869's definition, computed here with HMAC")
    func emptyInputKeyMaterial() {
        // PRK = HMAC(salt = zeros, IKM = ""), T(1) = HMAC(PRK, info || 0x01).
        let pseudorandomKey = HMACSHA256.authenticate([], key: [UInt8](repeating: 0, count: 32))
        let expected = HMACSHA256.authenticate(Array("info".utf8) + [0x01], key: pseudorandomKey)
        #expect(HKDF.deriveKey(inputKeyMaterial: [], salt: [], info: Array("info".utf8), outputByteCount: 32) == expected)
    }

    @Test("Different info gives independent keys; a shorter output is a prefix of a longer one")
    func infoSeparatesKeys() {
        let master = SecureRandom.bytes(32)
        let salt = Array("holdfast".utf8)
        let tenantA = HKDF.deriveKey(inputKeyMaterial: master, salt: salt, info: Array("tenant:a".utf8), outputByteCount: 32)
        let tenantB = HKDF.deriveKey(inputKeyMaterial: master, salt: salt, info: Array("tenant:b".utf8), outputByteCount: 32)
        #expect(tenantA != tenantB)
        let longer = HKDF.deriveKey(inputKeyMaterial: master, salt: salt, info: Array("tenant:a".utf8), outputByteCount: 64)
        #expect(Array(longer.prefix(32)) == tenantA)
        let maximum = HKDF.deriveKey(inputKeyMaterial: master, salt: salt, info: [], outputByteCount: HKDF.maximumOutputByteCount)
        #expect(maximum.count == 255 * 32)
    }
}
