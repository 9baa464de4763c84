import Cryptography
import Foundation
import Testing

@Suite("X.509 certificates")
struct CertificateTests {
    /// `AB:CD:…` from `openssl x509 -fingerprint` as bytes.
    static func fingerprint(_ output: String) throws -> [UInt8] {
        let value = try #require(output.split(separator: "=", maxSplits: 1).last)
        return try #require(Hex.decode(value.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "")))
    }

    /// `notBefore=2026-11-21 19:39:13Z` (openssl's `-dateopt iso_8601`) as a date.
    static func isoDate(_ line: Substring) throws -> Date {
        let value = try #require(line.split(separator: "=", maxSplits: 1).last).replacingOccurrences(of: " ", with: "T")
        return try #require(ISO8601DateFormatter().date(from: value))
    }

    @Test("Thumbprints, subject, dates and key of an openssl-made certificate match openssl's view")
    func openSSLCertificate() async throws {
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try await openssl.run(
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "certificate.pem",
                "-subj", "/CN=holdfast-app/O=Holdfast Test", "-days", "30"
            )
            let pem = try openssl.readText("certificate.pem")
            let certificate = try Certificate(pem: pem)

            let sha1 = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-fingerprint", "-sha1")
            let sha256 = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-fingerprint", "-sha256")
            #expect(certificate.sha1Thumbprint == (try Self.fingerprint(sha1)))
            #expect(certificate.sha256Thumbprint == (try Self.fingerprint(sha256)))
            #expect(certificate.sha1Thumbprint.count == 20 && certificate.sha256Thumbprint.count == 32)

            let subject = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-subject", "-nameopt", "RFC2253")
            #expect("subject=" + certificate.subject + "\n" == subject)
            #expect(certificate.issuer == certificate.subject)

            let dates = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601")
            let lines = dates.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(certificate.notBefore == (try Self.isoDate(lines[0])))
            #expect(certificate.notAfter == (try Self.isoDate(lines[1])))
            #expect(certificate.notAfter.timeIntervalSince(certificate.notBefore) == 30 * 86400)

            let serial = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-serial")
            #expect("serial=" + Hex.encode(certificate.serialNumber).uppercased() + "\n" == serial)

            let key = try PrivateKey(pem: openssl.readText("key.pem"))
            #expect(certificate.publicKey == key.publicKey)
            // Written back out, the PEM is byte-for-byte what openssl wrote.
            #expect(certificate.pem() == pem)
            #expect(try Certificate(der: certificate.der) == certificate)
        }
    }

    @Test("A self-signed certificate made here is well-formed for openssl", arguments: [KeyKind.rsa, .ecP256, .ed25519])
    func selfSigned(kind: KeyKind) async throws {
        let key = try generateKey(kind)
        let before = Date().addingTimeInterval(-1).timeIntervalSince1970.rounded(.down)
        let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast-graph-sim", validFor: 90 * 86400)
        let after = Date().timeIntervalSince1970.rounded(.up)

        #expect(certificate.subject == "CN=holdfast-graph-sim")
        #expect(certificate.issuer == "CN=holdfast-graph-sim")
        #expect(certificate.publicKey == key.publicKey)
        #expect((before...after).contains(certificate.notBefore.timeIntervalSince1970))
        #expect(certificate.notAfter.timeIntervalSince(certificate.notBefore) == 90 * 86400)
        #expect(certificate.serialNumber.count == 16)
        #expect(certificate.isValid(at: Date()))
        #expect(!certificate.isValid(at: Date().addingTimeInterval(91 * 86400)))

        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try openssl.write(certificate.pem(), to: "certificate.pem")
            // -check_ss_sig makes openssl check the self-signature too.
            try await openssl.run("verify", "-check_ss_sig", "-CAfile", "certificate.pem", "certificate.pem")
            let publicKey = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-pubkey")
            #expect(publicKey == key.publicKey.pem())
            let text = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-text")
            #expect(text.contains("Version: 3 (0x2)"))
            #expect(text.contains("X509v3 Basic Constraints: critical\n                CA:FALSE"))
            #expect(text.contains("X509v3 Key Usage: critical\n                Digital Signature"))
            #expect(text.contains("X509v3 Subject Key Identifier"))
            let sha1 = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-fingerprint", "-sha1")
            let sha256 = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-fingerprint", "-sha256")
            #expect(try Self.fingerprint(sha1) == certificate.sha1Thumbprint)
            #expect(try Self.fingerprint(sha256) == certificate.sha256Thumbprint)

            // A certificate whose signature was changed no longer verifies, so the check above is real.
            var tampered = certificate.der
            tampered[tampered.count - 3] ^= 0x01
            try openssl.write(tampered, to: "tampered.der")
            try await openssl.run("x509", "-inform", "DER", "-in", "tampered.der", "-out", "tampered.pem")
            let refused = try await openssl.status(of: ["verify", "-check_ss_sig", "-CAfile", "tampered.pem", "tampered.pem"])
            #expect(refused.status != 0)
        }
    }

    @Test("Every certificate of a PEM chain is read, in order")
    func chain() throws {
        let leaf = try Certificate.selfSigned(key: PrivateKey.generateP256(), commonName: "leaf", validFor: 60)
        let issuer = try Certificate.selfSigned(key: PrivateKey.generateP256(), commonName: "issuer", validFor: 60)
        let chain = try Certificate.all(pem: leaf.pem() + "\n" + issuer.pem())
        #expect(chain == [leaf, issuer])
        #expect(throws: CryptoError.self) { try Certificate.all(pem: "nothing here") }
    }

    @Test("Malformed certificates and arguments are refused")
    func refusals() throws {
        let certificate = try Certificate.selfSigned(key: PrivateKey.generateP256(), commonName: "x", validFor: 60)
        let trailing = #expect(throws: CryptoError.self) { try Certificate(der: certificate.der + [0]) }
        #expect(trailing?.code == .invalidCertificate)
        let truncated = #expect(throws: CryptoError.self) { try Certificate(der: Array(certificate.der.dropLast(10))) }
        #expect(truncated?.code == .invalidCertificate)
        let notPEM = #expect(throws: CryptoError.self) { try Certificate(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n") }
        #expect(notPEM?.code == .invalidCertificate)
        let key = try PrivateKey.generateEd25519()
        #expect(throws: CryptoError.self) { try Certificate.selfSigned(key: key, commonName: "x", validFor: 0) }
        #expect(throws: CryptoError.self) { try Certificate.selfSigned(key: key, commonName: "", validFor: 60) }
    }
}

extension CertificateTests {
    @Test("Validity beyond 2049 uses GeneralizedTime and still reads back exactly")
    func generalizedTime() async throws {
        let key = try PrivateKey.generateP256()
        let fortyYears: TimeInterval = 40 * 365 * 86400
        let certificate = try Certificate.selfSigned(key: key, commonName: "long-lived", validFor: fortyYears)
        #expect(certificate.notAfter.timeIntervalSince(certificate.notBefore) == fortyYears)
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try openssl.write(certificate.pem(), to: "certificate.pem")
            let endDate = try await openssl.run("x509", "-in", "certificate.pem", "-noout", "-enddate", "-dateopt", "iso_8601")
            #expect(certificate.notAfter == (try Self.isoDate(endDate.dropLast())))
            let asn1 = try await openssl.run("asn1parse", "-in", "certificate.pem")
            #expect(asn1.contains("GENERALIZEDTIME"))
        }
    }
}
