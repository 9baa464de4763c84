-- Holdfast schema, version 10: API keys for the HTTP API (docs/api.md).
--
-- A key is shown once, when it is created: `hf_live_<key_id>_<secret>`. Only a SHA-256 HMAC of the
-- secret is stored, so a leaked table does not leak usable keys. key_id is the short public handle
-- the server looks the row up by, and what operators list and revoke.
CREATE TABLE api_keys (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key_id        text NOT NULL UNIQUE CHECK (key_id ~ '^[a-z2-7]{12}$'),
    secret_hash   bytea NOT NULL CHECK (octet_length(secret_hash) = 32),
    name          text NOT NULL CHECK (name <> ''),
    role          text NOT NULL CHECK (role IN ('operator', 'partner', 'read-only')),
    -- A partner key sees only this partner's tenants (invariant 6); other roles have none.
    partner_id    uuid REFERENCES partners (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL CHECK (created_by <> ''),
    -- Written at most once a minute per key (the API throttles the update).
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    revoked_by    text,
    CHECK ((role = 'partner') = (partner_id IS NOT NULL)),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX api_keys_partner ON api_keys (partner_id) WHERE partner_id IS NOT NULL;
