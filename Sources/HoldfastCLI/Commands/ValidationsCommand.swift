import ArgumentParser
import HoldfastRuntime
import Foundation
import Jobs
import Logging

/// `holdfast validations list|show TENANT`: the stored evidence of validation runs.
struct ValidationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validations",
        abstract: "Show validation results (integrity, completeness, references, restore drill) of a tenant's snapshots.",
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List TENANT's validations, newest first.")

        @OptionGroup var common: CommonOptions
        @Argument(help: "The tenant id.") var tenant: String
        @Option(help: "Most validations shown.") var limit = 20

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let results = try await common.withRuntime(label: "holdfast.validations") {
                try await ValidationStore(client: $0.postgres).validations(tenantID: try tenantID(tenant), limit: limit)
            }
            print("ID      SNAPSHOT  FINISHED (UTC)        RESULT  RESTORE S  FAILED CHECKS")
            for result in results {
                print([String(result.id ?? 0).padding(6), String(result.snapshotID).padding(8), SnapshotFormatting.date(result.finishedAt).padding(20),
                       (result.passed ? "passed" : "FAILED").padding(6),
                       (result.restoreSeconds.map { String(format: "%.1f", $0) } ?? "-").padding(9),
                       result.failedChecks.joined(separator: ",")].joined(separator: "  "))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show TENANT's newest validation (or --id) with every check and failure; exits 2 when it failed.")

        @OptionGroup var common: CommonOptions
        @Argument(help: "The tenant id.") var tenant: String
        @Option(help: "The validation id (default: the newest).") var id: Int64?
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let tenantID = try tenantID(tenant)
            let found = try await common.withRuntime(label: "holdfast.validations") { runtime -> ValidationResult? in
                let store = ValidationStore(client: runtime.postgres)
                if let id { return try await store.validation(id: id) }
                return try await store.validations(tenantID: tenantID, limit: 1).first
            }
            guard let result = found, result.tenantID == tenantID else {
                let message = id.map { "validation \($0) is not one of tenant \(tenant)'s" } ?? "tenant \(tenant) has no validation yet"
                FileHandle.standardError.write(Data("error: \(message)\n".utf8))
                throw ExitCode.failure
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
                return
            }
            print("Validation \(result.id ?? 0) of snapshot \(result.snapshotID): \(result.passed ? "PASSED" : "FAILED")")
            print("  finished:  \(SnapshotFormatting.date(result.finishedAt)) (job \(result.jobID.map(String.init) ?? "-"))")
            for check in result.checks {
                print("  \(check.name.padding(13)) \(check.status.rawValue.padding(7)) \(check.summary)")
                for failure in check.failures { print("      FAILED: \(failure)") }
                for note in check.notes { print("      note: \(note)") }
            }
            if !result.passed { throw ExitCode(2) }
        }
    }
}
