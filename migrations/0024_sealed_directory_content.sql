-- Directory content kept outside the vault's blobs is sealed with the tenant's keys (docs/security.md,
-- "What a database dump alone reveals"): a restore step's objects and natural key, a change alert's
-- payload. New rows leave the clear columns NULL; rows written before this migration keep theirs
-- and are read as they are.
ALTER TABLE restore_steps ADD COLUMN sealed bytea;
ALTER TABLE change_alerts ADD COLUMN sealed_payload bytea;
ALTER TABLE change_alerts ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE change_alerts ADD CONSTRAINT change_alerts_payload_present CHECK (payload IS NOT NULL OR sealed_payload IS NOT NULL);
