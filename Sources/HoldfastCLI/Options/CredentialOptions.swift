import ArgumentParser
import Cryptography
import Foundation
import Tenancy

/// How `tenants add` and `tenants update` take a credential. Secrets and passwords come from files
/// or standard input, never from an option's value, which would land in shell history and `ps`.
struct CredentialOptions: ParsableArguments {
    enum App: String, ExpressibleByArgument, CaseIterable {
        /// The customer tenant's own app registration.
        case tenant
        /// The MSP's multi-tenant app consented in the tenant.
        case shared

        var kind: AppKind { self == .shared ? .sharedMultitenantApp : .tenantApp }
    }

    @Option(name: .customLong("client-id"), help: "The app registration's application (client) id.")
    var clientID: String?

    @Option(name: .customLong("app"), help: "tenant: the tenant's own app registration; shared: the MSP's multi-tenant app.")
    var app: App = .tenant

    @Option(name: .customLong("client-secret-file"), help: "Read the client secret from this file (mode 600; trailing newline ignored).")
    var clientSecretFile: String?

    @Flag(name: .customLong("client-secret-stdin"), help: "Read the client secret from standard input.")
    var clientSecretStdin = false

    @Option(name: .customLong("certificate"), help: "PEM certificate; the file may also hold the private key.")
    var certificate: String?

    @Option(name: .customLong("private-key"), help: "PEM private key of --certificate, when not in the same file.")
    var privateKey: String?

    @Option(name: .customLong("private-key-password-file"), help: "Password of an encrypted PEM private key, from this file.")
    var privateKeyPasswordFile: String?

    @Option(name: .customLong("pkcs12"), help: "PKCS#12 (.pfx) file with the certificate and its private key.")
    var pkcs12: String?

    @Option(name: .customLong("pkcs12-password-file"), help: "Password of --pkcs12, from this file.")
    var pkcs12PasswordFile: String?

    @Option(name: .customLong("secret-expires"), help: "When the client secret expires (YYYY-MM-DD or ISO 8601), as the portal shows it. Certificates carry their own expiry.")
    var secretExpires: String?

    /// Whether any credential option was given (for `update`).
    var isGiven: Bool {
        clientSecretFile != nil || clientSecretStdin || certificate != nil || pkcs12 != nil
    }

    func validate() throws {
        let sources = [clientSecretFile != nil, clientSecretStdin, certificate != nil, pkcs12 != nil].filter { $0 }.count
        guard sources <= 1 else {
            throw ValidationError("give one of --client-secret-file, --client-secret-stdin, --certificate or --pkcs12.")
        }
        if let clientID, UUID(uuidString: clientID) == nil {
            throw ValidationError("--client-id must be the app's application (client) id, a GUID (got '\(clientID)').")
        }
        if privateKey != nil && certificate == nil { throw ValidationError("--private-key needs --certificate.") }
        if pkcs12PasswordFile != nil && pkcs12 == nil { throw ValidationError("--pkcs12-password-file needs --pkcs12.") }
        if secretExpires != nil && (certificate != nil || pkcs12 != nil) {
            throw ValidationError("--secret-expires is for client secrets; a certificate's expiry is read from the certificate.")
        }
        if let secretExpires, Self.parseDate(secretExpires) == nil {
            throw ValidationError("--secret-expires must be a date (YYYY-MM-DD) or an ISO 8601 time (got '\(secretExpires)').")
        }
    }

    /// The credential the options describe. Throws `CommandFailure` with the file and reason when
    /// something cannot be read or does not fit.
    func credential() throws -> NewTenantCredential {
        guard let clientID = clientID.flatMap(UUID.init(uuidString:)) else {
            throw CommandFailure("--client-id is required with a credential.")
        }
        let material: CredentialMaterial
        var expiresAt = secretExpires.flatMap(Self.parseDate)
        if let clientSecretFile {
            material = .clientSecret(try Self.secret(try Self.read(clientSecretFile, option: "--client-secret-file"),
                                                     source: "--client-secret-file \(clientSecretFile)"))
        } else if clientSecretStdin {
            let bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            material = .clientSecret(try Self.secret(bytes, source: "standard input"))
        } else if let certificate {
            let certificateText = String(decoding: try Self.read(certificate, option: "--certificate"), as: UTF8.self)
            let keyPath = privateKey ?? certificate
            let keyPEM = try privateKey.map { String(decoding: try Self.read($0, option: "--private-key"), as: UTF8.self) } ?? certificateText
            guard keyPEM.contains("PRIVATE KEY-----") else {
                throw CommandFailure("\(keyPath) holds no PEM private key; give it with --private-key, or use --pkcs12.")
            }
            let password = try privateKeyPasswordFile.map { try Self.password(from: $0, option: "--private-key-password-file") }
            let key: PrivateKey
            let cert: Certificate
            do {
                key = try PrivateKey(pem: keyPEM, password: password)
            } catch let error as CryptoError where error.code == .incorrectPassword {
                throw CommandFailure("the private key in \(keyPath) is encrypted and the password is wrong or missing (--private-key-password-file).")
            } catch {
                throw CommandFailure("cannot read the private key in \(keyPath): \(error)")
            }
            do {
                cert = try Certificate(pem: certificateText)
            } catch {
                throw CommandFailure("cannot read the certificate in \(certificate): \(error)")
            }
            material = .certificate(privateKey: key, certificate: cert)
            expiresAt = cert.notAfter
        } else if let pkcs12 {
            let der = try Self.read(pkcs12, option: "--pkcs12")
            let password = try pkcs12PasswordFile.map { try Self.password(from: $0, option: "--pkcs12-password-file") } ?? ""
            let bundle: PKCS12Bundle
            do {
                bundle = try PKCS12Bundle(der: der, password: password)
            } catch let error as CryptoError where error.code == .incorrectPassword {
                throw CommandFailure("the password for \(pkcs12) is wrong (--pkcs12-password-file).")
            } catch {
                throw CommandFailure("cannot open \(pkcs12) as PKCS#12 (wrong password, or no key and certificate in it): \(error)")
            }
            material = .certificate(privateKey: bundle.key, certificate: bundle.certificate)
            expiresAt = bundle.certificate.notAfter
        } else {
            throw CommandFailure("give a credential: --client-secret-file, --client-secret-stdin, --certificate or --pkcs12.")
        }
        return NewTenantCredential(appKind: app.kind, clientID: clientID, material: material, expiresAt: expiresAt)
    }

    static func read(_ path: String, option: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw CommandFailure("cannot read \(option) \(path): \(reason)")
        }
    }

    /// A secret without the trailing newline `echo` and editors add.
    static func secret(_ bytes: [UInt8], source: String) throws -> SecretBytes {
        var trimmed = bytes
        while let last = trimmed.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { trimmed.removeLast() }
        guard !trimmed.isEmpty else { throw CommandFailure("the client secret from \(source) is empty.") }
        return SecretBytes(consuming: &trimmed)
    }

    static func password(from path: String, option: String) throws -> String {
        var bytes = try read(path, option: option)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parseDate(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }
}

/// A failure an operator caused at run time (a file that cannot be read, a wrong password, a
/// refused sign-in): printed as one line, without the usage text a `ValidationError` brings.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
