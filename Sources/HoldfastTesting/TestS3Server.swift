import Foundation
import NIOConcurrencyHelpers

/// The S3-compatible server S3 tests run against: `HOLDFAST_TEST_S3_URL` (which
/// `./deploy/dev/test` sets after starting moto), or, for a plain `swift test` on a developer's
/// machine, a `moto_server` this process starts once and that stops when the process exits. In
/// CI (`CI` set) the variable must be set: a missing S3 server is a failure, not a skip.
public enum TestS3Server {
    private static let started = NIOLockedValueBox<Result<String, TestEnvironmentError>?>(nil)

    public static var url: String {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            if let url = environment["HOLDFAST_TEST_S3_URL"], !url.isEmpty { return url }
            if let ci = environment["CI"], !ci.isEmpty, ci != "0", ci != "false" {
                throw TestEnvironmentError("HOLDFAST_TEST_S3_URL is not set: run the tests through ./deploy/dev/test, which starts moto (pip install 'moto[server]')")
            }
            return try self.started.withLockedValue { state in
                if let state { return try state.get() }
                let result = Result { try self.startMoto() }.mapError { $0 as? TestEnvironmentError ?? TestEnvironmentError("\($0)") }
                state = result
                return try result.get()
            }
        }
    }

    /// Starts `moto_server` on a free port under a watchdog shell that stops it when this test
    /// process exits, and waits until it answers.
    private static func startMoto() throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let moto = path.map({ "\($0)/moto_server" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestEnvironmentError("moto_server is not on PATH and HOLDFAST_TEST_S3_URL is not set: pip install 'moto[server]', or run ./deploy/dev/test")
        }
        let port = Int.random(in: 42_000..<48_000)
        let parent = getpid()
        // The watchdog and moto get a session of their own (setsid), so whatever stops this test
        // process's group leaves the watchdog alive to stop moto. moto_server ignores SIGTERM
        // and SIGINT while serving, so it gets SIGKILL: it keeps nothing worth flushing.
        let script = "\"$0\" -H 127.0.0.1 -p \(port) & m=$!; while kill -0 \(parent) 2>/dev/null && kill -0 $m 2>/dev/null; do sleep 1; done; kill -KILL $m 2>/dev/null"
        let process = try ProcessRunner.spawn("/usr/bin/setsid", ["/bin/sh", "-c", script, moto])
        let url = "http://127.0.0.1:\(port)"
        for _ in 0..<120 {
            if (try? ProcessRunner.run("/usr/bin/env", ["curl", "-fsS", "-o", "/dev/null", url + "/"])) != nil { return url }
            if kill(process.pid, 0) != 0 { break }
            usleep(250_000)
        }
        throw TestEnvironmentError("moto_server did not answer on \(url): \(process.output)")
    }
}
