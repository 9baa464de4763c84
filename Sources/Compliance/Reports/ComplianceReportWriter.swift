import Cryptography
public import Foundation

/// Writes a rendered report and its `.sig` beside it.
public enum ComplianceReportWriter {
    /// The signature file of `path`: `path` + `.sig`.
    public static func signaturePath(for path: String) -> String { path + ".sig" }

    /// Renders `report` as `format`, writes it to `path` (atomically) and, with `key`, the detached
    /// signature to `path.sig`. Returns the signature written, if any.
    @discardableResult
    public static func write(_ report: ComplianceReport, format: ReportFormat, to path: String, signingKey key: ReportSigningKey?,
                             now: Date = Date()) throws -> ReportSignature? {
        let bytes = try report.rendered(as: format)
        let url = URL(fileURLWithPath: path)
        let signature = try key?.sign(bytes, fileName: url.lastPathComponent, format: format, signedAt: now)
        do {
            try Data(bytes).write(to: url, options: .atomic)
            let signatureURL = URL(fileURLWithPath: signaturePath(for: path))
            if let signature {
                try Data(try signature.encoded()).write(to: signatureURL, options: .atomic)
            } else if FileManager.default.fileExists(atPath: signatureURL.path) {
                // A stale signature beside an unsigned report would fail verification confusingly.
                try FileManager.default.removeItem(at: signatureURL)
            }
        } catch {
            throw ComplianceError(.fileError, "cannot write the report to \(path): \(error.localizedDescription)", underlying: error)
        }
        return signature
    }

    /// Verifies the report at `path` against `path.sig` (or `signaturePath`).
    public static func verify(path: String, signaturePath: String? = nil, publicKeyPEM: String? = nil) throws -> ReportSignature.Verification {
        let sigPath = signaturePath ?? self.signaturePath(for: path)
        let bytes: [UInt8]
        let signatureBytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ComplianceError(.fileError, "cannot read the report \(path)", underlying: error)
        }
        do {
            signatureBytes = Array(try Data(contentsOf: URL(fileURLWithPath: sigPath)))
        } catch {
            throw ComplianceError(.signatureFileInvalid, "no signature file \(sigPath) beside the report", underlying: error)
        }
        let signature = try ReportSignature.decode(signatureBytes)
        var trusted: PublicKey?
        if let publicKeyPEM {
            do {
                trusted = try PublicKey(pem: publicKeyPEM)
            } catch {
                throw ComplianceError(.signatureFileInvalid, "the public key given is not a PEM public key", underlying: error)
            }
        }
        return try signature.verify(bytes, publicKey: trusted)
    }
}

