-- Holdfast schema, version 19: every claim of a job is a distinct attempt with its own id, and
-- what a job writes is keyed by, or conditional on, that attempt (docs/queue.md, "Fencing";
-- docs/security.md, F1, F6, F11).
--
-- `jobs.attempt` alone does not name an attempt: a graceful hand-back gives the attempt number back,
-- so two runs of one job can share it. A worker that lost its lease (a stopped process, a stalled
-- connection) kept writing into the same staging rows as the attempt that took over, and its
-- `discardStaged` deleted that attempt's rows; the commit then recorded every object of the type
-- as deleted. Now each claim draws a new `attempt_id`, staging rows belong to one attempt, and a
-- restore plan records the attempt applying it.

ALTER TABLE jobs ADD COLUMN attempt_id uuid;
-- Claims of attempts still running before this version keep working until they end.
UPDATE jobs SET attempt_id = gen_random_uuid() WHERE state = 'running';

-- Staging is transient (unlogged since version 14): rows of backups running during the upgrade
-- are dropped; those backups fail their commit's claim check or restage on their retry.
TRUNCATE snapshot_staging;
ALTER TABLE snapshot_staging ADD COLUMN attempt_id uuid NOT NULL;
ALTER TABLE snapshot_staging DROP CONSTRAINT snapshot_staging_pkey;
ALTER TABLE snapshot_staging ADD PRIMARY KEY (attempt_id, type, object_id);
-- A backup's begin clears the rows earlier attempts of its job left.
CREATE INDEX snapshot_staging_job ON snapshot_staging (job_id);

-- The attempt a pending first snapshot belongs to (a later attempt discards it at its begin).
ALTER TABLE pending_snapshots ADD COLUMN attempt_id uuid;

-- The attempt applying a plan (status 'applying'): only it may record steps; another attempt may
-- take the plan over only once that one's job has ended.
ALTER TABLE restore_plans ADD COLUMN attempt_id uuid;
-- Plans are applied against the tenant as it was when they were made: past this they are refused.
ALTER TABLE restore_plans ADD COLUMN expires_at timestamptz;
UPDATE restore_plans SET expires_at = created_at + interval '24 hours';
-- The planner sets it from its configuration (RestoreConfiguration.planLifetime); this is the default.
ALTER TABLE restore_plans ALTER COLUMN expires_at SET DEFAULT now() + interval '24 hours';
ALTER TABLE restore_plans ALTER COLUMN expires_at SET NOT NULL;

-- A tenant an operator marked as a scratch tenant: the only kind a restore drill may write into.
ALTER TABLE tenants ADD COLUMN scratch boolean NOT NULL DEFAULT false;
