-- Holdfast schema, version 9: legal hold per snapshot, deletion guards that nobody can bypass,
-- policies as the scheduler's source of truth, retention runs and validation evidence.
-- See docs/policies.md.

-- MARK: legal hold per snapshot
ALTER TABLE snapshots
    ADD COLUMN legal_hold         boolean NOT NULL DEFAULT false,
    ADD COLUMN legal_hold_reason  text,
    ADD CONSTRAINT snapshots_legal_hold_reason CHECK (NOT legal_hold OR legal_hold_reason IS NOT NULL);

-- MARK: validations (evidence)
-- One row per validation run of one snapshot. No foreign key to snapshots: the evidence outlives
-- the snapshot when retention later deletes it.
CREATE TABLE validations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    snapshot_id      bigint NOT NULL,
    -- The job that ran it; unique, so a retried job records one result, not two.
    job_id           bigint UNIQUE,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL,
    passed           boolean NOT NULL,
    -- [{"name": "integrity", "status": "passed|failed|skipped", "summary": …, "failures": [...]}, …]
    checks           jsonb NOT NULL,
    -- Names of the checks that failed (also inside checks), for reports that only need the verdict.
    failed_checks    text[] NOT NULL DEFAULT '{}',
    -- Measured by the restore drill; NULL when the drill was skipped or failed before restoring.
    restore_seconds  double precision,
    CHECK (passed = (cardinality(failed_checks) = 0))
);
CREATE INDEX validations_tenant ON validations (tenant_id, id DESC);
CREATE INDEX validations_snapshot ON validations (snapshot_id, id DESC);

-- MARK: retention runs
-- What each retention run kept, deleted and collected.
CREATE TABLE retention_runs (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    job_id             bigint,
    policy_name        text NOT NULL,
    -- The clock the GFS selection used (the job's time; tests move it).
    evaluated_at       timestamptz NOT NULL,
    started_at         timestamptz NOT NULL,
    finished_at        timestamptz NOT NULL,
    snapshots_kept     integer NOT NULL,
    -- [{"id":…, "committed_at":…}] of each deleted snapshot.
    deleted            jsonb NOT NULL DEFAULT '[]',
    -- Snapshots the policy expired but a guard kept: [{"id":…, "reason": "legal_hold|immutable|newest_good"}].
    protected          jsonb NOT NULL DEFAULT '[]',
    versions_removed   bigint NOT NULL DEFAULT 0,
    versions_adjusted  bigint NOT NULL DEFAULT 0,
    blobs_deleted      bigint NOT NULL DEFAULT 0,
    bytes_freed        bigint NOT NULL DEFAULT 0
);
CREATE INDEX retention_runs_tenant ON retention_runs (tenant_id, id DESC);

-- MARK: garbage collection
-- The advisory lock key that orders a tenant's garbage collection (exclusive) against its running
-- backups' staging writes (shared); see docs/policies.md, "Garbage collection".
CREATE FUNCTION vault_gc_lock_key(tenant uuid) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT hashtextextended('holdfast.vault.gc/' || tenant::text, 0)
$$;
-- GC asks whether a running backup has staged a blob.
CREATE INDEX snapshot_staging_blob ON snapshot_staging (tenant_id, blob_id) WHERE blob_id IS NOT NULL;

-- MARK: deletion guards (invariant 8, enforced below every client)
-- A snapshot is "good" when it is complete and its newest validation, if any, did not fail.
CREATE FUNCTION snapshot_is_good(snapshot snapshots) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT snapshot.status = 'complete' AND COALESCE((
        SELECT v.passed FROM validations v WHERE v.snapshot_id = snapshot.id ORDER BY v.id DESC LIMIT 1), true)
$$;

-- The immutability window that applies to a tenant: its policy's, or the standard policy's.
CREATE FUNCTION tenant_immutability_window(tenant uuid) RETURNS interval LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        (SELECT p.immutability_window FROM tenants t JOIN policies p ON p.id = t.policy_id WHERE t.id = tenant),
        (SELECT p.immutability_window FROM policies p WHERE p.name = 'standard'),
        interval '0')
$$;

-- SQLSTATEs: HF001 snapshot hold, HF002 tenant hold, HF003 immutable, HF004 newest snapshot,
-- HF005 newest good snapshot, HF006 snapshot rewrite. The vault maps them to VaultError codes.
CREATE FUNCTION snapshots_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tenant_hold boolean;
    tenant_status text;
