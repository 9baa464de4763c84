import Foundation

/// Runs the `openssl` command-line tool in a private temporary directory, so interoperability tests
/// check this module against an implementation it does not share code paths with.
struct OpenSSLCommandLine: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let standardError: String

        var description: String {
            "openssl \(self.arguments.joined(separator: " ")) exited with \(self.status): \(self.standardError)"
        }
    }

    /// The directory commands run in; relative paths in arguments resolve against it.
    let directory: URL

    /// Calls `body` with a tool bound to a new temporary directory, removed afterwards.
    static func withTemporaryDirectory<Result>(_ body: (OpenSSLCommandLine) async throws -> Result) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("holdfast-crypto-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(OpenSSLCommandLine(directory: directory))
    }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: self.directory.appendingPathComponent(name))
    }

    func write(_ text: String, to name: String) throws {
        try self.write(Array(text.utf8), to: name)
    }

    /// Reads through a file handle: Foundation's whole-file readers leak their buffer for empty files.
    private static func readText(_ url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
    }

    func read(_ name: String) throws -> [UInt8] {
        try Array(Data(contentsOf: self.directory.appendingPathComponent(name)))
    }

    func readText(_ name: String) throws -> String {
        try String(decoding: self.read(name), as: UTF8.self)
    }

    /// Runs `openssl arguments…`, returning its standard output; throws `Failure` on a non-zero exit.
    @discardableResult
    func run(_ arguments: String...) async throws -> String {
        let result = try await self.status(of: arguments)
        guard result.status == 0 else {
            throw Failure(arguments: arguments, status: result.status, standardError: result.standardError)
        }
        return result.standardOutput
    }

    /// Runs `openssl arguments…` and reports how it exited, for checks that expect a refusal.
    func status(of arguments: [String]) async throws -> (status: Int32, standardOutput: String, standardError: String) {
        let id = UUID().uuidString
        let outputURL = self.directory.appendingPathComponent("stdout-\(id)")
        let errorURL = self.directory.appendingPathComponent("stderr-\(id)")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        let error = try FileHandle(forWritingTo: errorURL)
        defer {
            try? output.close()
            try? error.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = self.directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error
        // Wait for exit through the termination handler rather than blocking a cooperative thread.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        // Process keeps its handler (and through it the continuation) otherwise.
        process.terminationHandler = nil
        return (status, try Self.readText(outputURL), try Self.readText(errorURL))
    }
}
