import ArgumentParser
import Foundation
import Tenancy

extension TenantsCommand {
    /// `holdfast tenants import FILE`: bulk onboarding through ``TenantImport``.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Onboard many tenants from a CSV or JSON file with one (multi-tenant) app's credential.",
            discussion: """
                FILE is CSV with a header (columns name, tenant, partner, policy, credential; name and tenant required) \
                or a JSON array of objects with those members. tenant is the Entra tenant id or a verified domain; \
                policy defaults to standard; credential names the credential given here (--credential-name), never a secret. \
                Every row is checked before any is onboarded: a malformed file adds nothing and names the row and column. \
                Each tenant is signed in to and probed as `tenants add` does, --concurrency at once; a tenant already \
                onboarded is left unchanged, so the import can be run again. Progress goes to standard error, one line \
                per row; the result table to standard output. Exit status 1 when a row failed.
                """)

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var credential: CredentialOptions

        @Argument(help: "The CSV or JSON file.") var file: String

        @Option(name: .customLong("format"), help: "csv or json (default: from the file's name, else its first character).")
        var format: String?
        @Option(name: .customLong("credential-name"), help: "The name rows use in their credential column for this credential.")
        var credentialName = "default"
        @Option(name: .customLong("concurrency"),
                help: "Tenants signed in to and probed at once (\(TenantImport.concurrencyRange.lowerBound)-\(TenantImport.concurrencyRange.upperBound)).")
        var concurrency = TenantImport.defaultConcurrency

        func validate() throws {
            guard TenantImport.concurrencyRange.contains(concurrency) else {
                throw ValidationError("--concurrency must be \(TenantImport.concurrencyRange.lowerBound)-\(TenantImport.concurrencyRange.upperBound).")
            }
            if let format, TenantImportFile.Format(rawValue: format) == nil { throw ValidationError("--format must be csv or json.") }
            guard credential.clientID != nil else { throw ValidationError("--client-id is required (the app the tenants consented to).") }
            guard credential.isGiven else {
                throw ValidationError("give a credential: --client-secret-file, --client-secret-stdin, --certificate or --pkcs12.")
            }
            guard !credentialName.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--credential-name is empty.") }
        }

        func run() async throws {
            let bytes = try Self.read(file)
            let rows: [TenantImportRow]
            do {
                rows = try TenantImportFile.parse(bytes, format: format.flatMap(TenantImportFile.Format.init(rawValue:))
                                                    ?? TenantImportFile.format(path: file, bytes: bytes))
            } catch {
                throw CommandFailure("\(file): \(error); nothing was imported.")
            }
            let credentials = [credentialName.trimmingCharacters(in: .whitespaces): try credential.credential()]
            try await TenantsCommand.withOnboarding(common, actor) { onboarding, runtime in
                let importer = TenantImport(onboarding: onboarding)
                do {
                    try await importer.check(rows, credentials: credentials, concurrency: concurrency)
                } catch let error as TenantImportError {
                    throw CommandFailure("\(file): \(error); nothing was imported.")
                }
                let width = String(rows.count).count
                let results = try await importer.run(rows, credentials: credentials, concurrency: concurrency,
                                                     actor: runtime.configuration.actor) { done, total, result in
                    let count = String(repeating: " ", count: max(0, width - String(done).count)) + String(done)
                    FileHandle.standardError.write(Data("[\(count)/\(total)] row \(result.row) \(result.tenant): \(result.outcome.rawValue)\n".utf8))
                }
                Self.printResults(results)
                if results.contains(where: { $0.outcome == .failed }) { throw ExitCode(1) }
            }
        }

        /// The file, refused unread past ``TenantImportFile/maximumBytes``.
        static func read(_ path: String) throws -> [UInt8] {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CommandFailure("cannot read \(path): no such readable file.")
            }
            defer { try? handle.close() }
            let data: Data
            do {
                data = try handle.read(upToCount: TenantImportFile.maximumBytes + 1) ?? Data()
            } catch {
                throw CommandFailure("cannot read \(path): \(error.localizedDescription)")
            }
            guard data.count <= TenantImportFile.maximumBytes else {
                throw CommandFailure("\(path) is larger than \(TenantImportFile.maximumBytes) bytes; split it. Nothing was imported.")
            }
            return Array(data)
        }

        static func printResults(_ results: [TenantImport.RowResult]) {
            for result in results {
                var line = "row \(result.row)  \(result.tenant)  \(result.outcome.rawValue)"
                if let id = result.tenantID { line += "  \(id.uuidString.lowercased())" }
                line += "  \(result.reason)"
                if let url = result.adminConsentURL { line += "\n    consent: \(url)" }
                print(line)
            }
            let counts = Dictionary(grouping: results, by: \.outcome).mapValues(\.count)
            print(TenantImport.Outcome.allCases.map { "\($0.rawValue): \(counts[$0] ?? 0)" }.joined(separator: ", "))
        }
    }
}
