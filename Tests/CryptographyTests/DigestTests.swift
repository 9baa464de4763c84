import Cryptography
import Testing

@Suite("SHA-256 and SHA-1")
struct DigestTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let message: [UInt8]
        let digest: String
        var testDescription: String { "\(self.message.count)-byte message" }
    }

    /// NIST CAVP SHA256ShortMsg.rsp (Len = 0, 8, 16, 24, 32 bits) and the FIPS 180-2 examples.
    static let sha256Vectors: [Vector] = [
        Vector(message: [], digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(message: hex("d3"), digest: "28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1"),
        Vector(message: hex("11af"), digest: "5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98"),
        Vector(message: hex("b4190e"), digest: "dff2e73091f6c05e528896c4c831b9448653dc2ff043528f6769437bc7b975c2"),
        Vector(message: hex("74ba2521"), digest: "b16aa56be3880d18cd41e68384cf1ec8c17680c45a02b1575dc1518923ae8b0e"),
        Vector(message: Array("abc".utf8), digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(
            message: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
            digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ]

    @Test("SHA-256 matches NIST short-message vectors", arguments: sha256Vectors)
    func sha256KnownAnswers(vector: Vector) {
        #expect(Hex.encode(SHA256.hash(vector.message)) == vector.digest)
    }

    @Test("Streaming SHA-256 over uneven pieces equals the one-shot hash")
    func streamingHasherMatchesOneShot() {
        let message = SecureRandom.bytes(100_003)
        var hasher = SHA256.Hasher()
        var offset = 0
        for size in [0, 1, 63, 64, 65, 4096, 100_003] where offset < message.count {
            let end = min(offset + size, message.count)
            hasher.update(message[offset..<end])
            offset = end
        }
        hasher.update(message[offset...])
        #expect(hasher.finalize() == SHA256.hash(message))
    }

    @Test("A non-contiguous sequence hashes like its bytes")
    func nonContiguousSequence() {
        let message = Array("abc".utf8)
        #expect(SHA256.hash(message.lazy.map { $0 }) == SHA256.hash(message))
        // One million 'a's: FIPS 180-2 appendix B.3, fed through the chunked path.
        let millionAs = repeatElement(UInt8(ascii: "a"), count: 1_000_000)
        #expect(Hex.encode(SHA256.hash(millionAs.lazy.map { $0 })) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("SHA-1 matches the FIPS 180-2 examples")
    func sha1KnownAnswers() {
        #expect(Hex.encode(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            Hex.encode(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        )
        #expect(Hex.encode(SHA1.hash([UInt8]())) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }
}