BEGIN
    IF OLD.legal_hold THEN
        RAISE EXCEPTION 'snapshot % is under legal hold: %', OLD.id, OLD.legal_hold_reason USING ERRCODE = 'HF001';
    END IF;
    SELECT legal_hold, status INTO tenant_hold, tenant_status FROM tenants WHERE id = OLD.tenant_id;
    IF tenant_hold THEN
        RAISE EXCEPTION 'tenant % is under legal hold; snapshot % cannot be deleted', OLD.tenant_id, OLD.id USING ERRCODE = 'HF002';
    END IF;
    IF OLD.committed_at > now() - tenant_immutability_window(OLD.tenant_id) THEN
        RAISE EXCEPTION 'snapshot % is inside its immutability window', OLD.id USING ERRCODE = 'HF003';
    END IF;
    -- An offboarded tenant's data may go entirely (holds and immutability still apply).
    IF tenant_status = 'offboarded' THEN
        RETURN OLD;
    END IF;
    -- The newest snapshot carries the delta links and the root the next backup builds on.
    IF NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.tenant_id = OLD.tenant_id AND s.id > OLD.id) THEN
        RAISE EXCEPTION 'snapshot % is the newest of its tenant', OLD.id USING ERRCODE = 'HF004';
    END IF;
    IF snapshot_is_good(OLD) AND NOT EXISTS (
        SELECT 1 FROM snapshots s WHERE s.tenant_id = OLD.tenant_id AND s.id > OLD.id AND snapshot_is_good(s)) THEN
        RAISE EXCEPTION 'snapshot % is the newest good snapshot of its tenant', OLD.id USING ERRCODE = 'HF005';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER snapshots_guard_delete BEFORE DELETE ON snapshots FOR EACH ROW EXECUTE FUNCTION snapshots_guard_delete();

-- Moving a snapshot's time or tenant would walk it out of its immutability window.
CREATE FUNCTION snapshots_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.committed_at IS DISTINCT FROM OLD.committed_at OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        RAISE EXCEPTION 'snapshot %: committed_at and tenant_id never change', OLD.id USING ERRCODE = 'HF006';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER snapshots_guard_update BEFORE UPDATE ON snapshots FOR EACH ROW EXECUTE FUNCTION snapshots_guard_update();

-- MARK: policies drive the scheduler
-- The scheduler reads the interval and window columns of tenants; a tenant with a policy gets them
-- from it, whenever the policy is assigned or changed. Changed intervals reschedule (next_* NULL:
-- the scheduler places the tenant again, spread by its id). Tenants without a policy keep theirs.
CREATE FUNCTION policy_window_start_utc(start_time time, timezone text) RETURNS time LANGUAGE sql STABLE AS $$
    SELECT ((current_date + start_time) AT TIME ZONE timezone AT TIME ZONE 'UTC')::time
$$;

CREATE FUNCTION policy_window_length(start_time time, end_time time) RETURNS interval LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN end_time > start_time THEN end_time - start_time ELSE end_time - start_time + interval '24 hours' END
$$;

CREATE FUNCTION tenants_apply_policy() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p policies;
BEGIN
    IF NEW.policy_id IS NULL OR (TG_OP = 'UPDATE' AND NEW.policy_id IS NOT DISTINCT FROM OLD.policy_id) THEN
        RETURN NEW;
    END IF;
    SELECT * INTO p FROM policies WHERE id = NEW.policy_id;
    IF NEW.backup_interval IS DISTINCT FROM p.backup_interval THEN NEW.next_backup_at := NULL; END IF;
    IF NEW.retention_interval IS DISTINCT FROM p.retention_interval THEN NEW.next_retention_at := NULL; END IF;
    IF NEW.validation_interval IS DISTINCT FROM p.validation_interval THEN NEW.next_validation_at := NULL; END IF;
    NEW.backup_interval := p.backup_interval;
    NEW.retention_interval := p.retention_interval;
    NEW.validation_interval := p.validation_interval;
    IF p.window_start IS NULL THEN
        NEW.preferred_window_start := NULL;
    ELSE
        NEW.preferred_window_start := policy_window_start_utc(p.window_start, p.window_timezone);
        NEW.preferred_window_length := policy_window_length(p.window_start, p.window_end);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tenants_apply_policy BEFORE INSERT OR UPDATE OF policy_id ON tenants
    FOR EACH ROW EXECUTE FUNCTION tenants_apply_policy();

CREATE FUNCTION policies_propagate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenants t SET
        backup_interval = NEW.backup_interval,
        retention_interval = NEW.retention_interval,
        validation_interval = NEW.validation_interval,
        next_backup_at = CASE WHEN t.backup_interval IS DISTINCT FROM NEW.backup_interval THEN NULL ELSE t.next_backup_at END,
        next_retention_at = CASE WHEN t.retention_interval IS DISTINCT FROM NEW.retention_interval THEN NULL ELSE t.next_retention_at END,
        next_validation_at = CASE WHEN t.validation_interval IS DISTINCT FROM NEW.validation_interval THEN NULL ELSE t.next_validation_at END,
        preferred_window_start = CASE WHEN NEW.window_start IS NULL THEN NULL
                                      ELSE policy_window_start_utc(NEW.window_start, NEW.window_timezone) END,
        preferred_window_length = CASE WHEN NEW.window_start IS NULL THEN t.preferred_window_length
                                       ELSE policy_window_length(NEW.window_start, NEW.window_end) END
    WHERE t.policy_id = NEW.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER policies_propagate AFTER UPDATE ON policies FOR EACH ROW EXECUTE FUNCTION policies_propagate();

-- Tenants that predate policies get the standard one (and, through the trigger, its schedule).
UPDATE tenants SET policy_id = (SELECT id FROM policies WHERE name = 'standard') WHERE policy_id IS NULL;
