public import Foundation
import CProcessSpawn

/// A child process started without waiting for it (a `holdfast worker` a test will SIGKILL).
/// Its standard output and error go to files the test can read while it runs.
public final class SpawnedProcess: Sendable {
    public let pid: Int32
    public let command: String
    public let outputPath: String

    init(pid: Int32, command: String, outputPath: String) {
        self.pid = pid
        self.command = command
        self.outputPath = outputPath
    }

    /// Everything the process wrote to standard output and error so far.
    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits (on a thread of its own) for the process to exit; returns its exit status, or
    /// 128 + the signal that ended it.
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let pid = self.pid
            let thread = Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 {
                    guard errno == EINTR else { break }
                }
                continuation.resume(returning: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
            thread.start()
        }
    }
}

extension ProcessRunner {
    /// Starts `executable` with `posix_spawn` and returns at once. Descriptors above 2 are closed in
    /// the child (see `captureBlocking`); output goes to a temporary file.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> SpawnedProcess {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-spawn-\(UUID().uuidString).log").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        hf_spawn_file_actions_addclosefrom(&actions, 3)
        let environmentPairs = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environmentPairs.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw Failure(command: executable, status: -1, output: "cannot start: \(String(cString: strerror(spawned)))")
        }
        return SpawnedProcess(pid: pid, command: ([executable] + arguments).joined(separator: " "), outputPath: outputPath)
    }
}
