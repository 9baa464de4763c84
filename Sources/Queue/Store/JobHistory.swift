/// SQL fragments for statements that write their own job history rows instead of leaving them to
/// the `jobs_history_update` trigger (migration 0013): the claim and the completion, which run for
/// every job. The trigger's SPI query per statement cost more than the rows themselves.
///
/// Such a statement changes state in a CTE named by `changed`, whose RETURNING has `historyColumns`,
/// inserts the history rows from it with `insert(from:)`, and joins `skipTrigger` into its UPDATE:
/// it sets a transaction-local token equal to the statement's own start time, which the trigger
/// consumes (clears) and then records nothing. Any other statement, even later in the same
/// transaction, leaves the token unmatched and is recorded by the trigger as before.
enum JobHistory {
    /// What the UPDATE's RETURNING must include for `insert(from:)`.
    static let historyColumns = "jobs.id, jobs.kind, jobs.tenant_id, jobs.state, jobs.attempt, jobs.worker_id"

    /// A one-row FROM item that tells the trigger this statement records its own history.
    static let skipTrigger =
        "(SELECT set_config('holdfast.job_history_recorded', statement_timestamp()::text, true)) AS history_recorded_here"

    /// A CTE body that records one history row per row of `changed` (all of which changed state).
    static func insert(from changed: String) -> String {
        """
        INSERT INTO job_events (job_id, kind, tenant_id, state, attempt, worker_id)
        SELECT id, kind, tenant_id, state, attempt, worker_id FROM \(changed)
        """
    }
}
