import Cryptography
import Testing

@Suite("Base64URL, Hex and SecureRandom")
struct EncodingTests {
    @Test("Base64URL matches RFC 4648 section 10 without padding")
    func rfc4648Vectors() {
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
            ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test("Base64URL uses - and _ and round-trips every byte value")
    func urlAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        let bytes = Array(0...255).map(UInt8.init)
        for count in 0...bytes.count {
            let slice = Array(bytes.prefix(count))
            #expect(Base64URL.decode(Base64URL.encode(slice)) == slice)
        }
    }

    @Test("Base64URL refuses non-canonical input")
    func rejectsNonCanonical() {
        #expect(Base64URL.decode("Zg==") == nil)  // padding
        #expect(Base64URL.decode("Zm9v+/") == nil)  // standard alphabet
        #expect(Base64URL.decode("Zm 9v") == nil)  // whitespace
        #expect(Base64URL.decode("Z") == nil)  // impossible length
        #expect(Base64URL.decode("Zh") == nil)  // non-zero trailing bits (canonical is "Zg")
        #expect(Base64URL.decode("Zm9") == nil)  // non-zero trailing bits (canonical is "Zm8")
    }

    @Test("Hex round-trips and refuses malformed text")
    func hexRoundTrip() {
        #expect(Hex.encode([0x00, 0x7F, 0xAB, 0xFF]) == "007fabff")
        #expect(Hex.decode("007FabfF") == [0x00, 0x7F, 0xAB, 0xFF])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test("SecureRandom gives the requested length and distinct draws")
    func randomBytes() {
        #expect(SecureRandom.bytes(0).isEmpty)
        let first = SecureRandom.bytes(32)
        let second = SecureRandom.bytes(32)
        #expect(first.count == 32)
        #expect(first != second)
    }

    @Test("SecureRandom.uuid is a lowercase version 4 UUID")
    func uuid() {
        let values = (0..<64).map { _ in SecureRandom.uuid() }
        #expect(Set(values).count == values.count)
        for value in values {
            let utf8 = Array(value.utf8)
            #expect(utf8.count == 36)
            #expect([8, 13, 18, 23].allSatisfy { utf8[$0] == UInt8(ascii: "-") })
            #expect(utf8[14] == UInt8(ascii: "4"))
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(utf8[19]))
            #expect(value == value.lowercased())
            #expect(Hex.decode(value.replacingOccurrences(of: "-", with: "")) != nil)
        }
    }
}
