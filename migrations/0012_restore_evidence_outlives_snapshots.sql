-- Holdfast schema, version 12: restore plans and change alerts are evidence, like validations: they
-- outlive the snapshot they name, so retention can delete that snapshot under its policy (its
-- guards — legal hold, immutability, the newest good snapshot — still apply). Without this, a
-- tenant that was ever restored or alerted on could never have those snapshots expired.
ALTER TABLE restore_plans DROP CONSTRAINT restore_plans_snapshot_id_fkey;
ALTER TABLE change_alerts DROP CONSTRAINT change_alerts_snapshot_id_fkey;
