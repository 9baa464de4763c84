public import Foundation

/// One numbered SQL file from `migrations/`, named `NNNN_description.sql`.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The file name it was loaded from (`0001_foundation.sql`).
    public var fileName: String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name + ".sql"
    }
}

/// Reads migrations from a directory.
public enum MigrationDirectory {
    /// Loads every `NNNN_name.sql` in `directory`, ordered by version. Other files are ignored;
    /// two files with one version are an error.
    public static func load(from directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError(code: .directoryUnreadable, message: "cannot read migrations directory \(directory.path): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for fileName in names where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw MigrationError(code: .invalidFileName, message: "migration file '\(fileName)' is not named NNNN_description.sql")
            }
            let url = directory.appendingPathComponent(fileName)
            guard let data = FileManager.default.contents(atPath: url.path), let sql = String(data: data, encoding: .utf8) else {
                throw MigrationError(code: .directoryUnreadable, message: "cannot read migration file \(url.path) as UTF-8")
            }
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw MigrationError(code: .invalidFileName, message: "two migration files have version \(next.version): \(previous.fileName) and \(next.fileName)")
        }
        return migrations
    }

    /// Finds the migrations directory: `explicit` if given (the configuration's
    /// `HOLDFAST_MIGRATIONS_DIR` / `--migrations-dir`), else `../share/holdfast/migrations` beside
    /// the executable (installed layout), else the nearest `migrations/` beside a `Package.swift`
    /// above the working directory or this source file (a checkout).
    public static func locate(explicit: String? = nil, sourceFile: String = #filePath) throws -> URL {
        if let explicit {
            return try existing(URL(fileURLWithPath: explicit), source: "HOLDFAST_MIGRATIONS_DIR (--migrations-dir)")
        }
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("../share/holdfast/migrations").standardized)
        for start in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), URL(fileURLWithPath: sourceFile)] {
            var directory = start
            for _ in 0..<8 {
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                    candidates.append(directory.appendingPathComponent("migrations"))
                    break
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
        }
        throw MigrationError(code: .directoryUnreadable, message: "cannot find the migrations directory; set HOLDFAST_MIGRATIONS_DIR or pass --migrations-dir (looked in: \(candidates.map(\.path).joined(separator: ", ")))")
    }

    private static func existing(_ url: URL, source: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MigrationError(code: .directoryUnreadable, message: "\(source) names \(url.path), which is not a directory")
        }
        return url
    }
}
