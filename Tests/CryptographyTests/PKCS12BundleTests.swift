import Cryptography
import Testing

@Suite("PKCS#12 bundles")
struct PKCS12BundleTests {
    @Test("A bundle made here opens here, with its chain", arguments: [KeyKind.rsa, .ecP256])
    func roundTrip(kind: KeyKind) throws {
        let key = try generateKey(kind)
        let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast-app", validFor: 3600)
        let issuer = try Certificate.selfSigned(key: PrivateKey.generateP256(), commonName: "holdfast-issuer", validFor: 3600)
        let der = try PKCS12Bundle.make(key: key, certificate: certificate, chain: [issuer], password: "pfx-password")

        let bundle = try PKCS12Bundle(der: der, password: "pfx-password")
        #expect(bundle.key.publicKey == key.publicKey)
        #expect(bundle.certificate == certificate)
        #expect(bundle.chain == [issuer])
        // The private key itself survived, not just its public half.
        let signature = try bundle.key.sign([1, 2, 3], algorithm: kind == .rsa ? .ps256 : .es256)
        let verifies = key.publicKey.verify(signature, for: [1, 2, 3], algorithm: kind == .rsa ? .ps256 : .es256)
        #expect(verifies)
    }

    @Test("The wrong password is reported as such")
    func wrongPassword() throws {
        let key = try PrivateKey.generateP256()
        let certificate = try Certificate.selfSigned(key: key, commonName: "x", validFor: 3600)
        let der = try PKCS12Bundle.make(key: key, certificate: certificate, password: "right")
        let error = #expect(throws: CryptoError.self) { try PKCS12Bundle(der: der, password: "wrong") }
        #expect(error?.code == .incorrectPassword)
        let garbage = #expect(throws: CryptoError.self) { try PKCS12Bundle(der: Array(der.prefix(100)), password: "right") }
        #expect(garbage?.code == .invalidInput)
    }

    @Test("A certificate that does not belong to the key is refused")
    func mismatchedCertificate() throws {
        let key = try PrivateKey.generateP256()
        let otherCertificate = try Certificate.selfSigned(key: PrivateKey.generateP256(), commonName: "other", validFor: 3600)
        let error = #expect(throws: CryptoError.self) {
            try PKCS12Bundle.make(key: key, certificate: otherCertificate, password: "pw")
        }
        #expect(error?.code == .invalidCertificate)
    }

    @Test("openssl reads a bundle made here, encrypted with AES-256 and MACed with SHA-256")
    func openSSLReadsOurs() async throws {
        let key = try PrivateKey.generateRSA()
        let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast-app", validFor: 3600)
        let der = try PKCS12Bundle.make(key: key, certificate: certificate, password: "pfx-password")
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try openssl.write(der, to: "bundle.p12")
            let info = try await openssl.status(of: ["pkcs12", "-in", "bundle.p12", "-passin", "pass:pfx-password", "-info", "-noout"])
            #expect(info.status == 0)
            // openssl prints the bundle's algorithms on standard error.
            #expect(info.standardError.contains("MAC: sha256"))
            #expect(info.standardError.contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"))
            #expect(!info.standardError.contains("RC2") && !info.standardError.contains("3DES"))

            try await openssl.run("pkcs12", "-in", "bundle.p12", "-passin", "pass:pfx-password", "-nokeys", "-out", "certificate.pem")
            try await openssl.run("pkcs12", "-in", "bundle.p12", "-passin", "pass:pfx-password", "-nocerts", "-nodes", "-out", "key.pem")
            #expect(try Certificate(pem: openssl.readText("certificate.pem")) == certificate)
            #expect(try PrivateKey(pem: openssl.readText("key.pem")).publicKey == key.publicKey)
        }
    }

    @Test("A bundle made by openssl pkcs12 -export opens here")
    func opensOpenSSLExport() async throws {
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try await openssl.run(
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "certificate.pem",
                "-subj", "/CN=exported", "-days", "2"
            )
            try await openssl.run(
                "pkcs12", "-export", "-inkey", "key.pem", "-in", "certificate.pem", "-passout", "pass:export-password", "-out", "bundle.p12"
            )
            let bundle = try PKCS12Bundle(der: openssl.read("bundle.p12"), password: "export-password")
            #expect(bundle.certificate == (try Certificate(pem: openssl.readText("certificate.pem"))))
            #expect(bundle.key.publicKey == (try PrivateKey(pem: openssl.readText("key.pem")).publicKey))
            #expect(bundle.certificate.subject == "CN=exported")
            #expect(bundle.chain.isEmpty)
        }
    }

    @Test("A legacy RC2-encrypted bundle is refused with a way forward")
    func legacyBundle() async throws {
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try await openssl.run(
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "key.pem", "-out", "certificate.pem", "-subj", "/CN=legacy", "-days", "2"
            )
            // -legacy: RC2-40 for certificates and 3DES for the key, as old Windows exports do.
            try await openssl.run(
                "pkcs12", "-export", "-legacy", "-inkey", "key.pem", "-in", "certificate.pem", "-passout", "pass:pw", "-out", "legacy.p12"
            )
            let error = #expect(throws: CryptoError.self) { try PKCS12Bundle(der: openssl.read("legacy.p12"), password: "pw") }
            #expect(error?.code == .unsupportedAlgorithm)
            #expect(error?.message.contains("AES-256") == true)
        }
    }
}
