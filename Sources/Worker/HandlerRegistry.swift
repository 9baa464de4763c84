public import Queue

/// The handlers a worker runs, one per job kind.
public struct HandlerRegistry: Sendable {
    private var handlers: [JobKind: any JobHandler] = [:]

    public init(_ handlers: [any JobHandler] = []) {
        for handler in handlers { register(handler) }
    }

    /// Adds `handler`, replacing any earlier one for its kind.
    public mutating func register(_ handler: any JobHandler) {
        handlers[handler.kind] = handler
    }

    public func handler(for kind: JobKind) -> (any JobHandler)? { handlers[kind] }

    public var kinds: [JobKind] { handlers.keys.sorted { $0.rawValue < $1.rawValue } }

    /// Kinds whose handlers record their outcome (``JobHandler/recordsOutcome``).
    public var outcomeKinds: [JobKind] { kinds.filter { handlers[$0]?.recordsOutcome == true } }
}
