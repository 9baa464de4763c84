public import Foundation
import CProcessSpawn
import Threads

/// Runs helper programs from tests and captures their output.
public enum ProcessRunner {
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let output: String
        public var description: String { "`\(command)` exited with \(status): \(output)" }
    }

    /// Runs `executable` to completion; throws when it exits non-zero. Returns standard output.
    /// Blocks the calling thread: for short helper programs only (`pg_ctl`, `openssl`).
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: Data? = nil) throws -> String {
        let result = try captureBlocking(executable, arguments, environment: environment, input: input)
        guard result.status == 0 else {
            throw Failure(command: ([executable] + arguments).joined(separator: " "), status: result.status,
                          output: result.standardOutput + result.standardError)
        }
        return result.standardOutput
    }

    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs `executable` on a thread of its own and returns its exit status and output, whatever it is.
    public static func capture(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                               input: Data? = nil) async throws -> Result {
        try await DedicatedThread.run { try captureBlocking(executable, arguments, environment: environment, input: input) }
    }

    /// Spawns with `posix_spawn` and waits with `waitpid`, rather than Foundation's `Process`: a daemon
    /// the child starts (`pg_ctl start`) would inherit `Process`'s termination descriptor and make
    /// `waitUntilExit()` hang. Every descriptor above 2 is closed in the child for the same reason.
    public static func captureBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                                       input: Data? = nil) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputPath = scratch.appendingPathComponent("stdout").path
        let errorPath = scratch.appendingPathComponent("stderr").path
        var inputPath = "/dev/null"
        if let input {
            inputPath = scratch.appendingPathComponent("stdin").path
            try input.write(to: URL(fileURLWithPath: inputPath))
        }
        let pid = try posixSpawn(executable, arguments, environment: environment,
                                 standardInput: inputPath, standardOutput: outputPath, standardError: errorPath)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { break }
        }
        // WIFEXITED / WEXITSTATUS are macros; decode the wait status by hand.
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitCode,
                      standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
                      standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }

    /// `posix_spawn` with the three standard descriptors redirected to files (standard error to
    /// standard output's file when `standardError` is nil) and every other descriptor closed.
    static func posixSpawn(_ executable: String, _ arguments: [String], environment: [String: String]?,
                           standardInput: String, standardOutput: String, standardError: String?,
                           appendOutput: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC | (appendOutput ? O_APPEND : 0), 0o600)
        if let standardError {
            posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
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
        return pid
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freeTCPPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestEnvironmentError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw TestEnvironmentError("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw TestEnvironmentError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The directory holding the built products (`holdfast`, `graph-sim`) next to the test bundle.
    public static func productsDirectory() -> URL {
        if let explicit = ProcessInfo.processInfo.environment["HOLDFAST_PRODUCTS_DIR"] { return URL(fileURLWithPath: explicit) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }
}
