// Internal memberwise initialisers build a report without a database.
@testable import Compliance
import Cryptography
import Foundation
import HoldfastTesting
import Testing

@Suite("Report signatures")
struct ReportSignatureTests {
    /// A report with text in every section, built without a database.
    private func sampleReport(keyID: String) -> ComplianceReport {
        ComplianceReport(
            reportID: "11111111-2222-3333-4444-555555555555", generatedAt: History.hour(30), generator: "holdfast test",
            periodStart: History.hour(0), periodEnd: History.hour(24),
            scope: .init(kind: "partner", id: "00000000-0000-0000-0000-0000000000aa", name: "Fabrikam & Sons, \"Ltd\""),
            signingKeyID: keyID,
            tenants: [
                .init(
                    tenantID: "00000000-0000-0000-0000-000000000001", tenantName: "Contoso <EU>", entraTenantID: nil, partnerName: "Fabrikam",
                    status: "active", protectedSince: History.hour(0),
                    policy: .init(name: "standard", rpoTargetSeconds: 93_600, backupIntervalSeconds: 86_400, validationIntervalSeconds: 604_800,
                                  keepLast: 7, keepDaily: 30, keepWeekly: 12, keepMonthly: 12, keepYearly: 7, immutabilityWindowSeconds: 0),
                    backups: .init(scheduled: 3, succeeded: 2, partial: 0, failed: 1, failedAttempts: 1),
                    rpo: .init(adherence: 0.9, measuredSeconds: 86_400, breachedSeconds: 8640,
                               breaches: [.init(start: History.hour(10), end: History.hour(12.4), durationSeconds: 8640, ongoing: false)]),
                    slaHistory: .init(currentState: "ok", okSeconds: 80_000, atRiskSeconds: 6400, breachedSeconds: 0, unrecordedSeconds: 0, changes: 2),
                    restorePoints: .init(count: 2, oldest: History.hour(1), newest: History.hour(20), retention: "last 7"),
                    immutability: .init(windowSeconds: 0, legalHold: false, legalHoldReason: nil),
                    validations: .init(run: 1, passed: 1, runs: [.init(snapshotID: 4, startedAt: History.hour(5), finishedAt: History.hour(5.2),
                                                                         passed: true, restoreSeconds: 31.2, failedChecks: [])]),
                    encryption: .init(algorithm: "AES-256-GCM", dataKeys: [.init(dataKeyID: "dk-1", masterKeyID: "mk-1", createdAt: History.hour(0), rotatedAt: nil)]),
                    credentials: [.init(clientID: "c1", appKind: "tenant_app", kind: "certificate", expiresAt: History.hour(2000))])
            ])
    }

    private func withDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-signed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    @Test("`holdfast report verify` succeeds only against the published key, never on the .sig file's own key")
    func verifyCommandNeedsTheTrustedKey() async throws {
        try await withDirectory { directory in
            let key = try ReportSigningKey.generate()
            let path = "\(directory)/report.json"
            _ = try ComplianceReportWriter.write(sampleReport(keyID: key.keyID), format: .json, to: path, signingKey: key)
            let published = "\(directory)/published.pem"
            try key.publicKey.pem().write(toFile: published, atomically: true, encoding: .utf8)
            let binary = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path
            var environment = ProcessInfo.processInfo.environment
            environment["HOLDFAST_REPORT_PUBLIC_KEY_FILE"] = nil

            let untrusted = try await ProcessRunner.capture(binary, ["report", "verify", path], environment: environment)
            #expect(untrusted.status == 2, "\(untrusted.standardOutput) \(untrusted.standardError)")
            #expect(untrusted.standardError.contains("--public-key") && !untrusted.standardOutput.contains("OK"))

            let trusted = try await ProcessRunner.capture(binary, ["report", "verify", path, "--public-key", published], environment: environment)
            #expect(trusted.status == 0, "\(trusted.standardError)")
            #expect(trusted.standardOutput.contains("OK"))
        }
    }

