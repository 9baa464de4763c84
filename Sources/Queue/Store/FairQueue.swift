/// Where a job that comes back to the queue (promoted when due, rescued, handed back, retried by
/// an operator) is placed among available jobs: exactly as if its tenant enqueued it now — one
/// place behind that tenant's last available job, or one place behind the queue's head when the
/// tenant has none. Never at the head itself: the head's other jobs, of other tenants, were there
/// first, and a returning job's old id would win the tie against them.
enum FairQueue {
    /// A `fair_seq` expression for the rows of `source` (columns `id`, `tenant_id`), to be
    /// selected from `source`: jobs of one tenant returning together get consecutive places,
    /// like a batch enqueue. Reads the available jobs as the statement's snapshot saw them.
    static func returningPlace(source: String) -> String {
        """
        coalesce((SELECT max(t.fair_seq) + 1 FROM jobs t WHERE t.tenant_id = \(source).tenant_id AND t.state = 'available'),
                 (SELECT min(h.fair_seq) + 1 FROM jobs h WHERE h.state = 'available'),
                 0)
          + CASE WHEN \(source).tenant_id IS NULL THEN 0
                 ELSE row_number() OVER (PARTITION BY \(source).tenant_id ORDER BY \(source).id) - 1 END
        """
    }
}
