-- Delta links are authenticated with a key derived from the tenant's data key (purpose
-- "vault.delta-links"), so whoever can write this table cannot point the next backup's first
-- Graph request (and the tenant's bearer token) somewhere else. Rows from before this migration
-- have no tag: their links are ignored and the next backup reads those types in full.
ALTER TABLE snapshots ADD COLUMN delta_links_mac bytea;
