/// An error from SLA evaluation, webhooks and compliance reports.
///
/// `description` is safe to show an operator: it names tenants, partners, files and key ids, never
/// key material or webhook secrets. Two errors are equal when their codes are.
public struct ComplianceError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case partnerNotFound
            case tenantNotFound
            case invalidPeriod
            case signingKeyUnusable
            case signatureFileInvalid
            case signatureMismatch
            case keyMismatch
            case webhookNotConfigured
            case invalidWebhookArguments
            case webhookDeliveryFailed
            case fileError
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No partner has that name or id.
        public static let partnerNotFound = Self(.partnerNotFound)
        /// No tenant has that id.
        public static let tenantNotFound = Self(.tenantNotFound)
        /// A report period whose end is not after its start.
        public static let invalidPeriod = Self(.invalidPeriod)
        /// The report signing key cannot be read or is not an Ed25519 private key.
        public static let signingKeyUnusable = Self(.signingKeyUnusable)
        /// A report's `.sig` file is missing or not a Holdfast report signature.
        public static let signatureFileInvalid = Self(.signatureFileInvalid)
        /// The report's bytes do not match its signature: it was changed after signing.
        public static let signatureMismatch = Self(.signatureMismatch)
        /// The report was signed with another key than the public key given.
        public static let keyMismatch = Self(.keyMismatch)
        /// A webhook job ran on a worker with no webhook URL configured.
        public static let webhookNotConfigured = Self(.webhookNotConfigured)
        /// A webhook job's arguments are not `{"event":…, "tenant_id":…, "payload":{…}}`.
        public static let invalidWebhookArguments = Self(.invalidWebhookArguments)
        /// The webhook receiver could not be reached or answered with an error status.
        public static let webhookDeliveryFailed = Self(.webhookDeliveryFailed)
        /// A report or key file could not be read or written.
        public static let fileError = Self(.fileError)

        public var description: String { base.rawValue }
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

    public var description: String { message }

    public var debugDescription: String {
        var text = "ComplianceError(\(code)): \(message) [\(file):\(line)]"
        if let underlying { text += " underlying: \(String(reflecting: underlying))" }
        return text
    }
}

extension ComplianceError: Equatable {
    public static func == (lhs: ComplianceError, rhs: ComplianceError) -> Bool { lhs.code == rhs.code }
}
