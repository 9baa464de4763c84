/// A backup could not run at all (as opposed to a type it could not read, which makes the
/// snapshot partial).
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The job names no tenant.
        public static let noTenant = Code("noTenant")
        /// The tenant has no Entra directory id or credential yet.
        public static let tenantNotOnboarded = Code("tenantNotOnboarded")
        /// Every type failed to read: nothing would be committed but carried-over data.
        public static let nothingReadable = Code("nothingReadable")

        public var description: String { self.name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "BackupError(\(self.code)): \(self.message)" }
}
