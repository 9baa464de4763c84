/// An error from the tenant, credential and key stores.
///
/// `description` is safe to show an operator and to log: it names tenants, client ids and key ids,
/// never secret values. Two errors are equal when their codes are.
public struct TenancyError: Error, Sendable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case tenantNotFound
            case partnerNotFound
            case credentialNotFound
            case invalidCredential
            case duplicateTenant
            case corruptRow
            case policyNotFound
            case invalidRequest
            case invalidStatusChange
            case retiredMasterKey
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let tenantNotFound = Self(.tenantNotFound)
        public static let partnerNotFound = Self(.partnerNotFound)
        /// The tenant has no active credential (for that app).
        public static let credentialNotFound = Self(.credentialNotFound)
        /// A credential given to store is unusable (an empty secret, a certificate that does not
        /// match its key, an expiry in the past).
        public static let invalidCredential = Self(.invalidCredential)
        /// Another tenant already has that Entra tenant id.
        public static let duplicateTenant = Self(.duplicateTenant)
        /// A stored row does not hold what its columns promise.
        public static let corruptRow = Self(.corruptRow)
        /// No policy has that name.
        public static let policyNotFound = Self(.policyNotFound)
        /// An operator's request is malformed (a directory that is neither a GUID nor a domain, a
        /// token issued for another tenant than the one named).
        public static let invalidRequest = Self(.invalidRequest)
        /// The tenant's status does not allow the change (resuming an offboarded tenant).
        public static let invalidStatusChange = Self(.invalidStatusChange)
        /// This process's current master key was retired by `holdfast keys rotate`: restart it
        /// with the new key (`HOLDFAST_MASTER_KEY_FILE`) before it creates data keys.
        public static let retiredMasterKey = Self(.retiredMasterKey)

        public var description: String {
            switch self.base {
            case .tenantNotFound: "tenantNotFound"
            case .partnerNotFound: "partnerNotFound"
            case .credentialNotFound: "credentialNotFound"
            case .invalidCredential: "invalidCredential"
            case .duplicateTenant: "duplicateTenant"
            case .corruptRow: "corruptRow"
            case .policyNotFound: "policyNotFound"
            case .invalidRequest: "invalidRequest"
            case .invalidStatusChange: "invalidStatusChange"
            case .retiredMasterKey: "retiredMasterKey"
            }
        }
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
}

extension TenancyError: Equatable {
    public static func == (lhs: TenancyError, rhs: TenancyError) -> Bool { lhs.code == rhs.code }
}

extension TenancyError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "TenancyError.\(self.code): \(self.message)" }

    public var debugDescription: String {
        var text = "TenancyError(code: \(self.code), message: \(self.message)"
        if let underlying = self.underlying { text += ", underlying: \(String(reflecting: underlying))" }
        return text + ", at: \(self.file):\(self.line))"
    }
}
