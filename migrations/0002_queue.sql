-- Holdfast schema, version 2: the job queue, its history, the worker registry, the coordinator's
-- leader lease, and the minimal tenant rows the scheduler reads.
--
-- The queue's shape follows what River, Oban and pgqueuer converged on: one jobs table, claimed with
-- FOR UPDATE SKIP LOCKED over a partial index of available jobs, completion conditional on the
-- claim still being held, a partial unique index for de-duplication, NOTIFY once per statement.

-- MARK: tenants (minimal)
-- Only what the scheduler needs. The tenant-onboarding issue extends this table (credentials,
-- partner, policy objects); the scheduler keeps reading these columns.
CREATE TABLE tenants (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    display_name            text NOT NULL,
    status                  text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'offboarded')),
    backup_interval         interval NOT NULL DEFAULT '24 hours',
    retention_interval      interval NOT NULL DEFAULT '24 hours',
    validation_interval     interval NOT NULL DEFAULT '7 days',
    -- Preferred window in UTC: runs start within [start, start + length). NULL start: any time.
    preferred_window_start  time,
    preferred_window_length interval NOT NULL DEFAULT '6 hours',
    -- When each kind is next due. NULL: not scheduled yet (the scheduler places it, spread by tenant).
    next_backup_at          timestamptz,
    next_retention_at       timestamptz,
    next_validation_at      timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now()
);

-- The scheduler only ever reads due rows through these, so its cost grows with due tenants.
CREATE INDEX tenants_next_backup ON tenants (next_backup_at) WHERE status = 'active';
CREATE INDEX tenants_next_retention ON tenants (next_retention_at) WHERE status = 'active';
CREATE INDEX tenants_next_validation ON tenants (next_validation_at) WHERE status = 'active';
CREATE INDEX tenants_unscheduled ON tenants (id)
    WHERE status = 'active' AND (next_backup_at IS NULL OR next_retention_at IS NULL OR next_validation_at IS NULL);

-- MARK: jobs
CREATE TABLE jobs (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              text NOT NULL CHECK (kind <> ''),
    tenant_id         uuid,
    state             text NOT NULL CHECK (state IN
                        ('scheduled', 'available', 'running', 'retryable', 'completed', 'discarded', 'cancelled')),
    -- Lower runs first.
    priority          smallint NOT NULL DEFAULT 100,
    run_at            timestamptz NOT NULL DEFAULT now(),
    -- Fair-queuing key among available jobs: a tenant's Nth queued job sits N places behind the
    -- queue's head, so one tenant's backlog delays another tenant by at most one turn.
    fair_seq          bigint NOT NULL DEFAULT 0,
    args              jsonb NOT NULL DEFAULT '{}',
    attempt           integer NOT NULL DEFAULT 0,
    max_attempts      integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    -- The worker holding a running job; kept after it finishes (who finished it).
    worker_id         uuid,
    lease_expires_at  timestamptz,
    heartbeat_at      timestamptz,
    attempted_at      timestamptz,
    progress          jsonb,
    -- One object per failed attempt: {attempt, at, error, permanent, worker_id}.
    errors            jsonb NOT NULL DEFAULT '[]',
    unique_key        text,
    cancel_requested  boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    finalized_at      timestamptz
);

-- The claim's index: only available jobs, in claim order.
CREATE INDEX jobs_claim ON jobs (priority, fair_seq, id) WHERE state = 'available';
-- The head of each tenant's queue, for the fair_seq of the next enqueue.
CREATE INDEX jobs_tenant_available ON jobs (tenant_id, fair_seq) WHERE state = 'available';
-- Promotion of due scheduled and retryable jobs.
CREATE INDEX jobs_due ON jobs (run_at) WHERE state IN ('scheduled', 'retryable');
-- Rescue of expired leases.
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE state = 'running';
-- Pruning of finished jobs.
CREATE INDEX jobs_finalized ON jobs (finalized_at) WHERE state IN ('completed', 'discarded', 'cancelled');
-- Operator filters.
CREATE INDEX jobs_tenant ON jobs (tenant_id, id);
-- Invariant 1, enforced by the database: one running backup or restore per tenant. The claim
-- avoids the conflict; this index makes a race between two claimers fail instead of succeed.
CREATE UNIQUE INDEX jobs_tenant_exclusive_running ON jobs (tenant_id)
    WHERE state = 'running' AND kind IN ('backup', 'restore');
-- De-duplication: one unfinished job per unique key.
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('scheduled', 'available', 'running', 'retryable');

-- Jobs are updated several times in their short life: vacuum them far more eagerly than the
-- default 20 % of the table, so dead tuples never pile up under a busy queue.
ALTER TABLE jobs SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_cost_delay = 0,
    fillfactor = 80
);

-- MARK: history
-- Every state change of every job, with its time (the SLA work reads this).
CREATE TABLE job_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     bigint NOT NULL,
    kind       text NOT NULL,
    tenant_id  uuid,
    state      text NOT NULL,
    attempt    integer NOT NULL,
    worker_id  uuid,
    at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX job_events_job ON job_events (job_id, id);
CREATE INDEX job_events_tenant ON job_events (tenant_id, at);
CREATE INDEX job_events_at ON job_events (at);
ALTER TABLE job_events SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);

-- Statement-level triggers with transition tables: one INSERT … SELECT and at most one NOTIFY per
-- statement, however many rows it touched (a batch enqueue of 10,000 jobs sends one wake-up).
CREATE FUNCTION jobs_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_events (job_id, kind, tenant_id, state, attempt, worker_id)
    SELECT n.id, n.kind, n.tenant_id, n.state, n.attempt, n.worker_id FROM new_rows n;
    IF EXISTS (SELECT 1 FROM new_rows WHERE state = 'available') THEN
        PERFORM pg_notify('holdfast_jobs', current_schema());
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION jobs_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

CREATE TRIGGER jobs_history_insert AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_after_insert();
CREATE TRIGGER jobs_history_update AFTER UPDATE ON jobs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_after_update();

-- MARK: workers
-- Every worker process registers itself, so operators can see the fleet.
CREATE TABLE workers (
    id            uuid PRIMARY KEY,
    host          text NOT NULL,
    pid           integer NOT NULL,
    version       text NOT NULL,
    concurrency   integer NOT NULL,
    kinds         text[] NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    stopped_at    timestamptz
);
CREATE INDEX workers_last_seen ON workers (last_seen_at);

-- MARK: leader lease
-- One row per election; the holder renews expires_at, anyone may take it once it has passed.
CREATE TABLE leader_leases (
    name        text PRIMARY KEY,
    holder_id   uuid NOT NULL,
    holder_host text NOT NULL,
    holder_pid  integer NOT NULL,
    elected_at  timestamptz NOT NULL,
    renewed_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
