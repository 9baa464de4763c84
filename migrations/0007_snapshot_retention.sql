-- Holdfast schema, version 7: the date until which every blob of a snapshot is locked in the blob
-- store (S3 Object Lock), NULL when none is (no immutability window, or a store without locks).
-- A backup extends the locks of the whole live map only when this date must move (docs/backup.md,
-- "Immutability").
ALTER TABLE snapshots ADD COLUMN retained_until timestamptz;
