-- Holdfast schema, version 3: partners, the tenant columns onboarding needs, per-tenant data keys,
-- sealed credentials, the Graph throttle state every worker honours, and the audit log.
--
-- Nothing secret is stored in clear here: data keys are wrapped under a master key that lives
-- outside the database, and credential secrets and private keys are sealed under the tenant's data
-- key (see docs/security.md).

-- MARK: partners
-- The MSP itself, or a reseller it serves; a partner's API credentials see only its tenants.
CREATE TABLE partners (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL UNIQUE CHECK (name <> ''),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- MARK: tenants (extends 0002's minimal table)
ALTER TABLE tenants
    ADD COLUMN entra_tenant_id uuid,
    ADD COLUMN primary_domain  text,
    ADD COLUMN partner_id      uuid REFERENCES partners (id),
    ADD COLUMN status_reason   text,
    ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now(),
    -- Graph throttling tier from the user count: S (<50), M (50-500), L (>500).
    ADD COLUMN size_class      text NOT NULL DEFAULT 'S' CHECK (size_class IN ('S', 'M', 'L')),
    -- The backup policy object (issue "Backup…"); a plain reference until policies exist.
    ADD COLUMN policy_id       uuid;

ALTER TABLE tenants ADD CONSTRAINT tenants_entra_tenant_id_key UNIQUE (entra_tenant_id);
CREATE INDEX tenants_partner ON tenants (partner_id);

-- The lifecycle onboarding adds; 'paused' stays for the scheduler's operators.
ALTER TABLE tenants DROP CONSTRAINT tenants_status_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_status_check CHECK (status IN
    ('onboarding', 'active', 'paused', 'suspended', 'credentials_invalid', 'offboarded'));

-- MARK: tenant_data_keys
-- One current data key per tenant, wrapped (AES-256-GCM) under the master key named by
-- master_key_id. Key rotation rewrites wrapped_key and master_key_id only.
CREATE TABLE tenant_data_keys (
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    data_key_id    text NOT NULL,
    wrapped_key    bytea NOT NULL,
    master_key_id  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    rotated_at     timestamptz,
    PRIMARY KEY (tenant_id, data_key_id)
);
-- Rotation finds the keys still under an older master key through this.
CREATE INDEX tenant_data_keys_master_key ON tenant_data_keys (master_key_id, tenant_id, data_key_id);

-- MARK: tenant_credentials
-- How Holdfast signs in to a tenant: its own app registration or the MSP's shared multi-tenant
-- app, with a client secret or a certificate and its private key, sealed. One active credential
-- per (tenant, app); replaced ones keep their row with replaced_at set, for the audit trail.
CREATE TABLE tenant_credentials (
    id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id                  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    app_kind                   text NOT NULL CHECK (app_kind IN ('tenant_app', 'shared_multitenant_app')),
    client_id                  uuid NOT NULL,
    kind                       text NOT NULL CHECK (kind IN ('client_secret', 'certificate')),
    data_key_id                text NOT NULL,
    sealed_secret              bytea,
    sealed_private_key         bytea,
    certificate_der            bytea,
    certificate_sha1           text,
    certificate_sha256         text,
    expires_at                 timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    created_by                 text NOT NULL,
    replaced_at                timestamptz,
    FOREIGN KEY (tenant_id, data_key_id) REFERENCES tenant_data_keys (tenant_id, data_key_id),
    CHECK ((kind = 'client_secret' AND sealed_secret IS NOT NULL AND sealed_private_key IS NULL AND certificate_der IS NULL)
        OR (kind = 'certificate' AND sealed_secret IS NULL AND sealed_private_key IS NOT NULL
            AND certificate_der IS NOT NULL AND certificate_sha1 IS NOT NULL AND certificate_sha256 IS NOT NULL))
);
CREATE UNIQUE INDEX tenant_credentials_active ON tenant_credentials (tenant_id, client_id) WHERE replaced_at IS NULL;
CREATE INDEX tenant_credentials_expiry ON tenant_credentials (expires_at) WHERE replaced_at IS NULL;

-- MARK: graph_throttle
-- A Retry-After seen by any worker, per tenant and app, so every worker waits it out (invariant 7).
-- Keyed as the Graph client signs in: the tenant as given to the token endpoint (directory id or
-- domain, lower case) and the client id. Rows in the past are harmless and overwritten.
CREATE TABLE graph_throttle (
    tenant           text NOT NULL CHECK (tenant <> ''),
    client_id        text NOT NULL CHECK (client_id <> ''),
    blocked_until    timestamptz NOT NULL,
    reason           text,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, client_id)
);

-- MARK: audit_log
-- Every operator action: who, what, which tenant, when. details never holds secret values.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor       text NOT NULL CHECK (actor <> ''),
    action      text NOT NULL CHECK (action <> ''),
    tenant_id   uuid,
    partner_id  uuid,
    details     jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, at);
CREATE INDEX audit_log_at ON audit_log (at);
