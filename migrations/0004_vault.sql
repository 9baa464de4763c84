-- Holdfast schema, version 4: the vault. Blobs (sealed, compressed canonical JSON) in PostgreSQL
-- when it is the blob store, snapshots, and the snapshot map as version rows with validity ranges.
-- See docs/backup.md.

-- MARK: blobs (the PostgreSQL blob store)
-- Content-addressed per tenant: the id is an HMAC of the plaintext, so a row is written once and
-- never updated. No foreign key: the blob store may live in another database.
CREATE TABLE vault_blobs (
    tenant_id   uuid NOT NULL,
    blob_id     bytea NOT NULL CHECK (octet_length(blob_id) = 32),
    body        bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, blob_id)
);
-- Bodies are compressed and encrypted already: TOAST compression would only cost CPU.
ALTER TABLE vault_blobs ALTER COLUMN body SET STORAGE EXTERNAL;

-- MARK: snapshots
-- A row exists only for a committed snapshot: it is inserted in the same transaction as the version
-- rows it opens and closes (invariant 3). Snapshot ids grow with commit order, and a tenant commits
-- one snapshot at a time (one backup per tenant), so validity ranges compare ids.
CREATE TABLE snapshots (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    -- The job that produced it; unique, so a retried job can never commit a second snapshot.
    job_id          bigint UNIQUE,
    kind            text NOT NULL CHECK (kind IN ('full', 'incremental')),
    status          text NOT NULL CHECK (status IN ('complete', 'partial')),
    started_at      timestamptz NOT NULL,
    committed_at    timestamptz NOT NULL DEFAULT now(),
    duration_ms     bigint NOT NULL CHECK (duration_ms >= 0),
    -- Live objects in the map at this snapshot, and versions opened or closed by it.
    object_count    bigint NOT NULL,
    changed_count   bigint NOT NULL,
    new_blobs       bigint NOT NULL,
    bytes_added     bigint NOT NULL,
    -- Keyed additive hash over (type, object id, blob id) of every live entry; see docs/backup.md.
    root_hash       bytea NOT NULL CHECK (octet_length(root_hash) = 32),
    -- The tenant data key whose derived root key computed root_hash.
    data_key_id     text NOT NULL,
    -- Per type: {"objects":…, "changed":…}.
    type_counts     jsonb NOT NULL DEFAULT '{}',
    -- Per type: the delta link for the next incremental run.
    delta_links     jsonb NOT NULL DEFAULT '{}',
    -- Partial snapshots: [{"type":…, "code":…, "reason":…}] for each type that could not be read.
    missing_types   jsonb NOT NULL DEFAULT '[]',
    CHECK ((status = 'partial') = (jsonb_array_length(missing_types) > 0))
);
CREATE INDEX snapshots_tenant ON snapshots (tenant_id, id DESC);

-- MARK: the snapshot map
-- One row per version of an object: present from snapshot valid_from up to (not including)
-- valid_to; NULL valid_to is the current version. An incremental snapshot closes and opens only
-- the rows of changed objects.
CREATE TABLE object_versions (
    tenant_id   uuid NOT NULL,
    type        text NOT NULL,
    object_id   text NOT NULL,
    valid_from  bigint NOT NULL REFERENCES snapshots (id),
    valid_to    bigint REFERENCES snapshots (id),
    blob_id     bytea NOT NULL CHECK (octet_length(blob_id) = 32),
    PRIMARY KEY (tenant_id, type, object_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
-- The current map, per type (the backup compares against it; commit closes rows through it).
CREATE UNIQUE INDEX object_versions_current ON object_versions (tenant_id, type, object_id) WHERE valid_to IS NULL;
-- Versions closed by a snapshot (for its diff and for verification).
CREATE INDEX object_versions_closed ON object_versions (tenant_id, valid_to) WHERE valid_to IS NOT NULL;
CREATE INDEX object_versions_opened ON object_versions (tenant_id, valid_from);
-- Garbage collection asks whether any version still names a blob.
CREATE INDEX object_versions_blob ON object_versions (tenant_id, blob_id);

-- MARK: staging
-- What a running backup has read, written in small autocommitted batches while it reads Graph (no
-- transaction stays open across Graph calls). The commit applies it to object_versions in one
-- short transaction and deletes it. op: 'put' (object present with blob_id), 'remove' (deleted).
CREATE TABLE snapshot_staging (
    job_id      bigint NOT NULL,
    tenant_id   uuid NOT NULL,
    type        text NOT NULL,
    object_id   text NOT NULL,
    op          text NOT NULL CHECK (op IN ('put', 'remove')),
    blob_id     bytea CHECK ((op = 'put') = (blob_id IS NOT NULL)),
    PRIMARY KEY (job_id, type, object_id)
);
