-- Holdfast schema, version 6: what onboarding remembers about a tenant's Graph permissions, and the
-- shared multi-tenant app's global Graph budget that every worker draws from.

-- MARK: tenant_probes
-- The last permission probe of each tenant (holdfast tenants add / update --reprobe): which
-- permissions the token carried, which endpoints answered 403, and whether backups may run.
-- Never holds a token or a secret.
CREATE TABLE tenant_probes (
    tenant_id        uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    probed_at        timestamptz NOT NULL DEFAULT now(),
    client_id        uuid NOT NULL,
    backup_ready     boolean NOT NULL,
    -- The probe's report as JSON (docs/onboarding.md): permissions granted and missing, each
    -- requirement with its endpoint and outcome, the admin-consent URL.
    result           jsonb NOT NULL
);

-- MARK: graph_app_budget
-- Token buckets per app (client id) and scope ('units': resource units per 20 s across all tenants;
-- 'requests': requests per second), for the shared multi-tenant app whose limits every worker and
-- every tenant share. One statement refills and takes from a row under its row lock, so any
-- number of workers stay together under the app-wide limit. The database clock decides.
CREATE TABLE graph_app_budget (
    client_id          text NOT NULL CHECK (client_id <> ''),
    scope              text NOT NULL CHECK (scope IN ('units', 'requests')),
    available          float8 NOT NULL,
    capacity           float8 NOT NULL CHECK (capacity > 0),
    refill_per_second  float8 NOT NULL CHECK (refill_per_second > 0),
    updated_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (client_id, scope)
);
