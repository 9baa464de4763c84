public import Foundation
public import Logging
public import NIOPosix
import Cryptography
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blobs as files: `ROOT/<tenant id>/<first two hex digits>/<blob id>`. A blob is written to a
/// temporary file, flushed, and then hard-linked to its name, which fails if the name exists: a
/// reader never sees a partial blob and two writers of one id never clobber each other.
///
/// File I/O blocks, so it runs on `threadPool`, never on Swift's cooperative pool.
public struct FileBlobStore: BlobStore {
    public let root: URL
    let threadPool: NIOThreadPool
    /// A temporary file older than this belongs to a write that failed or crashed (a write takes
    /// milliseconds): garbage collection removes it. Default 1 hour.
    public var leftoverAge: Duration
    /// Free bytes a write must leave on the directory's file system: a backup refuses to write
    /// (`storageFull`, nothing written) rather than fill the disk that PostgreSQL, the logs or the
    /// other tenants' backups share. Default 1 GiB.
    public var minimumFreeBytes: Int64

    public static let defaultMinimumFreeBytes: Int64 = 1 << 30

    public init(root: URL, threadPool: NIOThreadPool = .singleton, leftoverAge: Duration = .seconds(3600),
                minimumFreeBytes: Int64 = FileBlobStore.defaultMinimumFreeBytes) {
        self.root = root
        self.threadPool = threadPool
        self.leftoverAge = leftoverAge
        self.minimumFreeBytes = max(0, minimumFreeBytes)
    }

    public func put(_ blobs: [(id: BlobID, sealed: [UInt8])], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        let tenantDirectory = self.directory(tenantID)
        let needed = blobs.reduce(Int64(0)) { $0 + Int64($1.sealed.count) }
        let (root, reserve) = (self.root.path, self.minimumFreeBytes)
        return try await self.threadPool.runIfActive {
            try Self.requireFreeSpace(needed, reserve: reserve, at: root)
            var written = Set<BlobID>()
            let staging = tenantDirectory.appendingPathComponent("tmp")
            try Self.makeDirectory(staging)
            var touchedDirectories = Set<String>()
            for blob in blobs {
                let directory = tenantDirectory.appendingPathComponent(String(blob.id.hex.prefix(2)))
                try Self.makeDirectory(directory)
                let final = directory.appendingPathComponent(blob.id.hex).path
                if access(final, F_OK) == 0 { continue }
                let temporary = staging.appendingPathComponent(blob.id.hex + "." + Hex.encode(SecureRandom.bytes(6))).path
                try Self.writeFile(temporary, blob.sealed)
                let linked = link(temporary, final)
                let linkError = errno
                unlink(temporary)
                if linked == 0 {
                    written.insert(blob.id)
                    touchedDirectories.insert(directory.path)
                } else if linkError != EEXIST {
                    throw Self.error("link \(final)", linkError)
                }
            }
            // The names must survive a crash too, not only the contents.
            for directory in touchedDirectories { try Self.syncDirectory(directory) }
            return written
        }
    }

