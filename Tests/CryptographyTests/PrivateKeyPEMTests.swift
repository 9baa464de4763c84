import Cryptography
import Testing

@Suite("Private and public key PEM")
struct PrivateKeyPEMTests {
    @Test("PKCS#8 PEM round-trips for every kind", arguments: [KeyKind.rsa, .ecP256, .ed25519])
    func pkcs8RoundTrip(kind: KeyKind) throws {
        let key = try generateKey(kind)
        let pem = try key.pemPKCS8()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let reloaded = try PrivateKey(pem: pem)
        #expect(reloaded.kind == kind)
        #expect(reloaded.publicKey == key.publicKey)

        let publicPEM = key.publicKey.pem()
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(try PublicKey(pem: publicPEM) == key.publicKey)
        #expect(try PublicKey(der: key.publicKey.der) == key.publicKey)
    }

    @Test("Encrypted PKCS#8 PEM needs its password", arguments: [KeyKind.rsa, .ecP256, .ed25519])
    func encryptedPKCS8(kind: KeyKind) throws {
        let key = try generateKey(kind)
        let pem = try key.pemPKCS8(password: "correct horse")
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"))
        #expect(try PrivateKey(pem: pem, password: "correct horse").publicKey == key.publicKey)

        let wrong = #expect(throws: CryptoError.self) { try PrivateKey(pem: pem, password: "battery staple") }
        #expect(wrong?.code == .incorrectPassword)
        let missing = #expect(throws: CryptoError.self) { try PrivateKey(pem: pem) }
        #expect(missing?.code == .incorrectPassword)
    }

    @Test("Keys in openssl's PKCS#1, SEC1, encrypted PKCS#8 and legacy encrypted forms load")
    func openSSLFormats() async throws {
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try await openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem")
            try await openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem")
            try await openssl.run("pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa-public.pem")
            try await openssl.run("pkey", "-in", "ec.pem", "-pubout", "-out", "ec-public.pem")
            try await openssl.run("rsa", "-in", "rsa.pem", "-traditional", "-out", "rsa-pkcs1.pem")
            try await openssl.run("ec", "-in", "ec.pem", "-out", "ec-sec1.pem")
            try await openssl.run("pkcs8", "-topk8", "-in", "rsa.pem", "-v2", "aes-256-cbc", "-passout", "pass:s3cret", "-out", "rsa-encrypted.pem")
            try await openssl.run("rsa", "-in", "rsa.pem", "-traditional", "-aes256", "-passout", "pass:s3cret", "-out", "rsa-legacy-encrypted.pem")
            try await openssl.run("ec", "-in", "ec.pem", "-aes256", "-passout", "pass:s3cret", "-out", "ec-legacy-encrypted.pem")

            let rsaPublic = try PublicKey(pem: openssl.readText("rsa-public.pem"))
            let ecPublic = try PublicKey(pem: openssl.readText("ec-public.pem"))
            let cases: [(file: String, label: String, password: String?, expected: PublicKey)] = [
                ("rsa-pkcs1.pem", "-----BEGIN RSA PRIVATE KEY-----", nil, rsaPublic),
                ("ec-sec1.pem", "-----BEGIN EC PRIVATE KEY-----", nil, ecPublic),
                ("rsa-encrypted.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----", "s3cret", rsaPublic),
                ("rsa-legacy-encrypted.pem", "-----BEGIN RSA PRIVATE KEY-----", "s3cret", rsaPublic),
                ("ec-legacy-encrypted.pem", "-----BEGIN EC PRIVATE KEY-----", "s3cret", ecPublic),
            ]
            for testCase in cases {
                let pem = try openssl.readText(testCase.file)
                #expect(pem.hasPrefix(testCase.label), "\(testCase.file)")
                let key = try PrivateKey(pem: pem, password: testCase.password)
                #expect(key.publicKey == testCase.expected, "\(testCase.file)")
                if testCase.password != nil {
                    let error = #expect(throws: CryptoError.self, "\(testCase.file)") { try PrivateKey(pem: pem, password: "wrong") }
                    #expect(error?.code == .incorrectPassword, "\(testCase.file)")
                }
            }
        }
    }

    @Test("openssl reads the encrypted PKCS#8 written here")
    func openSSLReadsOurEncryptedKey() async throws {
        let key = try PrivateKey.generateP256()
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try openssl.write(key.pemPKCS8(password: "s3cret"), to: "key.pem")
            let publicPEM = try await openssl.run("pkey", "-in", "key.pem", "-passin", "pass:s3cret", "-pubout")
            #expect(publicPEM == key.publicKey.pem())
            let refused = try await openssl.status(of: ["pkey", "-in", "key.pem", "-passin", "pass:wrong", "-pubout"])
            #expect(refused.status != 0)
        }
    }

    @Test("Weak, foreign and malformed keys are refused with a reason")
    func refusals() async throws {
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try await openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa1024.pem")
            try await openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "p384.pem")
            try await openssl.run("genpkey", "-algorithm", "ED448", "-out", "ed448.pem")

            let short = #expect(throws: CryptoError.self) { try PrivateKey(pem: openssl.readText("rsa1024.pem")) }
            #expect(short?.code == .invalidKey)
            let curve = #expect(throws: CryptoError.self) { try PrivateKey(pem: openssl.readText("p384.pem")) }
            #expect(curve?.code == .unsupportedAlgorithm)
            let ed448 = #expect(throws: CryptoError.self) { try PrivateKey(pem: openssl.readText("ed448.pem")) }
            #expect(ed448?.code == .unsupportedAlgorithm)
        }
        let publicOnly = try PrivateKey.generateP256().publicKey.pem()
        let notPrivate = #expect(throws: CryptoError.self) { try PrivateKey(pem: publicOnly) }
        #expect(notPrivate?.code == .invalidKey)
        let garbage = #expect(throws: CryptoError.self) { try PrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        #expect(garbage?.code == .invalidKey)
        #expect(throws: CryptoError.self) { try PrivateKey(pem: "") }
        #expect(throws: CryptoError.self) { try PublicKey(pem: "not a key") }
        #expect(throws: CryptoError.self) { try PublicKey(der: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        #expect(throws: CryptoError.self) { try PrivateKey.generateRSA(bits: 1024) }
    }

    @Test("Errors explain themselves without secrets, and carry OpenSSL's reasons for operators")
    func errorDescriptions() throws {
        let key = try PrivateKey.generateRSA()
        let pem = try key.pemPKCS8(password: "hunter2-password")
        let error = #expect(throws: CryptoError.self) { try PrivateKey(pem: pem, password: "wrong-guess") }
        let description = try #require(error).description
        #expect(description.contains("incorrectPassword"))
        #expect(!description.contains("hunter2-password") && !description.contains("wrong-guess"))
        #expect(!(try #require(error).openSSLErrors.isEmpty))
        #expect(try #require(error).debugDescription.contains("openssl:"))
    }

    @Test("The key in a combined certificate-and-key PEM file is found")
    func combinedFile() throws {
        let key = try PrivateKey.generateP256()
        let certificate = try Certificate.selfSigned(key: key, commonName: "combined", validFor: 3600)
        let combined = try certificate.pem() + key.pemPKCS8()
        #expect(try PrivateKey(pem: combined).publicKey == key.publicKey)
        #expect(try Certificate(pem: combined) == certificate)
    }
}
