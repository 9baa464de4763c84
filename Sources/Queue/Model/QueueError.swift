/// An error from the queue: what went wrong, in terms an operator can act on.
public struct QueueError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case jobNotFound, invalidState, invalidArguments, invalidRequest, unknownKind, storage, timedOut, claimLost, tenantBusy
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No job with that id.
        public static let jobNotFound = Code(.jobNotFound)
        /// The job is not in a state that allows the operation (for example retrying a running job).
        public static let invalidState = Code(.invalidState)
        /// A job's arguments are not what its handler expects.
        public static let invalidArguments = Code(.invalidArguments)
        /// A request the queue cannot accept (empty kind, non-positive max attempts …).
        public static let invalidRequest = Code(.invalidRequest)
        /// No handler is registered for the job's kind on this worker.
        public static let unknownKind = Code(.unknownKind)
        /// The database failed; `underlying` says how.
        public static let storage = Code(.storage)
        /// An operation did not finish within its deadline and was cancelled (a heartbeat).
        public static let timedOut = Code(.timedOut)
        /// The attempt no longer holds its job: its lease expired, or the job was rescued, cancelled
        /// or finished elsewhere. Nothing more is written for it.
        public static let claimLost = Code(.claimLost)
        /// A backup or restore of the tenant is running: another cannot start until it ends (invariant 1).
        public static let tenantBusy = Code(.tenantBusy)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    public init(code: Code, message: String, underlying: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String { "queue \(code): \(message)" }

    public var debugDescription: String {
        var text = description
        if let underlying { text += "\nunderlying: \(String(reflecting: underlying))" }
        return text + "\nat \(file):\(line)"
    }
}

extension QueueError: Equatable {
    public static func == (lhs: QueueError, rhs: QueueError) -> Bool { lhs.code == rhs.code }
}
