import Cryptography
import Foundation
import Testing

/// RFC 6238 appendix B: every test vector, for SHA-1, SHA-256 and SHA-512 (8 digits), and the
/// console's checks around them (window, shape, replay is the store's).
@Suite struct TOTPTests {
    // The seeds of the RFC's reference implementation: the ASCII digits repeated to the hash's key size.
    static let seeds: [HMAC.Digest: [UInt8]] = [
        .sha1: Array("12345678901234567890".utf8),
        .sha256: Array("12345678901234567890123456789012".utf8),
        .sha512: Array("1234567890123456789012345678901234567890123456789012345678901234".utf8),
    ]

    static let vectors: [(time: Int64, digest: HMAC.Digest, code: String)] = [
        (59, .sha1, "94287082"), (59, .sha256, "46119246"), (59, .sha512, "90693936"),
        (1_111_111_109, .sha1, "07081804"), (1_111_111_109, .sha256, "68084774"), (1_111_111_109, .sha512, "25091201"),
        (1_111_111_111, .sha1, "14050471"), (1_111_111_111, .sha256, "67062674"), (1_111_111_111, .sha512, "99943326"),
        (1_234_567_890, .sha1, "89005924"), (1_234_567_890, .sha256, "91819424"), (1_234_567_890, .sha512, "93441116"),
        (2_000_000_000, .sha1, "69279037"), (2_000_000_000, .sha256, "90698825"), (2_000_000_000, .sha512, "38618901"),
        (20_000_000_000, .sha1, "65353130"), (20_000_000_000, .sha256, "77737706"), (20_000_000_000, .sha512, "47863826"),
    ]

    @Test func rfc6238Vectors() {
        for vector in Self.vectors {
            let totp = TOTP(secret: Self.seeds[vector.digest]!, digits: 8, period: 30, digest: vector.digest)
            #expect(totp.code(at: Date(timeIntervalSince1970: TimeInterval(vector.time))) == vector.code, "T=\(vector.time) \(vector.digest)")
        }
    }

    /// RFC 4226 appendix D: HOTP values for counters 0-9 of the SHA-1 seed (6 digits).
    @Test func rfc4226Vectors() {
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        let totp = TOTP(secret: Self.seeds[.sha1]!)
        for (counter, code) in expected.enumerated() {
            #expect(totp.code(counter: Int64(counter)) == code)
        }
    }

    @Test func matchingAllowsOneStepOfDriftAndNothingElse() {
        let totp = TOTP(secret: Self.seeds[.sha1]!)
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let step = totp.step(at: now)!
        #expect(totp.matchingStep(totp.code(counter: step), at: now) == step)
        #expect(totp.matchingStep(totp.code(counter: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(totp.code(counter: step + 1), at: now) == step + 1)
        #expect(totp.matchingStep(totp.code(counter: step - 2), at: now) == nil)
        #expect(totp.matchingStep(totp.code(counter: step + 2), at: now) == nil)
        for bad in ["", "12345", "1234567", "12 456", "abcdef", "١٢٣٤٥٦"] {
            #expect(totp.matchingStep(bad, at: now) == nil)
        }
    }

    @Test func provisioningURIAndBase32() {
        // RFC 4648 section 10 vectors, unpadded.
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("MZXW6!") == nil)
        let uri = TOTP(secret: Array("12345678901234567890".utf8)).provisioningURI(issuer: "Holdfast", account: "ann@example")
        #expect(uri == "otpauth://totp/Holdfast:ann%40example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Holdfast&algorithm=SHA1&digits=6&period=30")
    }
}
