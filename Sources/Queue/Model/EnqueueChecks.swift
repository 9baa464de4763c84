public import Foundation
public import Postgres

/// What an enqueue checks before a job is inserted: its arguments against its kind's
/// ``JobArguments`` type, and its tenant through an ``EnqueueAdmission`` (the tenant module's).
/// A kind not listed is refused, so every job that reaches a worker has arguments its handler
/// can decode.
public struct EnqueueChecks: Sendable {
    public let argumentTypes: [JobKind: any JobArguments.Type]
    public let admission: (any EnqueueAdmission)?
    /// False only for ``unchecked``.
    let checks: Bool

    public init(_ argumentTypes: [any JobArguments.Type], admission: (any EnqueueAdmission)?) {
        self.argumentTypes = Dictionary(argumentTypes.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.admission = admission
        self.checks = true
    }

    private init() {
        self.argumentTypes = [:]
        self.admission = nil
        self.checks = false
    }

    /// No checks: for the queue's own tests and benchmarks, whose kinds have no handlers.
    public static let unchecked = EnqueueChecks()

    /// Checks `requests` on `connection` (inside the enqueue's transaction when there is one).
    func check(_ requests: [EnqueueRequest], on connection: PostgresConnection) async throws {
        guard self.checks else { return }
        for request in requests {
            guard let type = self.argumentTypes[request.kind] else {
                throw QueueError(code: .unknownKind, message: "no job kind '\(request.kind)'; kinds: \(self.argumentTypes.keys.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            _ = try type.decode(request.arguments)
            switch (type.tenant, request.tenantID) {
            case (.required, nil):
                throw QueueError(code: .invalidRequest, message: "a \(request.kind) job needs a tenant")
            case (.none, .some):
                throw QueueError(code: .invalidRequest, message: "a \(request.kind) job names no tenant")
            default:
                break
            }
        }
        if let admission {
            let jobs = requests.compactMap { request in
                request.tenantID.map {
                    EnqueueAdmissionRequest(tenantID: $0, kind: request.kind,
                                            servesInactiveTenants: self.argumentTypes[request.kind]?.servesInactiveTenants ?? false)
                }
            }
            if !jobs.isEmpty { try await admission.admit(jobs, on: connection) }
        }
    }
}

/// Decides whether jobs may be enqueued for tenants (the tenant module implements it: a tenant
/// that does not exist, is offboarded or suspended gets none).
public protocol EnqueueAdmission: Sendable {
    /// Throws ``QueueError/Code/tenantNotAdmitted`` with the reason for the first job refused.
    func admit(_ jobs: [EnqueueAdmissionRequest], on connection: PostgresConnection) async throws
}

/// One job's tenant, as ``EnqueueAdmission`` sees it.
public struct EnqueueAdmissionRequest: Sendable {
    public var tenantID: UUID
    public var kind: JobKind
    /// The kind's ``JobArguments/servesInactiveTenants``.
    public var servesInactiveTenants: Bool
}
