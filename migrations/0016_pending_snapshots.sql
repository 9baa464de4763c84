-- Holdfast schema, version 16: a tenant's first snapshot writes its version rows while the backup
-- reads Graph, under a reserved snapshot id; its commit only turns the id into a snapshot.
--
-- A first full backup of a 100,000-user tenant opens 1.2 million versions. Copied from the staging
-- table in the commit's one transaction they took about 25 s after the reading had ended
-- (docs/performance.md). Now a backup of a tenant without a current map reserves an id from the
-- snapshots sequence in pending_snapshots and writes its version rows (valid_from = that id) page
-- by page, as it used to write staging rows. Nobody sees them before the commit: every read of the
-- map joins snapshots on valid_from or bounds valid_from by a committed snapshot's id, and no
-- snapshot of the tenant is committed while the id is pending (one running job per tenant,
-- invariant 1; a backup's begin discards every pending snapshot of its tenant). The commit inserts
-- the snapshot row under the reserved id and deletes the reservation in one transaction.
-- See docs/backup.md, "Commit protocol".

CREATE TABLE pending_snapshots (
    -- Reserved from the snapshots id sequence: ordered after every snapshot of the tenant.
    id          bigint PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    job_id      bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_snapshots_tenant ON pending_snapshots (tenant_id);

-- The foreign key on valid_from checked every inserted row on its own (about 6 s of a 1.2-million
-- row insert). A statement-level check of the distinct ids replaces it; like the foreign key it
-- locks the rows it found (FOR KEY SHARE), so an id deleted concurrently is waited for and then
-- refused. That is also what stops an abandoned attempt still writing under a discarded id.
ALTER TABLE object_versions DROP CONSTRAINT object_versions_valid_from_fkey;

-- SQLSTATE 23503 (foreign_key_violation), as the foreign key raised.
CREATE FUNCTION object_versions_check_opened() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    found_ids bigint[];
BEGIN
    SELECT array_agg(DISTINCT valid_from) INTO ids FROM opened_rows;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(id) INTO found_ids FROM (
        SELECT id FROM snapshots WHERE id = ANY (ids) FOR KEY SHARE
    ) committed;
    SELECT coalesce(found_ids, '{}') || coalesce(array_agg(id), '{}') INTO found_ids FROM (
        SELECT id FROM pending_snapshots WHERE id = ANY (ids) FOR KEY SHARE
    ) pending;
    IF cardinality(ids) > cardinality(found_ids) THEN
        RAISE EXCEPTION 'object versions opened by snapshot %, which is neither committed nor pending',
            (SELECT min(i) FROM unnest(ids) AS i WHERE i <> ALL (found_ids))
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER object_versions_opened_insert AFTER INSERT ON object_versions
    REFERENCING NEW TABLE AS opened_rows FOR EACH STATEMENT EXECUTE FUNCTION object_versions_check_opened();
-- Retention moves valid_from to the next snapshot (a whole first snapshot's rows, when it goes):
-- one check per statement, not per row. (A transition table rules out `UPDATE OF valid_from`, so
-- closing versions is checked too: a handful of distinct ids.)
CREATE TRIGGER object_versions_opened_update AFTER UPDATE ON object_versions
    REFERENCING NEW TABLE AS opened_rows FOR EACH STATEMENT EXECUTE FUNCTION object_versions_check_opened();

-- The other side of the foreign key: a snapshot (committed or pending) cannot go while versions it
-- opened remain, unless the id lives on (a pending id becoming a committed snapshot).
CREATE FUNCTION snapshot_ids_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM object_versions v WHERE v.tenant_id = OLD.tenant_id AND v.valid_from = OLD.id)
       AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.id = OLD.id)
       AND NOT EXISTS (SELECT 1 FROM pending_snapshots p WHERE p.id = OLD.id) THEN
        RAISE EXCEPTION 'snapshot % still opens object versions', OLD.id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER snapshots_versions_gone AFTER DELETE ON snapshots
    FOR EACH ROW EXECUTE FUNCTION snapshot_ids_unreferenced();
CREATE TRIGGER pending_snapshots_versions_gone AFTER DELETE ON pending_snapshots
    FOR EACH ROW EXECUTE FUNCTION snapshot_ids_unreferenced();
