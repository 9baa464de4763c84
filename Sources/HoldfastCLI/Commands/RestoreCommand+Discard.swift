import ArgumentParser
import Foundation
import Restore

extension RestoreCommand {
    /// `holdfast restore discard PLAN --reason …`: settles a plan nobody will apply, so its snapshot
    /// is no longer held for it (retention and deletion refuse a pending plan's snapshot).
    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Discard a planned restore nobody will apply (kept as evidence, marked failed; audited).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var reason: ReasonOptions

        @Argument(help: "The plan id.") var plan: String

        func validate() throws {
            guard UUID(uuidString: plan) != nil else { throw ValidationError("PLAN must be a plan id (UUID)") }
        }

        func run() async throws {
            let logger = logging.makeLogger(label: "holdfast.restore")
            let planID = UUID(uuidString: plan)!
            do {
                try await database.withClient(logger: logger) {
                    try await RestoreStore(client: $0).discard(planID: planID, reason: reason.reason, actor: actor.name)
                }
            } catch let error as RestoreError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode.failure
            }
            print("restore plan \(planID.uuidString.lowercased()) is discarded")
        }
    }
}
