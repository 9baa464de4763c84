-- Holdfast schema, version 5: named policies assigned to tenants. The retention, validation and SLA
-- work reads them; the columns are the whole policy (docs/policies.md).

CREATE TABLE policies (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                  text NOT NULL UNIQUE CHECK (name <> ''),
    description           text NOT NULL DEFAULT '',
    -- Scheduling: how often, and a preferred daily window (local time in window_timezone) that the
    -- scheduler aims for; NULL bounds mean any time of day.
    backup_interval       interval NOT NULL DEFAULT '1 day' CHECK (backup_interval >= interval '1 minute'),
    window_start          time,
    window_end            time,
    window_timezone       text NOT NULL DEFAULT 'UTC',
    CHECK ((window_start IS NULL) = (window_end IS NULL)),
    -- Maximum age of the newest committed snapshot before the tenant is out of SLA.
    rpo_target            interval NOT NULL DEFAULT '26 hours' CHECK (rpo_target > interval '0'),
    -- Grandfather-father-son retention: the last N, then one per day/week/month/year.
    keep_last             integer NOT NULL DEFAULT 7 CHECK (keep_last >= 1),
    keep_daily            integer NOT NULL DEFAULT 30 CHECK (keep_daily >= 0),
    keep_weekly           integer NOT NULL DEFAULT 12 CHECK (keep_weekly >= 0),
    keep_monthly          integer NOT NULL DEFAULT 12 CHECK (keep_monthly >= 0),
    keep_yearly           integer NOT NULL DEFAULT 7 CHECK (keep_yearly >= 0),
    -- No snapshot younger than this can be deleted by anyone (and S3 Object Lock retention).
    immutability_window   interval NOT NULL DEFAULT '0' CHECK (immutability_window >= interval '0'),
    retention_interval    interval NOT NULL DEFAULT '1 day' CHECK (retention_interval >= interval '1 minute'),
    validation_interval   interval NOT NULL DEFAULT '7 days' CHECK (validation_interval >= interval '1 minute'),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- The policy a tenant gets when onboarding names none.
INSERT INTO policies (name, description) VALUES
    ('standard', 'Daily backups, RPO 26 hours, 7 last + 30 daily + 12 weekly + 12 monthly + 7 yearly, weekly validation');

ALTER TABLE tenants ADD CONSTRAINT tenants_policy_fk FOREIGN KEY (policy_id) REFERENCES policies (id);
CREATE INDEX tenants_policy ON tenants (policy_id);

-- Legal hold on a whole tenant: retention deletes none of its snapshots while it is set.
ALTER TABLE tenants
    ADD COLUMN legal_hold         boolean NOT NULL DEFAULT false,
    ADD COLUMN legal_hold_reason  text,
    ADD CONSTRAINT tenants_legal_hold_reason CHECK (NOT legal_hold OR legal_hold_reason IS NOT NULL);
