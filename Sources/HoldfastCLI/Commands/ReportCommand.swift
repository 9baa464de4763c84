import ArgumentParser
import HoldfastRuntime
import Compliance
import Cryptography
import Foundation
import Logging
import Tenancy

/// `holdfast report compliance|verify|keygen`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write signed compliance reports, verify them, and make the signing key.",
        discussion: "See docs/reports.md for the contents, the signature format and how an auditor verifies with OpenSSL.",
        subcommands: [ComplianceCommand.self, Verify.self, Keygen.self]
    )

    struct ComplianceCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compliance",
            abstract: "Write a partner's (or one tenant's) compliance report for a period, signed.",
            discussion: """
                Signed with the Ed25519 key in --signing-key (default $HOLDFAST_REPORT_SIGNING_KEY_FILE); the \
                detached signature is written to FILE.sig. --unsigned writes no signature.
                """
        )

        @OptionGroup var common: CommonOptions

        @Option(help: "The partner (name or id).") var partner: String?
        @Option(help: "The tenant (id).") var tenant: String?
        @Option(help: "Start of the period (YYYY-MM-DD or ISO 8601, UTC; included).") var from: String
        @Option(help: "End of the period (YYYY-MM-DD or ISO 8601, UTC; excluded). Default: now.") var to: String?
        @Option(help: "json, csv or html.") var format: ReportFormatArgument = .json
        @Option(help: "The report file to write (its signature goes to FILE.sig).") var out: String
        @Option(name: .customLong("signing-key"), help: "Ed25519 private key PEM (default: $HOLDFAST_REPORT_SIGNING_KEY_FILE).")
        var signingKey: String?
        @Flag(help: "Write the report without a signature.") var unsigned = false

        func validate() throws {
            guard (partner == nil) != (tenant == nil) else { throw ValidationError("give exactly one of --partner and --tenant") }
            if let tenant { _ = try tenantID(tenant) }
            guard ComplianceDates.parse(from) != nil else { throw ValidationError("--from must be a date (YYYY-MM-DD) or ISO 8601 time") }
            if let to, ComplianceDates.parse(to) == nil { throw ValidationError("--to must be a date (YYYY-MM-DD) or ISO 8601 time") }
        }

        func run() async throws {
            let now = Date()
            let start = ComplianceDates.parse(from)!
            let end = to.flatMap(ComplianceDates.parse) ?? now
            let (report, key) = try await common.withRuntime(label: "holdfast.report", [CommandFlags([.reportSigningKeyFile: signingKey])]) { runtime in
                let client = runtime.postgres, logger = runtime.logger
                var key: ReportSigningKey?
                if !unsigned {
                    key = try runtime.reportSigningKey()
                    if key == nil {
                        throw ValidationError("no signing key: pass --signing-key or set HOLDFAST_REPORT_SIGNING_KEY_FILE (make one with `holdfast report keygen`), or pass --unsigned")
                    }
                }
                let subject: ComplianceReportBuilder.Subject
                if let partner {
                    subject = .partner(try await TenantRegistry(client: client, logger: logger).partner(reference: partner).id)
                } else {
                    subject = .tenant(try tenantID(tenant!))
                }
                let report = try await ComplianceReportBuilder(client: client, generator: "holdfast \(HoldfastVersion.current)", logger: logger)
                    .build(subject: subject, from: start, to: end, now: now, signingKeyID: key?.keyID)
                return (report, key)
            }
            try ComplianceReportWriter.write(report, format: format.format, to: out, signingKey: key, now: now)
            print("wrote \(out) (\(report.tenants.count) tenants, \(format.rawValue))")
            if let key {
                print("signed by \(key.keyID): \(ComplianceReportWriter.signaturePath(for: out))")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that a report is exactly what was signed, and by which key.",
            discussion: "Exits 0 when the signature holds under the published key, 1 when it does not (the report was changed, or signed by another key), 2 when no published key was given (the signature then only matches the key inside the .sig file, which proves nothing)."
        )

        @OptionGroup var common: CommonOptions
        @Argument(help: "The report file (json, csv or html).") var file: String
        @Option(name: .customLong("public-key"), help: "The published public key PEM to require (default: $HOLDFAST_REPORT_PUBLIC_KEY_FILE).")
        var publicKey: String?
        @Option(help: "The signature file (default: FILE.sig).") var signature: String?

        func run() async throws {
            let (configuration, _) = try await common.load(label: "holdfast.report", [CommandFlags([.reportPublicKeyFile: publicKey])])
            var pem: String?
            if let path = configuration.compliance.publicKeyFile {
                do {
                    pem = try String(contentsOfFile: path, encoding: .utf8)
                } catch {
                    throw ValidationError("cannot read the public key \(path): \(error.localizedDescription)")
                }
            }
            do {
                let verification = try ComplianceReportWriter.verify(path: file, signaturePath: signature, publicKeyPEM: pem)
                guard verification.trustedKey else {
                    // Anyone can sign a forgery with a key of their own and ship that key in the
                    // .sig file: without the published key, "verified" would prove nothing.
                    printError("NOT VERIFIED: \(file) matches the public key inside its own signature file (key \(verification.keyID)), which proves nothing about who signed it; pass --public-key (or HOLDFAST_REPORT_PUBLIC_KEY_FILE) with the published key")
                    throw ExitCode(2)
                }
                print("OK: \(file) is exactly as signed by key \(verification.keyID)")
            } catch let error as ComplianceError {
                printError("FAILED: \(error.description)")
                throw ExitCode.failure
            }
        }
    }

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an Ed25519 report signing key: the private key file (mode 0600) and the public key to publish."
        )

        @Option(help: "Where to write the private key (PKCS#8 PEM). Refuses to overwrite.") var out: String
        @Option(name: .customLong("public-out"), help: "Also write the public key PEM here.") var publicOut: String?

        func run() async throws {
            let key = try ReportSigningKey.generate()
            let pem = try key.privateKey.pemPKCS8()
            let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else {
                throw ComplianceError(.fileError, "cannot create \(out): \(String(cString: strerror(errno))) (an existing key is never overwritten)")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: Data(pem.utf8))
            try handle.close()
            if let publicOut {
                try Data(key.publicKey.pem().utf8).write(to: URL(fileURLWithPath: publicOut), options: .atomic)
            }
            print("private key written to \(out) (mode 0600); configure it as HOLDFAST_REPORT_SIGNING_KEY_FILE")
            print("key id: \(key.keyID)")
            print("public key (publish it to auditors):")
            print(key.publicKey.pem(), terminator: "")
        }
    }
}

/// `--format json|csv|html`.
enum ReportFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case json, csv, html
    var format: ReportFormat { ReportFormat(rawValue: rawValue)! }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
