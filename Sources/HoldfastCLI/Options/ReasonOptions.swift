import ArgumentParser
import Foundation

/// `--reason`: why a hold is placed or a snapshot deleted; recorded in the audit log.
struct ReasonOptions: ParsableArguments {
    @Option(help: "Why (a case or ticket reference); recorded in the audit log and shown to auditors.") var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must not be empty.") }
    }
}
