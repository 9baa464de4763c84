import Cryptography
import Testing
@testable import Console

/// RFC 7914 section 12 vectors through OpenSSL's EVP_KDF, and the stored-hash format around them.
@Suite struct ScryptTests {
    @Test func rfc7914Vectors() throws {
        let empty = try Scrypt.deriveKey(password: [], salt: [], parameters: .init(logCost: 4, blockSize: 1, parallelism: 1), outputByteCount: 64)
        #expect(Hex.encode(empty) == "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")
        let nacl = try Scrypt.deriveKey(password: Array("password".utf8), salt: Array("NaCl".utf8),
                                        parameters: .init(logCost: 10, blockSize: 8, parallelism: 16), outputByteCount: 64)
        #expect(Hex.encode(nacl) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test func parametersOutsideTheRangesAreRefused() {
        #expect(throws: CryptoError.self) {
            try Scrypt.deriveKey(password: [1], salt: [1], parameters: .init(logCost: 25, blockSize: 8, parallelism: 1), outputByteCount: 32)
        }
        #expect(throws: CryptoError.self) {
            try Scrypt.deriveKey(password: [1], salt: [1], parameters: .init(logCost: 10, blockSize: 8, parallelism: 1), outputByteCount: 0)
        }
    }

    @Test func storedHashesVerifyAndCarryTheirParameters() async throws {
        let hasher = PasswordHasher(parameters: .init(logCost: 10, blockSize: 8, parallelism: 1))
        let stored = try await hasher.hash("correct horse battery staple")
        #expect(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try await hasher.verify("correct horse battery staple", against: stored))
        #expect(try await !hasher.verify("correct horse battery stapler", against: stored))
        // The same password twice: different salts, different strings.
        #expect(try await hasher.hash("correct horse battery staple") != stored)
        // A hasher with other defaults still verifies (parameters come from the stored string).
        #expect(try await PasswordHasher(parameters: .init(logCost: 12, blockSize: 8, parallelism: 1)).verify("correct horse battery staple", against: stored))
        let parts = stored.split(separator: "$")
        for broken in ["", "$scrypt$", "$bcrypt$ln=10,r=8,p=1$\(parts[2])$\(parts[3])", "$scrypt$ln=30,r=8,p=1$\(parts[2])$\(parts[3])",
                       "$scrypt$ln=10,r=8$\(parts[2])$\(parts[3])", "$scrypt$ln=10,r=8,p=1$!!$\(parts[3])", "$scrypt$ln=10,r=8,p=1$\(parts[2])$AAAA"] {
            #expect(try await !hasher.verify("correct horse battery staple", against: broken), "\(broken)")
        }
    }
}
