import Cryptography
import Testing

@Suite("AES-256-GCM")
struct AES256GCMTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let nonce: [UInt8]
        let plaintext: [UInt8]
        let aad: [UInt8]
        let ciphertext: [UInt8]
        let tag: [UInt8]
        var testDescription: String { self.name }
    }

    static let gcmSpecKey = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    static let gcmSpecNonce = hex("cafebabefacedbaddecaf888")

    /// The AES-256 test cases of "The Galois/Counter Mode of Operation (GCM)" (McGrew and Viega), the
    /// specification NIST SP 800-38D adopted; test cases 13–16 (those with 96-bit IVs).
    static let vectors: [Vector] = [
        Vector(
            name: "GCM test case 13 (empty plaintext)",
            key: [UInt8](repeating: 0, count: 32),
            nonce: [UInt8](repeating: 0, count: 12),
            plaintext: [],
            aad: [],
            ciphertext: [],
            tag: hex("530f8afbc74536b9a963b4f1c4cb738b")
        ),
        Vector(
            name: "GCM test case 14 (one zero block)",
            key: [UInt8](repeating: 0, count: 32),
            nonce: [UInt8](repeating: 0, count: 12),
            plaintext: [UInt8](repeating: 0, count: 16),
            aad: [],
            ciphertext: hex("cea7403d4d606b6e074ec5d3baf39d18"),
            tag: hex("d0d1c8a799996bf0265b98b5d48ab919")
        ),
        Vector(
            name: "GCM test case 15 (four blocks)",
            key: gcmSpecKey,
            nonce: gcmSpecNonce,
            plaintext: hex("""
                d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
                1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255
                """),
            aad: [],
            ciphertext: hex("""
                522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
                8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad
                """),
            tag: hex("b094dac5d93471bdec1a502270e3cc6c")
        ),
        Vector(
            name: "GCM test case 16 (partial block, with AAD)",
            key: gcmSpecKey,
            nonce: gcmSpecNonce,
            plaintext: hex("""
                d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
                1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39
                """),
            aad: hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
            ciphertext: hex("""
                522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
                8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662
                """),
            tag: hex("76fc6ece0f4e1768cddf8853bb2d551b")
        ),
    ]

    @Test("Seals to the published ciphertext and tag, and opens them", arguments: vectors)
    func knownAnswers(vector: Vector) throws {
        let box = try AES256GCM.seal(vector.plaintext, key: vector.key, nonce: vector.nonce, authenticating: vector.aad)
        #expect(box.nonce == vector.nonce)
        #expect(box.ciphertext == vector.ciphertext)
        #expect(box.tag == vector.tag)

        let published = try AES256GCM.SealedBox(nonce: vector.nonce, ciphertext: vector.ciphertext, tag: vector.tag)
        #expect(try AES256GCM.open(published, key: vector.key, authenticating: vector.aad) == vector.plaintext)
    }

    @Test("Combined form round-trips and a random nonce is drawn per seal")
    func combinedRoundTrip() throws {
        let key = SecureRandom.bytes(32)
        let plaintext = Array("{\"id\":\"7\",\"displayName\":\"Adele\"}".utf8)
        let first = try AES256GCM.seal(plaintext, key: key, authenticating: Array("tenant-1".utf8))
        let second = try AES256GCM.seal(plaintext, key: key, authenticating: Array("tenant-1".utf8))
        #expect(first.nonce != second.nonce)
        #expect(first.combined.count == 12 + plaintext.count + 16)

        let reopened = try AES256GCM.SealedBox(combined: first.combined)
        #expect(reopened == first)
        #expect(try AES256GCM.open(reopened, key: key, authenticating: Array("tenant-1".utf8)) == plaintext)
    }

    @Test("Tampered ciphertext, tag or nonce, wrong AAD and wrong key are rejected")
    func rejectsTampering() throws {
        let key = SecureRandom.bytes(32)
        let aad = Array("tenant-1/snapshot-9".utf8)
        let plaintext = SecureRandom.bytes(1000)
        let box = try AES256GCM.seal(plaintext, key: key, authenticating: aad)

        var ciphertext = box.ciphertext
        ciphertext[500] ^= 0x01
        var tag = box.tag
        tag[0] ^= 0x80
        var nonce = box.nonce
        nonce[11] ^= 0x01
        let attempts: [(String, AES256GCM.SealedBox, [UInt8], [UInt8])] = [
            ("flipped ciphertext bit", try AES256GCM.SealedBox(nonce: box.nonce, ciphertext: ciphertext, tag: box.tag), key, aad),
            ("flipped tag bit", try AES256GCM.SealedBox(nonce: box.nonce, ciphertext: box.ciphertext, tag: tag), key, aad),
            ("flipped nonce bit", try AES256GCM.SealedBox(nonce: nonce, ciphertext: box.ciphertext, tag: box.tag), key, aad),
            ("truncated ciphertext", try AES256GCM.SealedBox(nonce: box.nonce, ciphertext: Array(box.ciphertext.dropLast()), tag: box.tag), key, aad),
            ("wrong associated data", box, key, Array("tenant-2/snapshot-9".utf8)),
            ("missing associated data", box, key, []),
            ("wrong key", box, SecureRandom.bytes(32), aad),
        ]
        for (name, candidate, candidateKey, candidateAAD) in attempts {
            let error = #expect(throws: CryptoError.self, "\(name)") {
                try AES256GCM.open(candidate, key: candidateKey, authenticating: candidateAAD)
            }
            #expect(error?.code == .authenticationFailure, "\(name)")
        }
        // The untouched box still opens, so the rejections above are about the changes.
        #expect(try AES256GCM.open(box, key: key, authenticating: aad) == plaintext)
    }

    @Test("Malformed keys, nonces and boxes are refused before any cryptography")
    func rejectsMalformedInput() throws {
        #expect(throws: CryptoError.self) { try AES256GCM.seal([1], key: SecureRandom.bytes(16)) }
        let keyError = #expect(throws: CryptoError.self) { try AES256GCM.seal([1], key: SecureRandom.bytes(31)) }
        #expect(keyError?.code == .invalidKey)
        let nonceError = #expect(throws: CryptoError.self) {
            try AES256GCM.seal([1], key: SecureRandom.bytes(32), nonce: SecureRandom.bytes(16))
        }
        #expect(nonceError?.code == .invalidInput)
        let shortBox = #expect(throws: CryptoError.self) { try AES256GCM.SealedBox(combined: SecureRandom.bytes(27)) }
        #expect(shortBox?.code == .invalidInput)
        #expect(throws: CryptoError.self) { try AES256GCM.SealedBox(nonce: SecureRandom.bytes(12), ciphertext: [], tag: SecureRandom.bytes(12)) }
        // The smallest valid box: nothing sealed, nonce and tag only.
        let empty = try AES256GCM.seal([], key: SecureRandom.bytes(32))
        #expect(try AES256GCM.SealedBox(combined: empty.combined).ciphertext.isEmpty)
    }

    @Test("Large plaintexts round-trip")
    func largePlaintext() throws {
        let key = SecureRandom.bytes(32)
        let plaintext = SecureRandom.bytes(4 * 1024 * 1024 + 7)
        let box = try AES256GCM.seal(plaintext, key: key)
        #expect(box.ciphertext.count == plaintext.count)
        #expect(try AES256GCM.open(box, key: key) == plaintext)
    }
}
