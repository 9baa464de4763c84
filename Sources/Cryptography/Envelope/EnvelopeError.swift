/// An error from envelope encryption: loading master keys, wrapping data keys, sealing secrets.
///
/// `description` is safe to show a user and to log: it names key ids, paths and lengths, never key
/// material or plaintext. Two errors are equal when their codes are.
public struct EnvelopeError: Error, Sendable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case masterKeyMissing
            case invalidMasterKey
            case insecureKeyFile
            case unknownMasterKey
            case unknownDataKey
            case malformedBlob
            case unsupportedVersion
            case authenticationFailure
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No master key was configured (neither a file nor an environment variable).
        public static let masterKeyMissing = Self(.masterKeyMissing)
        /// A master key is not 32 bytes of base64, or its file cannot be read.
        public static let invalidMasterKey = Self(.invalidMasterKey)
        /// A master key file can be read by its group or by others.
        public static let insecureKeyFile = Self(.insecureKeyFile)
        /// A blob was wrapped under a master key id the key ring does not hold.
        public static let unknownMasterKey = Self(.unknownMasterKey)
        /// A sealed secret names a data key other than the one given to open it.
        public static let unknownDataKey = Self(.unknownDataKey)
        /// A wrapped key or sealed secret is truncated or not in Holdfast's format.
        public static let malformedBlob = Self(.malformedBlob)
        /// A blob's format version is newer than this build understands.
        public static let unsupportedVersion = Self(.unsupportedVersion)
        /// The blob did not authenticate: wrong key, wrong tenant or purpose, or it was modified.
        public static let authenticationFailure = Self(.authenticationFailure)

        public var description: String {
            switch self.base {
            case .masterKeyMissing: "masterKeyMissing"
            case .invalidMasterKey: "invalidMasterKey"
            case .insecureKeyFile: "insecureKeyFile"
            case .unknownMasterKey: "unknownMasterKey"
            case .unknownDataKey: "unknownDataKey"
            case .malformedBlob: "malformedBlob"
            case .unsupportedVersion: "unsupportedVersion"
            case .authenticationFailure: "authenticationFailure"
            }
        }
    }

    public var code: Code
    /// A short explanation, safe to show a user.
    public var message: String
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    init(_ code: Code, _ message: String, underlying: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }
}

extension EnvelopeError: Equatable {
    public static func == (lhs: EnvelopeError, rhs: EnvelopeError) -> Bool { lhs.code == rhs.code }
}

extension EnvelopeError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "EnvelopeError.\(self.code): \(self.message)" }

    public var debugDescription: String {
        var text = "EnvelopeError(code: \(self.code), message: \(self.message)"
        if let underlying = self.underlying { text += ", underlying: \(String(reflecting: underlying))" }
        return text + ", at: \(self.file):\(self.line))"
    }
}
