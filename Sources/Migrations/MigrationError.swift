/// Why migrations could not be applied.
public struct MigrationError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public static let directoryUnreadable = Code("directoryUnreadable")
        public static let invalidFileName = Code("invalidFileName")
        /// A migration already applied no longer matches its file.
        public static let checksumMismatch = Code("checksumMismatch")
        /// The database has a migration this build does not know (a newer Holdfast migrated it).
        public static let unknownAppliedVersion = Code("unknownAppliedVersion")
        /// A migration's SQL failed; the underlying PostgreSQL error says why.
        public static let statementFailed = Code("statementFailed")
        public var description: String { name }
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error & Sendable)?

    public init(code: Code, message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { return "\(message): \(underlying)" }
        return message
    }

    public static func == (lhs: MigrationError, rhs: MigrationError) -> Bool { lhs.code == rhs.code }
}
