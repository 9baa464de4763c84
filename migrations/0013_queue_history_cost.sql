-- Holdfast schema, version 13: cheaper job history on the queue's hot path.
--
-- Every job writes three history rows (enqueued, claimed, completed). Profiling the benchmark's
-- drain (docs/performance.md, "Queue") showed the history costing about a quarter of the server's
-- time per job: the row trigger's SPI query and the four B-tree entries each row added. This
-- migration keeps every state change recorded, and makes each record cheaper:
--
-- 1. The claim and the completion write their own history rows in the same statement (a
--    data-modifying CTE) and tell the trigger so through a statement-scoped token; every other
--    statement that changes a job's state is still recorded by the trigger, as before.
-- 2. job_events' indexes are the ones its readers use: (job_id, id) for one job's history (now the
--    primary key: id is unique, so the pair is), a BRIN on `at` for pruning (rows arrive in time
--    order, so a block range summary is as selective as a B-tree here, at a fraction of the
--    write cost), and (tenant_id, at) only for backups, the only kind the SLA and the compliance
--    reports read by tenant.

-- MARK: history written by the statement itself

-- The token a statement sets (transaction-local) when it writes its own history rows: its own
-- statement_timestamp(), so it can never match a later statement. The trigger consumes it.
CREATE OR REPLACE FUNCTION jobs_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('holdfast.job_history_recorded', true) = statement_timestamp()::text THEN
        PERFORM set_config('holdfast.job_history_recorded', '', true);
        RETURN NULL;
    END IF;
    INSERT INTO job_events (job_id, kind, tenant_id, state, attempt, worker_id)
    SELECT n.id, n.kind, n.tenant_id, n.state, n.attempt, n.worker_id
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE o.state <> n.state;
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
               WHERE n.state = 'available' AND o.state <> 'available') THEN
        PERFORM pg_notify('holdfast_jobs', current_schema());
    END IF;
    RETURN NULL;
END $$;

-- MARK: job_events indexes

ALTER TABLE job_events DROP CONSTRAINT job_events_pkey;
DROP INDEX job_events_job;
ALTER TABLE job_events ADD CONSTRAINT job_events_pkey PRIMARY KEY (job_id, id);

DROP INDEX job_events_at;
CREATE INDEX job_events_at ON job_events USING brin (at);

DROP INDEX job_events_tenant;
CREATE INDEX job_events_tenant_backups ON job_events (tenant_id, at) WHERE kind = 'backup';
