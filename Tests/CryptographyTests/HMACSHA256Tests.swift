import Cryptography
import Testing

@Suite("HMAC-SHA-256")
struct HMACSHA256Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let data: [UInt8]
        let mac: String
        var testDescription: String { self.name }
    }

    /// RFC 4231 section 4, test cases 1–4, 6 and 7 (test case 5 checks truncated output, which this
    /// API does not offer).
    static let vectors: [Vector] = [
        Vector(
            name: "RFC 4231 test case 1",
            key: [UInt8](repeating: 0x0B, count: 20),
            data: Array("Hi There".utf8),
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        Vector(
            name: "RFC 4231 test case 2",
            key: Array("Jefe".utf8),
            data: Array("what do ya want for nothing?".utf8),
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        Vector(
            name: "RFC 4231 test case 3",
            key: [UInt8](repeating: 0xAA, count: 20),
            data: [UInt8](repeating: 0xDD, count: 50),
            mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        Vector(
            name: "RFC 4231 test case 4",
            key: hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
            data: [UInt8](repeating: 0xCD, count: 50),
            mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        Vector(
            name: "RFC 4231 test case 6",
            key: [UInt8](repeating: 0xAA, count: 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        Vector(
            name: "RFC 4231 test case 7",
            key: [UInt8](repeating: 0xAA, count: 131),
            data: Array(
                "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
                    .utf8
            ),
            mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test("Matches RFC 4231", arguments: vectors)
    func knownAnswers(vector: Vector) {
        let mac = HMACSHA256.authenticate(vector.data, key: vector.key)
        #expect(Hex.encode(mac) == vector.mac)
        #expect(HMACSHA256.isValid(hex(vector.mac), for: vector.data, key: vector.key))
    }

    @Test("A keyed authenticator matches RFC 4231, message after message", arguments: vectors)
    func keyedAuthenticator(vector: Vector) {
        let authenticator = HMACSHA256.KeyedAuthenticator(key: vector.key)
        // Twice, and in pieces: each MAC starts from the keyed state, never from the last message.
        #expect(Hex.encode(authenticator.authenticate(vector.data)) == vector.mac)
        let split = vector.data.count / 3
        #expect(Hex.encode(authenticator.authenticate(Array(vector.data[..<split]), [], Array(vector.data[split...]))) == vector.mac)
        #expect(authenticator.authenticate(vector.data + [0]) == HMACSHA256.authenticate(vector.data + [0], key: vector.key))
    }

    @Test("Streaming equals one-shot")
    func streaming() {
        let key = SecureRandom.bytes(32)
        let data = SecureRandom.bytes(10_000)
        var authenticator = HMACSHA256.Authenticator(key: key)
        authenticator.update(Array(data[..<3]))
        authenticator.update(Array(data[3..<7000]))
        authenticator.update(Array(data[7000...]))
        #expect(authenticator.finalize() == HMACSHA256.authenticate(data, key: key))
    }

    @Test("An empty key is a valid HMAC key (RFC 2104)")
    func emptyKey() {
        // HMAC with an empty key equals HMAC with a block of zeros: the key is zero-padded to the block.
        let data = Array("holdfast".utf8)
        #expect(HMACSHA256.authenticate(data, key: []) == HMACSHA256.authenticate(data, key: [UInt8](repeating: 0, count: 64)))
    }

    @Test("A changed MAC, message or key is rejected")
    func rejectsChanges() {
        let key = SecureRandom.bytes(32)
        let data = Array("tenant 42 / users / 7".utf8)
        let mac = HMACSHA256.authenticate(data, key: key)
        #expect(HMACSHA256.isValid(mac, for: data, key: key))

        var flipped = mac
        flipped[31] ^= 0x01
        #expect(!HMACSHA256.isValid(flipped, for: data, key: key))
        #expect(!HMACSHA256.isValid(Array(mac.prefix(16)), for: data, key: key))
        #expect(!HMACSHA256.isValid([], for: data, key: key))
        #expect(!HMACSHA256.isValid(mac, for: data + [0], key: key))
        #expect(!HMACSHA256.isValid(mac, for: data, key: SecureRandom.bytes(32)))
    }
}
