public import Foundation
import Threads

/// A throwaway PostgreSQL cluster of its own, for tests that restart or kill the server
/// (which must not disturb the shared test cluster other tests use in parallel).
public final class TestCluster: Sendable {
    public let directory: URL
    public let port: Int
    private let binDirectory: String

    public var connectionString: String { "postgresql://holdfast@127.0.0.1:\(port)/postgres" }

    private init(directory: URL, port: Int, binDirectory: String) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
    }

    /// ``start()`` on a thread of its own, for async tests: `initdb` and `pg_ctl start` block for
    /// seconds, which must not happen on the cooperative pool.
    public static func started() async throws -> TestCluster {
        try await DedicatedThread.run { try start() }
    }

    /// `initdb` + `pg_ctl start` in a temporary directory on a free port. Blocks.
    public static func start() throws -> TestCluster {
        let bin = try postgresBinDirectory()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("holdfast-cluster-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if geteuid() == 0 {
            try ProcessRunner.run("/bin/chown", ["postgres:postgres", directory.path])
        }
        let data = directory.appendingPathComponent("data").path
        try runAsPostgres(bin + "/initdb", ["-D", data, "-U", "holdfast", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        let port = try ProcessRunner.freeTCPPort()
        let conf = """

            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = ''
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: data + "/postgresql.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(conf.utf8))
        try handle.close()
        let cluster = TestCluster(directory: directory, port: port, binDirectory: bin)
        try cluster.pgCtl(["start", "-w", "-t", "60", "-l", directory.appendingPathComponent("log").path])
        return cluster
    }

    /// `pg_ctl restart -m fast`: every session is terminated, then the server accepts again.
    public func restart() throws {
        try pgCtl(["restart", "-w", "-t", "60", "-m", "fast", "-l", directory.appendingPathComponent("log").path])
    }

    public func stop() throws {
        try pgCtl(["stop", "-w", "-t", "60", "-m", "fast"])
    }

    public func startAgain() throws {
        try pgCtl(["start", "-w", "-t", "60", "-l", directory.appendingPathComponent("log").path])
    }

    /// Stops the server and deletes its files.
    public func destroy() {
        _ = try? pgCtl(["stop", "-w", "-t", "60", "-m", "immediate"])
        try? FileManager.default.removeItem(at: directory)
    }

    private func pgCtl(_ arguments: [String]) throws {
        try Self.runAsPostgres(binDirectory + "/pg_ctl", ["-D", directory.appendingPathComponent("data").path] + arguments)
    }

    private static func runAsPostgres(_ executable: String, _ arguments: [String]) throws {
        if geteuid() == 0 {
            try ProcessRunner.run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
        } else {
            try ProcessRunner.run(executable, arguments)
        }
    }

    static func postgresBinDirectory() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["HOLDFAST_PG_BIN"], !explicit.isEmpty { return explicit }
        if let output = try? ProcessRunner.run("/usr/bin/pg_config", ["--bindir"]) {
            let path = output.trimmingCharacters(in: .whitespacesAndNewlines)
            if FileManager.default.fileExists(atPath: path + "/initdb") { return path }
        }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root))?.compactMap(Int.init).sorted() ?? []
        if let latest = versions.last { return "\(root)/\(latest)/bin" }
        throw TestEnvironmentError("cannot find PostgreSQL's server binaries; set HOLDFAST_PG_BIN")
    }
}
