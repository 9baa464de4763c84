public import Foundation

/// Which jobs an operator wants to see.
public struct JobFilter: Sendable, Hashable {
    public var tenantID: UUID?
    /// Only jobs of these tenants (a partner's): an empty list matches no job.
    public var tenantIDs: [UUID]?
    public var kinds: [JobKind]?
    public var states: [JobState]?
    /// Most rows returned, newest first. Default 100.
    public var limit: Int
    /// Only jobs with a smaller id: the next page after a page that ended with this id.
    public var beforeID: Job.ID?

    public init(tenantID: UUID? = nil, tenantIDs: [UUID]? = nil, kinds: [JobKind]? = nil, states: [JobState]? = nil, limit: Int = 100,
                beforeID: Job.ID? = nil) {
        self.tenantID = tenantID
        self.tenantIDs = tenantIDs
        self.kinds = kinds
        self.states = states
        self.limit = limit
        self.beforeID = beforeID
    }
}

/// One recorded state change of a job.
public struct JobEvent: Sendable, Hashable {
    public var jobID: Job.ID
    public var kind: JobKind
    public var tenantID: UUID?
    public var state: JobState
    public var attempt: Int
    public var workerID: UUID?
    public var at: Date

    public init(jobID: Job.ID, kind: JobKind, tenantID: UUID?, state: JobState, attempt: Int, workerID: UUID?, at: Date) {
        self.jobID = jobID
        self.kind = kind
        self.tenantID = tenantID
        self.state = state
        self.attempt = attempt
        self.workerID = workerID
        self.at = at
    }
}
