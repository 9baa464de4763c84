import ArgumentParser
import HoldfastRuntime
import Foundation
import Restore

extension RestoreCommand {
    /// `holdfast restore discard PLAN --reason …`: settles a plan nobody will apply, so its snapshot
    /// is no longer held for it (retention and deletion refuse a pending plan's snapshot).
    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Discard a planned restore nobody will apply (kept as evidence, marked failed; audited).")

        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var reason: ReasonOptions

        @Argument(help: "The plan id.") var plan: String

        func validate() throws {
            guard UUID(uuidString: plan) != nil else { throw ValidationError("PLAN must be a plan id (UUID)") }
        }

        func run() async throws {
            let planID = UUID(uuidString: plan)!
            do {
                try await common.withRuntime(label: "holdfast.restore", [actor]) {
                    try await $0.restoreStore().discard(planID: planID, reason: reason.reason, actor: $0.configuration.actor)
                }
            } catch let error as RestoreError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode.failure
            }
            print("restore plan \(planID.uuidString.lowercased()) is discarded")
        }
    }
}
