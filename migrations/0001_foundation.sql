-- Holdfast schema, version 1: the installation itself.
--
-- schema_migrations is created by the migration runner before this file runs.
-- Later migrations add the queue, tenants, credentials, snapshots and SLA tables.

-- One row identifying this Holdfast installation, so reports and logs from several
-- installations can be told apart.
CREATE TABLE installation (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO installation DEFAULT VALUES;
