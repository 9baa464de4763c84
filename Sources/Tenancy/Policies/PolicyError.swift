/// A policy or legal-hold operation was refused. `description` is safe to show an operator.
/// Two errors are equal when their codes are.
public struct PolicyError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A setting is out of range or malformed; the message names it.
        public static let invalidPolicy = Code("invalidPolicy")
        /// No policy has that name.
        public static let policyNotFound = Code("policyNotFound")
        /// Another policy already has that name.
        public static let duplicatePolicy = Code("duplicatePolicy")
        /// No tenant has that id.
        public static let tenantNotFound = Code("tenantNotFound")
        /// A legal hold needs a reason an auditor can read.
        public static let reasonRequired = Code("reasonRequired")

        public var description: String { self.name }
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String { "PolicyError.\(self.code): \(self.message)" }

    public var debugDescription: String {
        var text = "PolicyError(code: \(self.code), message: \(self.message)"
        if let underlying = self.underlying { text += ", underlying: \(String(reflecting: underlying))" }
        return text + ", at: \(self.file):\(self.line))"
    }
}

extension PolicyError: Equatable {
    public static func == (lhs: PolicyError, rhs: PolicyError) -> Bool { lhs.code == rhs.code }
}
