public import ArgumentParser
import HoldfastRuntime

/// The `holdfast` command tree.
@available(macOS 14, *)
public struct HoldfastCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "holdfast",
        abstract: "Backup orchestrator for Microsoft Entra ID tenants, for managed service providers.",
        version: HoldfastVersion.current,
        subcommands: [MigrateCommand.self, VersionCommand.self, CoordinatorCommand.self, WorkerCommand.self, JobsCommand.self, KeysCommand.self, APIKeysCommand.self, UsersCommand.self,
                      BackupCommand.self, SnapshotsCommand.self, ObjectsCommand.self, ExportCommand.self, TenantsCommand.self,
                      SLACommand.self, ReportCommand.self, PoliciesCommand.self, LegalHoldCommand.self, RetentionCommand.self, ValidationsCommand.self,
                      DiffCommand.self, RestoreCommand.self, WatchCommand.self, ConfigCommand.self]
    )

    public init() {}
}

/// The executable's entry point. It lives here, where ArgumentParser is imported, so the
/// asynchronous `main()` of `AsyncParsableCommand` is the one chosen.
public enum HoldfastEntryPoint {
    public static func run() async {
        await HoldfastCommand.main()
    }
}
