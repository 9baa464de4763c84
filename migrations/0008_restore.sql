-- Holdfast schema, version 8: restores (stored plans, their ordered Graph writes, the id map that
-- makes them resumable) and change alerts (watch rules and the alerts they raised). See
-- docs/restore.md.

-- MARK: restore plans
-- A plan is computed once (a dry run) and stored; applying executes exactly these steps.
CREATE TABLE restore_plans (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_tenant_id   uuid NOT NULL REFERENCES tenants (id),
    target_tenant_id   uuid NOT NULL REFERENCES tenants (id),
    snapshot_id        bigint NOT NULL REFERENCES snapshots (id),
    -- {"types":[…], "ids":[…], "deletedSince":…, "wholeTenant":…}
    scope              jsonb NOT NULL,
    status             text NOT NULL DEFAULT 'planned'
                       CHECK (status IN ('planned', 'applying', 'applied', 'failed')),
    -- Objects the plan would delete or overwrite, and whether that exceeds the configured guard.
    destructive_count  integer NOT NULL DEFAULT 0,
    blast_radius_limit integer NOT NULL,
    -- Conditional access policies that would block every privileged-role holder: [{"policy":…, "reason":…}].
    lockout_findings   jsonb NOT NULL DEFAULT '[]',
    -- What cannot come back and what the operator must do: [{"type","objectId","action"}].
    operator_actions   jsonb NOT NULL DEFAULT '[]',
    -- Cross-tenant: {"source.domain": "target.domain"} for user principal names and mail.
    domain_rewrites    jsonb NOT NULL DEFAULT '{}',
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    applied_at         timestamptz,
    finished_at        timestamptz,
    job_id             bigint,
    error              text
);
CREATE INDEX restore_plans_target ON restore_plans (target_tenant_id, created_at DESC);

-- One Graph write (or a look-up-then-write) per row, executed in seq order, a phase at a time.
CREATE TABLE restore_steps (
    plan_id      uuid NOT NULL REFERENCES restore_plans (id) ON DELETE CASCADE,
    seq          integer NOT NULL,
    phase        integer NOT NULL,
    action       text NOT NULL,
    type         text NOT NULL,
    -- The object's key in the snapshot (source ids); relationships: parent/child.
    source_key   text NOT NULL,
    -- The object as backed up (source ids) and as the target holds it now (NULL when absent).
    after_json   jsonb,
    before_json  jsonb,
    -- For creates: ids the natural-key look-up matched before the restore, so a retry can tell
    -- an object this restore created (response lost) from one that was already there.
    natural_key  jsonb,
    preexisting  text[] NOT NULL DEFAULT '{}',
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'in_flight', 'done', 'failed', 'skipped')),
    target_id    text,
    detail       text,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, seq)
);

-- Source object id → target object id (and an application's appId), written as each create
-- succeeds, in the same statement as its step's status.
CREATE TABLE restore_id_map (
    plan_id     uuid NOT NULL REFERENCES restore_plans (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('id', 'appId')),
    source_id   text NOT NULL,
    target_id   text NOT NULL,
    PRIMARY KEY (plan_id, kind, source_id)
);

-- MARK: change alerts
CREATE TABLE watch_rules (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    -- NULL: every tenant.
    tenant_id   uuid REFERENCES tenants (id),
    -- caPolicyChanged, caPolicyDisabled, privilegedRoleAssigned, appCredentialsAdded,
    -- appPermissionsAdded, objectChanged (with type and optional properties).
    kind        text NOT NULL,
    options     jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE change_alerts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id       uuid NOT NULL REFERENCES watch_rules (id) ON DELETE CASCADE,
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    snapshot_id   bigint NOT NULL REFERENCES snapshots (id),
    payload       jsonb NOT NULL,
    webhook_job_id bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- One alert per rule and snapshot, so a retried evaluation does not alert twice.
    UNIQUE (rule_id, snapshot_id)
);
CREATE INDEX change_alerts_tenant ON change_alerts (tenant_id, created_at DESC);