    /// Review F12: `report keygen` writes the key 0600, and a key file its group or others can read
    /// is refused, as the master key file is.
    @Test func aSigningKeyFileOthersCanReadIsRefused() async throws {
        try await withDirectory { directory in
            let path = "\(directory)/signing.pem"
            let binary = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path
            let made = try await ProcessRunner.capture(binary, ["report", "keygen", "--out", path])
            #expect(made.status == 0, "\(made.standardError)")
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
            _ = try ReportSigningKey(pemFile: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            #expect(throws: ComplianceError(.signingKeyUnusable, "")) { try ReportSigningKey(pemFile: path) }
            do {
                _ = try ReportSigningKey(pemFile: path)
            } catch let error as ComplianceError {
                #expect(error.message.contains("mode 644") && error.message.contains("chmod 600"), "\(error.message)")
            }
        }
    }

    @Test("each format verifies as written and fails after one byte changes", arguments: ReportFormat.allCases)
    func tamper(format: ReportFormat) async throws {
        try await withDirectory { directory in
            let key = try ReportSigningKey.generate()
            let path = "\(directory)/report.\(format.fileExtension)"
            let report = sampleReport(keyID: key.keyID)
            let signature = try #require(try ComplianceReportWriter.write(report, format: format, to: path, signingKey: key))
            #expect(signature.keyID == key.keyID)
            #expect(try ComplianceReportWriter.verify(path: path, publicKeyPEM: key.publicKey.pem()).trustedKey)
            #expect(try ComplianceReportWriter.verify(path: path).trustedKey == false)

            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(String(decoding: bytes, as: UTF8.self).contains(key.keyID))  // the signed bytes name the key
            let index = bytes.count / 2
            bytes[index] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: ComplianceError(.signatureMismatch, "")) {
                try ComplianceReportWriter.verify(path: path, publicKeyPEM: key.publicKey.pem())
            }
            bytes[index] ^= 0x01
            bytes.append(UInt8(ascii: " "))
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: ComplianceError(.signatureMismatch, "")) {
                try ComplianceReportWriter.verify(path: path)
            }
        }
    }

    @Test("a report signed by another key than the published one is refused")
    func otherKey() async throws {
        try await withDirectory { directory in
            let published = try ReportSigningKey.generate()
            let impostor = try ReportSigningKey.generate()
            let path = "\(directory)/report.json"
            try ComplianceReportWriter.write(sampleReport(keyID: impostor.keyID), format: .json, to: path, signingKey: impostor)
            #expect(throws: ComplianceError(.keyMismatch, "")) {
                try ComplianceReportWriter.verify(path: path, publicKeyPEM: published.publicKey.pem())
            }
            // Swapping in the impostor's key id while keeping its signature does not help either.
            let sigPath = ComplianceReportWriter.signaturePath(for: path)
            var signature = try ReportSignature.decode(Array(try Data(contentsOf: URL(fileURLWithPath: sigPath))))
            signature.keyID = published.keyID
            try Data(try signature.encoded()).write(to: URL(fileURLWithPath: sigPath))
            #expect(throws: ComplianceError(.signatureMismatch, "")) {
                try ComplianceReportWriter.verify(path: path, publicKeyPEM: published.publicKey.pem())
            }
            try FileManager.default.removeItem(atPath: sigPath)
            #expect(throws: ComplianceError(.signatureFileInvalid, "")) {
                try ComplianceReportWriter.verify(path: path)
            }
        }
    }

    /// The recipe docs/reports.md gives auditors, run with the openssl command-line tool.
    @Test("an auditor verifies with openssl alone, and openssl refuses a changed report", arguments: ReportFormat.allCases)
    func openssl(format: ReportFormat) async throws {
        try await withDirectory { directory in
            let key = try ReportSigningKey.generate()
            let path = "\(directory)/report.\(format.fileExtension)"
            try ComplianceReportWriter.write(sampleReport(keyID: key.keyID), format: format, to: path, signingKey: key)
            try key.publicKey.pem().write(toFile: "\(directory)/public.pem", atomically: true, encoding: .utf8)
            let recipe = """
                set -e
                cd '\(directory)'
                sed -n 's/.*"signature" : "\\(.*\\)".*/\\1/p' report.\(format.fileExtension).sig | openssl base64 -d -A > report.sigbin
                openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in report.\(format.fileExtension) -sigfile report.sigbin
                openssl pkey -pubin -in public.pem -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
                """
            let good = try await ProcessRunner.capture("/bin/sh", ["-c", recipe])
            #expect(good.status == 0, "\(good.standardError)")
            #expect(good.standardOutput.contains("Signature Verified Successfully"))
            #expect(good.standardOutput.contains(String(key.keyID.dropFirst("sha256:".count))))

            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 3] ^= 0x20
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let bad = try await ProcessRunner.capture("/bin/sh", ["-c", recipe])
            #expect(bad.status != 0)
            #expect(!bad.standardOutput.contains("Signature Verified Successfully"))
        }
    }

    @Test("only Ed25519 keys sign reports; keygen output reads back")
    func keys() throws {
        #expect(throws: ComplianceError(.signingKeyUnusable, "")) {
            try ReportSigningKey(privateKey: try PrivateKey.generateP256())
        }
        let key = try ReportSigningKey.generate()
        let again = try ReportSigningKey(privateKey: try PrivateKey(pem: try key.privateKey.pemPKCS8()))
        #expect(again.keyID == key.keyID)
        #expect(key.keyID.hasPrefix("sha256:") && key.keyID.count == 7 + 64)
    }

    @Test("CSV fields are quoted and formula-looking text is defused; HTML is escaped")
    func escaping() {
        let report = sampleReport(keyID: "k")
        let csv = report.renderedCSV()
        #expect(csv.contains(#"# scope: partner Fabrikam & Sons, "Ltd""#))
        #expect(csv.contains("Contoso <EU>"))
        let html = report.renderedHTML()
        #expect(html.contains("Fabrikam &amp; Sons, &quot;Ltd&quot;"))
        #expect(html.contains("Contoso &lt;EU&gt;"))
        #expect(!html.contains("<EU>"))
    }
}
