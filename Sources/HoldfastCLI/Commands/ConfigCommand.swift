import ArgumentParser
import Foundation
import HoldfastRuntime

/// `holdfast config check`: the effective configuration and every problem with it.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect Holdfast's configuration (docs/configuration.md).",
        subcommands: [Check.self, Reference.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting, its value and its source; exit 1 if any is invalid or contradicts another.",
            discussion: """
                Sources, strongest first: flags, the environment, the configuration file (--config or \
                HOLDFAST_CONFIG_FILE), defaults. Secrets are shown as <redacted>. Besides each value's syntax \
                it opens the files settings name: master key files (mode 600 or stricter), secret files, the \
                report signing key and the migrations directory.
                """)

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let sources = try await ConfigurationSources.read(flags: common.flagValues, environment: ProcessInfo.processInfo.environment)
            let check = ConfigurationCheck(sources)
            print(check.text)
            if !check.problems.isEmpty {
                printError("\(check.problems.count) problem(s) in the configuration\(sources.configFile.map { " (file \($0))" } ?? "").")
                throw ExitCode.failure
            }
        }
    }

    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the reference tables of docs/configuration.md, generated from the configuration type.")

        func run() {
            print(ConfigurationKey.markdownReference, terminator: "")
        }
    }
}
