/// An error from a cryptographic operation.
///
/// `description` names the failure and is safe to show a user or write to a log: it never contains
/// key material, plaintext, or passwords. `debugDescription` adds the text of OpenSSL's error queue,
/// which helps an operator see *why* OpenSSL refused an input (a wrong PEM label, an unsupported
/// PKCS#12 cipher, a curve it does not know).
///
/// Two errors are equal when their codes are equal, so tests and callers can match on the code.
public struct CryptoError: Error, Sendable {
    /// What went wrong, in terms a caller can act on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case invalidKey
            case invalidCertificate
            case invalidInput
            case incorrectPassword
            case authenticationFailure
            case unsupportedAlgorithm
            case openssl
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A key is malformed, of the wrong size or type, or too weak to accept.
        public static let invalidKey = Self(.invalidKey)
        /// A certificate cannot be parsed, or does not match the key it is paired with.
        public static let invalidCertificate = Self(.invalidCertificate)
        /// An argument is malformed (a nonce of the wrong length, a token that is not a JWS, ...).
        public static let invalidInput = Self(.invalidInput)
        /// An encrypted key or PKCS#12 bundle could not be opened with the password given (or none).
        public static let incorrectPassword = Self(.incorrectPassword)
        /// Authenticated data failed its check: wrong key, wrong associated data, tampered
        /// ciphertext or tag, or a signature that does not verify.
        public static let authenticationFailure = Self(.authenticationFailure)
        /// The algorithm is not one Holdfast accepts here, or the key cannot be used with it.
        public static let unsupportedAlgorithm = Self(.unsupportedAlgorithm)
        /// OpenSSL failed in a way no input of ours explains (allocation failure, provider error).
        public static let openssl = Self(.openssl)

        public var description: String {
            switch self.base {
            case .invalidKey: "invalidKey"
            case .invalidCertificate: "invalidCertificate"
            case .invalidInput: "invalidInput"
            case .incorrectPassword: "incorrectPassword"
            case .authenticationFailure: "authenticationFailure"
            case .unsupportedAlgorithm: "unsupportedAlgorithm"
            case .openssl: "openssl"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// A short explanation, safe to show a user.
    public var message: String
    /// The entries OpenSSL's per-thread error queue held when the error was raised, oldest first.
    public var openSSLErrors: [String]
    /// An error from another layer that caused this one (for example a JSON decoding error).
    public var underlying: (any Error)?
    /// Where the error was raised.
    public var file: String
    /// Where the error was raised.
    public var line: Int

    /// Creates an error and takes over this thread's OpenSSL error queue, leaving it empty so a later
    /// operation never reports a stale entry as its own.
    init(
        _ code: Code,
        _ message: String,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.init(code, message, openSSLErrors: OpenSSLErrorQueue.drain(), underlying: underlying, file: file, line: line)
    }

    /// Creates an error from queue entries already drained by the caller (to classify them first).
    init(
        _ code: Code,
        _ message: String,
        openSSLErrors: [OpenSSLErrorQueue.Entry],
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.openSSLErrors = openSSLErrors.map(\.text)
        self.underlying = underlying
        self.file = file
        self.line = line
    }
}

extension CryptoError: Equatable {
    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool {
        lhs.code == rhs.code
    }
}

extension CryptoError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "CryptoError.\(self.code): \(self.message)"
    }

    public var debugDescription: String {
        var text = "CryptoError(code: \(self.code), message: \(self.message)"
        if !self.openSSLErrors.isEmpty {
            text += ", openssl: [\(self.openSSLErrors.joined(separator: "; "))]"
        }
        if let underlying = self.underlying {
            text += ", underlying: \(String(reflecting: underlying))"
        }
        text += ", at: \(self.file):\(self.line))"
        return text
    }
}
