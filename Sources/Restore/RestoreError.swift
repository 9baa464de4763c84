/// A diff, plan or restore that cannot proceed, with what an operator needs to act.
public struct RestoreError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No such plan, snapshot or tenant.
        public static let notFound = Code("notFound")
        /// The plan would delete or overwrite more objects than the blast-radius limit allows.
        public static let blastRadiusExceeded = Code("blastRadiusExceeded")
        /// The plan would leave a conditional access policy blocking every privileged-role holder.
        public static let lockoutRisk = Code("lockoutRisk")
        /// The plan was already applied, or is being applied by another job.
        public static let invalidState = Code("invalidState")
        /// A Graph write failed in a way retrying will not fix.
        public static let writeFailed = Code("writeFailed")
        /// The request (scope, snapshot, arguments) is malformed.
        public static let invalidRequest = Code("invalidRequest")
        /// The plan is older than its lifetime (default 24 h): plan again.
        public static let expired = Code("expired")
        /// The target tenant may not be written (suspended, offboarded, or not a scratch tenant for a drill).
        public static let tenantRefused = Code("tenantRefused")
        /// The job applying the plan no longer holds its claim (its lease was lost): it writes nothing more.
        public static let claimLost = Code("claimLost")

        public var description: String { self.name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "RestoreError(\(self.code)): \(self.message)" }

    public static func == (lhs: RestoreError, rhs: RestoreError) -> Bool { lhs.code == rhs.code }
}
