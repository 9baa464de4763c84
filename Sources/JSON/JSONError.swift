/// Why a JSON text was refused, and where.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The text is not JSON (RFC 8259).
        case syntax
        /// Arrays and objects nest deeper than ``JSONParser/maximumDepth``.
        case tooDeep
        /// An object names the same member twice: neither order nor a canonical form could say
        /// which one was meant.
        case duplicateKey
        /// A string is not valid UTF-8.
        case invalidUTF8
    }

    public let code: Code
    /// The byte offset in the input at which the parser gave up.
    public let offset: Int
    public let reason: String

    public init(_ code: Code, offset: Int, reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
