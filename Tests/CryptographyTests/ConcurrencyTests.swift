import Cryptography
import Testing

/// Keys and certificates are `Sendable` on the strength of OpenSSL's documented thread-safety for
/// objects used without modification; these tests exercise that sharing (run them under
/// `--sanitize=thread` to have data races reported).
@Suite("Sharing keys across tasks")
struct ConcurrencyTests {
    @Test("One key signs and verifies from many tasks at once", arguments: SignatureAlgorithm.allCases)
    func sharedKey(algorithm: SignatureAlgorithm) async throws {
        let key = try generateKey(algorithm.keyKind)
        let certificate = try Certificate.selfSigned(key: key, commonName: "shared", validFor: 600)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let data = Array("message \(index)".utf8)
                    let signature = try key.sign(data, algorithm: algorithm)
                    let token = try JSONWebSignature.sign(claims: ["n": index], key: key, algorithm: algorithm)
                    _ = try JSONWebSignature.verify(token, key: certificate.publicKey, allowedAlgorithms: [algorithm])
                    return key.publicKey.verify(signature, for: data, algorithm: algorithm)
                        && certificate.publicKey.verify(signature, for: data, algorithm: algorithm)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 })
    }

    @Test("Seal, open, hash and MAC run concurrently with the shared algorithm handles")
    func sharedAlgorithms() async throws {
        let key = SecureRandom.bytes(32)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let plaintext = Array("object \(index)".utf8) + SecureRandom.bytes(index * 97)
                    let box = try AES256GCM.seal(plaintext, key: key, authenticating: [UInt8(index)])
                    let opened = try AES256GCM.open(box, key: key, authenticating: [UInt8(index)])
                    let mac = HMACSHA256.authenticate(plaintext, key: key)
                    let derived = HKDF.deriveKey(inputKeyMaterial: key, salt: [], info: [UInt8(index)], outputByteCount: 32)
                    return opened == plaintext
                        && HMACSHA256.isValid(mac, for: plaintext, key: key)
                        && SHA256.hash(plaintext).count == 32
                        && derived.count == 32
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0 })
    }
}
