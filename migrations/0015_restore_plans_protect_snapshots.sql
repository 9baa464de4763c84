-- Holdfast schema, version 15: a snapshot that a pending restore plan (status 'planned' or
-- 'applying') restores from cannot be deleted, by retention or anyone else, until the plan is
-- applied or discarded (status 'applied' or 'failed'). Before this, retention could delete it under
-- a plan still waiting to be applied (migration 0012 dropped the foreign key that used to block
-- that, so that plans outlive their snapshot as evidence). See docs/policies.md and docs/restore.md.
--
-- SQLSTATE HF007 (VaultError code pendingRestore). Where it sits among the other guards:
-- - after HF001–HF003: a hold or the immutability window is the firmer reason, and the one that
--   still applies once the plan is settled, so it is the one reported;
-- - after HF004/HF005 for an active tenant, for the same reason: settling the plan never makes the
--   newest (good) snapshot deletable;
-- - and it also applies to an offboarded tenant, whose data may otherwise go entirely: a plan that
--   restores an offboarded tenant's snapshot is typically a migration into its successor tenant, and
--   deleting the snapshot under it, mid-apply or before, is what this guard exists to prevent. The
--   operator settles the plan first (applies it, or discards it), then removes the tenant's data.
-- Everything else the guard did (migration 0009) is unchanged.

-- The oldest pending plan that restores from a snapshot, or NULL. Shared by the trigger, the vault
-- and the retention run, so all three agree on what "pending" means.
CREATE FUNCTION snapshot_pending_restore_plan(snapshot_id bigint) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT p.id FROM restore_plans p
    WHERE p.snapshot_id = snapshot_pending_restore_plan.snapshot_id AND p.status IN ('planned', 'applying')
    ORDER BY p.created_at, p.id LIMIT 1
$$;
CREATE INDEX restore_plans_pending_snapshot ON restore_plans (snapshot_id) WHERE status IN ('planned', 'applying');

-- SQLSTATEs: HF001 snapshot hold, HF002 tenant hold, HF003 immutable, HF004 newest snapshot,
-- HF005 newest good snapshot, HF006 snapshot rewrite, HF007 pending restore plan. The vault maps
-- them to VaultError codes.
CREATE OR REPLACE FUNCTION snapshots_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tenant_hold boolean;
    tenant_status text;
    pending_plan uuid;
    pending_status text;
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
    -- An offboarded tenant's data may go entirely (holds, immutability and pending restores still apply).
    IF tenant_status IS DISTINCT FROM 'offboarded' THEN
        -- The newest snapshot carries the delta links and the root the next backup builds on.
        IF NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.tenant_id = OLD.tenant_id AND s.id > OLD.id) THEN
            RAISE EXCEPTION 'snapshot % is the newest of its tenant', OLD.id USING ERRCODE = 'HF004';
        END IF;
        IF snapshot_is_good(OLD) AND NOT EXISTS (
            SELECT 1 FROM snapshots s WHERE s.tenant_id = OLD.tenant_id AND s.id > OLD.id AND snapshot_is_good(s)) THEN
            RAISE EXCEPTION 'snapshot % is the newest good snapshot of its tenant', OLD.id USING ERRCODE = 'HF005';
        END IF;
    END IF;
    pending_plan := snapshot_pending_restore_plan(OLD.id);
    IF pending_plan IS NOT NULL THEN
        SELECT status INTO pending_status FROM restore_plans WHERE id = pending_plan;
        RAISE EXCEPTION 'snapshot % is the source of restore plan % (%); apply the plan or discard it, then delete the snapshot',
            OLD.id, pending_plan, pending_status USING ERRCODE = 'HF007';
    END IF;
    RETURN OLD;
END
$$;