    public func get(_ id: BlobID, tenantID: UUID, logger: Logger) async throws -> [UInt8]? {
        let path = self.path(id, tenantID)
        return try await self.threadPool.runIfActive {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                if errno == ENOENT { return nil }
                throw Self.error("open \(path)", errno)
            }
            defer { close(descriptor) }
            var contents: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Self.error("read \(path)", errno)
                }
                if count == 0 { break }
                contents += buffer[0..<count]
            }
            return contents
        }
    }

    public func contains(_ ids: [BlobID], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        let paths = ids.map { ($0, self.path($0, tenantID)) }
        return try await self.threadPool.runIfActive {
            Set(paths.filter { access($0.1, F_OK) == 0 }.map(\.0))
        }
    }

    @discardableResult
    public func delete(_ ids: [BlobID], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        let paths = ids.map { ($0, self.path($0, tenantID)) }
        return try await self.threadPool.runIfActive {
            var deleted = Set<BlobID>()
            for (id, path) in paths {
                if unlink(path) == 0 {
                    deleted.insert(id)
                } else if errno != ENOENT {
                    throw Self.error("unlink \(path)", errno)
                }
            }
            return deleted
        }
    }

    public func list(tenantID: UUID, after: BlobID?, limit: Int, logger: Logger) async throws -> [BlobID] {
        let tenantDirectory = self.directory(tenantID)
        return try await self.threadPool.runIfActive {
            let fileManager = FileManager.default
            let afterHex = after?.hex ?? ""
            let prefixes = ((try? fileManager.contentsOfDirectory(atPath: tenantDirectory.path)) ?? [])
                .filter { $0.count == 2 && $0 >= String(afterHex.prefix(2)) }
                .sorted()
            var ids: [BlobID] = []
            for prefix in prefixes {
                let names = try fileManager.contentsOfDirectory(atPath: tenantDirectory.appendingPathComponent(prefix).path)
                for name in names.sorted() where name > afterHex {
                    guard let id = BlobID(hex: name) else { continue }
                    ids.append(id)
                    if ids.count == limit { return ids }
                }
            }
            return ids
        }
    }

    public func collectLeftovers(tenantID: UUID, logger: Logger) async throws -> Int {
        let staging = self.directory(tenantID).appendingPathComponent("tmp").path
        let cutoff = Date().addingTimeInterval(-Double(self.leftoverAge.components.seconds))
        return try await self.threadPool.runIfActive {
            let fileManager = FileManager.default
            guard let names = try? fileManager.contentsOfDirectory(atPath: staging) else { return 0 }
            var removed = 0
            for name in names {
                let path = staging + "/" + name
                guard let attributes = try? fileManager.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular,
                      let modified = attributes[.modificationDate] as? Date, modified < cutoff else { continue }
                if unlink(path) == 0 {
                    removed += 1
                } else if errno != ENOENT {
                    throw Self.error("unlink \(path)", errno)
                }
            }
            return removed
        }
    }

    private func directory(_ tenantID: UUID) -> URL {
        self.root.appendingPathComponent(tenantID.uuidString.lowercased())
    }

    private func path(_ id: BlobID, _ tenantID: UUID) -> String {
        self.directory(tenantID).appendingPathComponent(String(id.hex.prefix(2))).appendingPathComponent(id.hex).path
    }

    private static func makeDirectory(_ url: URL) throws {
        do {
            // Owner only, like the files: the names are blob ids, and ids say which objects repeat.
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw VaultError(.storage, "cannot create blob directory \(url.path)", underlying: error)
        }
    }

    /// Throws `storageFull` unless writing `needed` bytes under `path` leaves `reserve` free
    /// (for an unprivileged process: `f_bavail`).
    static func requireFreeSpace(_ needed: Int64, reserve: Int64, at path: String) throws {
        guard reserve > 0 || needed > 0 else { return }
        var status = statvfs()
        guard statvfs(path, &status) == 0 else {
            if errno == ENOENT { return }  // not created yet: the first write creates it, and fails there if it cannot
            throw Self.error("statvfs \(path)", errno)
        }
        let blockSize = Int64(status.f_frsize > 0 ? status.f_frsize : status.f_bsize)
        let (available, overflow) = Int64(clamping: status.f_bavail).multipliedReportingOverflow(by: blockSize)
        let free = overflow ? Int64.max : available
        guard free - needed >= reserve else {
            throw VaultError(.storageFull, "the blob directory \(path) has \(free) bytes free; writing \(needed) more would leave less than its reserve of \(reserve) bytes (HOLDFAST_BLOB_DIR_MIN_FREE_MB); nothing was written: free space or move the directory")
        }
    }

    private static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw error("create \(path)", errno) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                unlink(path)
                throw error("write \(path)", code)
            }
            offset += count
        }
        // A file that did not reach the disk is no use to a retry: remove it, or it would stay.
        guard fsync(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw error("fsync \(path)", code)
        }
    }

    private static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error("open \(path)", errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw error("fsync \(path)", errno) }
    }

    private static func error(_ operation: String, _ code: Int32) -> VaultError {
        VaultError(.storage, "\(operation) failed: \(String(cString: strerror(code)))")
    }
}
