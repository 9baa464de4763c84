public import Foundation
public import Logging
import NIOPosix

extension Vault {
    /// What verifying a snapshot found.
    public struct Verification: Sendable, Hashable {
        public var snapshotID: Int64
        public var objects: Int
        public var rootHashMatches: Bool
        /// Blobs that are missing or failed authentication, with the error's code.
        public var failures: [String: String]
        public var passed: Bool { self.rootHashMatches && self.failures.isEmpty }
    }

    /// Invariant 4: recomputes the snapshot's root hash from its map and opens every blob it names
    /// (each blob's GCM tag and its HMAC id are checked).
    public func verify(snapshotID: Int64, logger: Logger? = nil) async throws -> Verification {
        let logger = logger ?? self.logger
        let snapshot = try await self.snapshot(id: snapshotID, logger: logger)
        let keys = try await self.keyProvider.keys(tenantID: snapshot.tenantID, dataKeyID: snapshot.dataKeyID, logger: logger)
        var root = RootHash.zero
        let hasher = RootHash.ElementHasher(keys: keys)
        var objects = 0
        var failures: [String: String] = [:]
        var checked = Set<BlobID>()
        var blobKeys = [snapshot.dataKeyID: keys]
        try await self.forEachEntry(of: snapshot, logger: logger) { page in
            for entry in page {
                root.add(type: entry.type, objectID: entry.objectID, blobID: entry.blobID, hasher: hasher)
                objects += 1
                guard checked.insert(entry.blobID).inserted else { continue }
                do {
                    _ = try await self.read(entry.blobID, tenantID: snapshot.tenantID, keys: &blobKeys, logger: logger)
                } catch let error as VaultError {
                    failures["\(entry.type)/\(entry.objectID)"] = "\(error.code)"
                }
            }
        }
        return Verification(snapshotID: snapshotID, objects: objects, rootHashMatches: root == snapshot.rootHash, failures: failures)
    }

    /// Writes every object of the snapshot as a plain JSON file, `DIR/<type>/<object id>.json`
    /// (ids escaped for file names), readable without Holdfast. Returns the number written.
    @discardableResult
    public func export(snapshotID: Int64, to directory: URL, logger: Logger? = nil) async throws -> Int {
        let logger = logger ?? self.logger
        let snapshot = try await self.snapshot(id: snapshotID, logger: logger)
        var written = 0
        var keys: [String: TenantVaultKeys] = [:]
        try await NIOThreadPool.singleton.runIfActive {
            if !FileManager.default.fileExists(atPath: directory.path) {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
        }
        try await self.forEachEntry(of: snapshot, logger: logger) { page in
            for entry in page {
                let json = try await self.read(entry.blobID, tenantID: snapshot.tenantID, keys: &keys, logger: logger)
                let folder = directory.appendingPathComponent(Self.fileName(entry.type))
                let file = folder.appendingPathComponent(Self.fileName(entry.objectID) + ".json")
                // File writes block: keep them off Swift's cooperative pool. The files are directory
                // content in clear: the owner alone may read them, whatever the process's umask.
                try await NIOThreadPool.singleton.runIfActive {
                    if !FileManager.default.fileExists(atPath: folder.path) {
                        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                                attributes: [.posixPermissions: 0o700])
                    }
                    try Data(json).write(to: file, options: .atomic)
                    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
                }
                written += 1
            }
        }
        return written
    }

    /// Object keys hold `/` (`group.members` is `group id/member id`); keep names one path segment.
    static func fileName(_ text: String) -> String {
        var name = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "@": name.unicodeScalars.append(scalar)
            default: name += "%" + String(scalar.value, radix: 16, uppercase: true)
            }
        }
        return name
    }
}
