-- Which master key ids `holdfast keys rotate` retired. A process that was not restarted with the
-- new key still has a retired one as its current key: it must not wrap a new tenant data key
-- under it (once the retired key is destroyed, that tenant's data could not be opened), so it
-- checks here first and refuses.
CREATE TABLE retired_master_keys (
    master_key_id  text PRIMARY KEY,
    retired_by     text NOT NULL,
    retired_at     timestamptz NOT NULL DEFAULT now()
);
