-- Holdfast schema, version 23: operator console users and their browser sessions (docs/console.md).
--
-- A user signs in with a password (scrypt, parameters inside the stored string) and a TOTP code.
-- Sessions are looked up by a SHA-256 of the cookie's secret, so a leaked table holds no usable
-- session. Both tables are owned by the Console module.
CREATE TABLE console_users (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username          text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),
    role              text NOT NULL CHECK (role IN ('operator', 'read-only', 'partner')),
    -- A partner user sees only this partner's tenants (invariant 6); other roles have none.
    partner_id        uuid REFERENCES partners (id),
    -- `$scrypt$ln=17,r=8,p=1$<salt base64>$<hash base64>`.
    password_hash     text NOT NULL CHECK (password_hash LIKE '$scrypt$%'),
    -- The TOTP secret once enrolment is confirmed; pending_totp_secret while it is being enrolled.
    totp_secret       bytea CHECK (totp_secret IS NULL OR octet_length(totp_secret) >= 16),
    pending_totp_secret bytea CHECK (pending_totp_secret IS NULL OR octet_length(pending_totp_secret) >= 16),
    -- The newest time step accepted: a code is never accepted twice (RFC 6238 section 5.2).
    totp_last_step    bigint,
    failed_attempts   integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL CHECK (created_by <> ''),
    disabled_at       timestamptz,
    disabled_by       text,
    CHECK ((role = 'partner') = (partner_id IS NOT NULL)),
    CHECK ((disabled_at IS NULL) = (disabled_by IS NULL))
);

CREATE TABLE console_sessions (
    id_hash       bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    user_id       uuid NOT NULL REFERENCES console_users (id) ON DELETE CASCADE,
    -- 'password': the password was right and a TOTP code (or enrolment) is awaited; 'active': signed in.
    stage         text NOT NULL CHECK (stage IN ('password', 'active')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    -- Absolute expiry; idle expiry is last_seen_at plus the configured idle time.
    expires_at    timestamptz NOT NULL,
    user_agent    text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 256)
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- The console's tenant list pages by (display_name, id) with a keyset, for all tenants or a partner's.
CREATE INDEX tenants_by_name ON tenants (display_name, id);
CREATE INDEX tenants_partner_by_name ON tenants (partner_id, display_name, id) WHERE partner_id IS NOT NULL;
