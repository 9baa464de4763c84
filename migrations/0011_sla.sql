-- Holdfast schema, version 11: SLA state per tenant and its history, and the index the SLA and
-- compliance reports read validations through (docs/sla.md, docs/reports.md).

-- MARK: validations
-- The table is 0009's (the validation job's evidence); SLA and reports read it by finish time.
CREATE INDEX validations_tenant_finished ON validations (tenant_id, finished_at);

-- MARK: sla_states
-- The current SLA state of each tenant, as the last evaluation found it.
CREATE TABLE sla_states (
    tenant_id     uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    state         text NOT NULL CHECK (state IN ('ok', 'at_risk', 'breached')),
    -- Why the tenant is not ok: ["rpo_exceeded", "rpo_80_percent", "last_attempt_failed", …].
    reasons       jsonb NOT NULL DEFAULT '[]',
    -- When the tenant entered this state.
    since         timestamptz NOT NULL,
    evaluated_at  timestamptz NOT NULL
);

-- MARK: sla_state_changes
-- Every change of a tenant's SLA state, with its time: how long a tenant was out of SLA in a
-- period is read from here. from_state is NULL for a tenant's first evaluation.
CREATE TABLE sla_state_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    from_state  text CHECK (from_state IN ('ok', 'at_risk', 'breached')),
    to_state    text NOT NULL CHECK (to_state IN ('ok', 'at_risk', 'breached')),
    reasons     jsonb NOT NULL DEFAULT '[]',
    at          timestamptz NOT NULL
);
CREATE INDEX sla_state_changes_tenant ON sla_state_changes (tenant_id, at);

-- MARK: snapshot_commits
-- Every snapshot ever committed, kept when retention later deletes the snapshot: a compliance
-- report for a past period computes RPO adherence and backup counts from these commit times, which
-- must not turn into false breaches once old snapshots expire. Written by a trigger, so no writer
-- of snapshots has to remember it.
CREATE TABLE snapshot_commits (
    snapshot_id   bigint PRIMARY KEY,
    tenant_id     uuid NOT NULL,
    status        text NOT NULL,
    committed_at  timestamptz NOT NULL
);
CREATE INDEX snapshot_commits_tenant ON snapshot_commits (tenant_id, committed_at);

INSERT INTO snapshot_commits (snapshot_id, tenant_id, status, committed_at)
SELECT id, tenant_id, status, committed_at FROM snapshots;

CREATE FUNCTION snapshots_record_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO snapshot_commits (snapshot_id, tenant_id, status, committed_at)
    VALUES (NEW.id, NEW.tenant_id, NEW.status, NEW.committed_at)
    ON CONFLICT (snapshot_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER snapshots_record_commit AFTER INSERT ON snapshots
    FOR EACH ROW EXECUTE FUNCTION snapshots_record_commit();

-- The SLA reads the newest snapshot per tenant at a given time.
CREATE INDEX snapshots_tenant_committed ON snapshots (tenant_id, committed_at);
-- Backup outcomes per tenant over time (success rate, last attempt, report counts).
CREATE INDEX job_events_backup_outcomes ON job_events (tenant_id, at)
    WHERE kind = 'backup' AND state IN ('completed', 'retryable', 'discarded');
