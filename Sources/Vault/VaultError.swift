/// A vault operation failed. `description` names what failed and what to do, never blob contents
/// or keys.
public struct VaultError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Bytes that should be JSON are not.
        public static let invalidJSON = Code("invalidJSON")
        /// A blob failed authentication, or its content does not match its id: it was altered
        /// after it was written (or sealed for another tenant). Restore the blob store from a copy.
        public static let tampered = Code("tampered")
        /// A blob the snapshot map names is not in the blob store.
        public static let blobMissing = Code("blobMissing")
        /// A blob's header is not a format this version reads.
        public static let unsupportedFormat = Code("unsupportedFormat")
        /// zstd could not compress or decompress.
        public static let compression = Code("compression")
        /// The blob store's back end failed (disk, database).
        public static let storage = Code("storage")
        /// Writing would leave the blob directory's file system with less free space than its
        /// reserve; nothing was written. Free space, or move the directory.
        public static let storageFull = Code("storageFull")
        /// No snapshot, or no object, matches.
        public static let notFound = Code("notFound")
        /// The job committing the snapshot no longer holds its claim; another attempt owns it.
        public static let claimLost = Code("claimLost")
        /// A snapshot's recorded root hash does not match its map.
        public static let rootHashMismatch = Code("rootHashMismatch")
        /// The snapshot (or its whole tenant) is under legal hold; release the hold first.
        public static let legalHold = Code("legalHold")
        /// The snapshot is younger than its policy's immutability window; nobody can delete it yet.
        public static let immutable = Code("immutable")
        /// The snapshot is the tenant's newest, or newest good, snapshot (invariant 8).
        public static let newestSnapshot = Code("newestSnapshot")
        /// A restore plan that is planned or applying restores from the snapshot; apply the plan or
        /// discard it first.
        public static let pendingRestore = Code("pendingRestore")

        public var description: String { self.name }
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "VaultError(\(self.code)): \(self.message)" }
}
