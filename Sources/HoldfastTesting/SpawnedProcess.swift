import Foundation
import CProcessSpawn
import Threads

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
            DedicatedThread.start {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 {
                    guard errno == EINTR else { break }
                }
                continuation.resume(returning: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
        }
    }
}

extension ProcessRunner {
    /// Starts `executable` with `posix_spawn` and returns at once. Descriptors above 2 are closed in
    /// the child (see `captureBlocking`); output goes to a temporary file.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> SpawnedProcess {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-spawn-\(UUID().uuidString).log").path
        let pid = try posixSpawn(executable, arguments, environment: environment, standardInput: "/dev/null",
                                 standardOutput: outputPath, standardError: nil, appendOutput: true)
        return SpawnedProcess(pid: pid, command: ([executable] + arguments).joined(separator: " "), outputPath: outputPath)
    }
}
