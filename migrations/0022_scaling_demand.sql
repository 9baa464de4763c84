-- Holdfast schema, version 19: the number of worker slots the queue can use right now, for an
-- autoscaler (KEDA's PostgreSQL scaler: deploy/kubernetes/base/worker-scaledobject.yaml).
--
-- Counting raw `available` rows over-scales: a tenant runs one backup or restore at a time (the
-- claim's rule and the unique index jobs_tenant_exclusive_running), so a tenant with a backup
-- running and another waiting, or with a waiting backup and a waiting restore, can use one slot,
-- not two. What can run now is:
--   every running job (a busy worker must not be scaled away),
--   + each tenant with a waiting backup/restore and none running (once, however many wait),
--   + waiting backups/restores without a tenant (the claim does not serialise those),
--   + every other waiting job.
-- Scheduled and retryable jobs are not counted: they cannot start before their run_at, and the
-- leader promotes them to available when they are due.
--
-- Each part reads one of the queue's partial indexes (jobs_lease, jobs_tenant_available,
-- jobs_tenant_exclusive_running, jobs_claim). The kinds listed are JobKind.tenantExclusive.
--
-- The autoscaler's database role needs only SELECT on this view (docs/deployment.md):
--   GRANT SELECT ON holdfast_scaling_demand TO holdfast_keda;

CREATE VIEW holdfast_scaling_demand AS
SELECT
    (SELECT count(*) FROM jobs WHERE state = 'running')
  + (SELECT count(DISTINCT a.tenant_id) FROM jobs a
      WHERE a.state = 'available' AND a.kind IN ('backup', 'restore') AND a.tenant_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM jobs r
                        WHERE r.tenant_id = a.tenant_id AND r.state = 'running'
                          AND r.kind IN ('backup', 'restore')))
  + (SELECT count(*) FROM jobs
      WHERE state = 'available' AND kind IN ('backup', 'restore') AND tenant_id IS NULL)
  + (SELECT count(*) FROM jobs
      WHERE state = 'available' AND kind NOT IN ('backup', 'restore')) AS slots_wanted;

COMMENT ON VIEW holdfast_scaling_demand IS
    'Worker slots the queue can use now: running jobs, plus waiting jobs that could start (one per tenant for backups and restores). Read by autoscalers.';
