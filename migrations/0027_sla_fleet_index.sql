-- Holdfast schema, version 27: the SLA's 30-day backup counts read from the index alone.
--
-- The SLA evaluation counts each tenant's backup outcomes of the last 30 days. Through
-- job_events_backup_outcomes that cost one heap page per event: rows arrive in time order across
-- all tenants, so a tenant's events lie on as many pages as it has events (at 10,000 tenants and
-- 1,000,000 finished jobs, about 400,000 pages per evaluation; docs/performance.md, "Fleet"). With
-- the state in the index the count is an index-only scan.
CREATE INDEX job_events_backup_outcomes_state ON job_events (tenant_id, at) INCLUDE (state)
    WHERE kind = 'backup' AND state IN ('completed', 'retryable', 'discarded');
DROP INDEX job_events_backup_outcomes;
