-- The database side of deploy/bench/fleet: a fleet's history inserted in bulk with SQL (no Graph, no
-- worker), so the scheduler, the SLA evaluation, the API's fleet views and the compliance report can
-- be measured at 10,000 tenants and 1,000,000 finished jobs in minutes. Run by the bench with psql on
-- a freshly migrated database:
--
--   psql -v tenants=10000 -v jobs=1000000 -v due=1000 -f deploy/bench/fleet_db.sql
--
-- What it writes, all as the real code paths would leave it:
--   - 10 partners ("Fleet Partner 01" …), the tenants spread evenly over them (1,000 each at 10,000);
--   - :tenants active tenants (sizes as the fleet profile: 90 % S, 9 % M, 1 % L), created 45 days ago,
--     on the standard policy; :due of them have a backup due a minute ago, the others later today;
--   - a nightly snapshot per tenant for the last 30 days (2 % of nights missed, every 50th tenant's
--     newest one 30 hours old: out of its RPO), with snapshot_commits from the trigger;
--   - :jobs finished jobs over the last 45 days (backups, retention and validation runs; 2 % of
--     backups discarded), each with the three history rows a job leaves (available, running, its end);
--   - a passed validation per tenant per week.
\set ON_ERROR_STOP on
SET synchronous_commit = off;

INSERT INTO partners (name)
SELECT format('Fleet Partner %s', lpad(p::text, 2, '0')) FROM generate_series(1, 10) p;

CREATE TEMP TABLE fleet AS
SELECT n,
       gen_random_uuid() AS id,
       (SELECT id FROM partners WHERE name = format('Fleet Partner %s', lpad((1 + (n - 1) % 10)::text, 2, '0'))) AS partner_id
FROM generate_series(1, :tenants) n;

INSERT INTO tenants (id, display_name, status, entra_tenant_id, primary_domain, partner_id, size_class, policy_id,
                     created_at, status_changed_at, next_backup_at, next_retention_at, next_validation_at)
SELECT f.id, format('Fleet customer %s', lpad(f.n::text, 5, '0')), 'active', gen_random_uuid(),
       format('fleet%s.onmicrosoft.com', lpad(f.n::text, 5, '0')), f.partner_id,
       CASE WHEN f.n % 100 = 0 THEN 'L' WHEN f.n % 10 = 0 THEN 'M' ELSE 'S' END,
       (SELECT id FROM policies WHERE name = 'standard'),
       now() - interval '45 days', now() - interval '45 days',
       CASE WHEN f.n <= :due THEN now() - interval '1 minute'
            ELSE now() + (f.n % 1440) * interval '1 minute' + interval '1 minute' END,
       now() + interval '12 hours', now() + interval '3 days'
FROM fleet f;

-- Nightly snapshots: night d (1 = last night) committed at 01:00 UTC plus the tenant's spread (up to an
-- hour); a commit that would be in the future (a run before 02:00) is left out.
INSERT INTO snapshots (tenant_id, kind, status, started_at, committed_at, duration_ms, object_count, changed_count,
                       new_blobs, bytes_added, root_hash, data_key_id, type_counts, delta_links)
SELECT f.id, CASE WHEN d = 30 THEN 'full' ELSE 'incremental' END, 'complete',
       c.committed_at - interval '40 seconds', c.committed_at, 40000,
       600 + f.n % 400, CASE WHEN d = 30 THEN 600 + f.n % 400 ELSE f.n % 7 END, f.n % 7, 4096 + (f.n % 7) * 2048,
       decode(md5(f.id::text || d) || md5(d || f.id::text), 'hex'), 'bench', '{}', '{}'
FROM fleet f
CROSS JOIN generate_series(1, 30) d
CROSS JOIN LATERAL (SELECT date_trunc('day', now()) - (d - 1) * interval '1 day' + interval '1 hour'
                           + (f.n % 360) * interval '10 seconds'
                           - CASE WHEN f.n % 50 = 0 THEN interval '30 hours' ELSE interval '0' END AS committed_at) c
WHERE (f.n * 31 + d) % 50 <> 0 AND c.committed_at < now()
ORDER BY c.committed_at;

-- Finished jobs with their history, written directly (the history trigger would stamp every row
-- with the insert's time).
ALTER TABLE jobs DISABLE TRIGGER jobs_history_insert;
CREATE TEMP TABLE bench_jobs AS
SELECT j, f.id AS tenant_id,
       CASE WHEN j % 10 < 6 THEN 'backup' WHEN j % 10 < 9 THEN 'retention' ELSE 'validation' END AS kind,
       CASE WHEN j % 10 < 6 AND j % 50 = 0 THEN 'discarded' ELSE 'completed' END AS state,
       now() - interval '45 days' + (j::float8 / :jobs) * interval '45 days' AS created
FROM generate_series(1, :jobs) j
JOIN fleet f ON f.n = 1 + (j::bigint * 7919) % :tenants;

INSERT INTO jobs (kind, tenant_id, state, priority, run_at, args, attempt, max_attempts, attempted_at, errors, created_at, finalized_at)
SELECT kind, tenant_id, state, 100, created, '{}', CASE WHEN state = 'discarded' THEN 5 ELSE 1 END, 5,
       created + interval '1 second',
       CASE WHEN state = 'discarded'
            THEN jsonb_build_array(jsonb_build_object('attempt', 5, 'at', extract(epoch FROM created + interval '40 seconds'),
                                                      'error', 'Graph answered 503', 'permanent', false))
            ELSE '[]'::jsonb END,
       created, created + interval '40 seconds'
FROM bench_jobs ORDER BY j;
ALTER TABLE jobs ENABLE TRIGGER jobs_history_insert;

INSERT INTO job_events (job_id, kind, tenant_id, state, attempt, at)
SELECT j.id, j.kind, j.tenant_id, e.state, j.attempt, e.at
FROM jobs j
CROSS JOIN LATERAL (VALUES ('available', j.created_at), ('running', j.attempted_at), (j.state, j.finalized_at)) e(state, at)
WHERE j.state IN ('completed', 'discarded')
ORDER BY e.at;

INSERT INTO validations (tenant_id, snapshot_id, started_at, finished_at, passed, checks, failed_checks, restore_seconds)
SELECT f.id, s.id, s.committed_at + interval '2 hours', s.committed_at + interval '2 hours 3 minutes', true,
       '[{"name":"integrity","status":"passed"}]', '{}', 120
FROM fleet f
JOIN LATERAL (SELECT id, committed_at FROM snapshots WHERE tenant_id = f.id ORDER BY id) s ON true
WHERE extract(dow FROM s.committed_at) = f.n % 7;

-- As autovacuum would leave them: statistics, and visibility maps for index-only scans.
VACUUM ANALYZE;
