-- Foundation: organizations, agents, groups, sessions, password resets, audit log, sign-in throttle.
-- Ids are UUIDv7 text and times are UTC `timestamp`, so the same diesel schema serves SQLite.

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    consent_message_required BOOLEAN NOT NULL,
    consent_message_text TEXT NOT NULL,
    concatenation_allowed BOOLEAN NOT NULL,
    inbound_mms_allowed BOOLEAN NOT NULL,
    agents_may_delete BOOLEAN NOT NULL,
    exports_allowed BOOLEAN NOT NULL,
    drips_enabled BOOLEAN NOT NULL,
    notes_api_enabled BOOLEAN NOT NULL,
    distribution_list_limit INTEGER NOT NULL,
    waiting_for_reply_minutes INTEGER NOT NULL,
    help_text TEXT NOT NULL,
    opt_out_keywords TEXT NOT NULL,
    opt_in_keywords TEXT NOT NULL,
    help_keywords TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row once the first workspace exists: the primary key makes first-run setup happen once.
CREATE TABLE setup_state (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    completed_at TIMESTAMP NOT NULL
);

CREATE TABLE agents (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    screenname TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
    time_zone TEXT NOT NULL,
    idle_alert_seconds INTEGER NOT NULL,
    notify_transfer_mine BOOLEAN NOT NULL,
    notify_transfer_group BOOLEAN NOT NULL,
    notify_message_mine BOOLEAN NOT NULL,
    notify_message_group BOOLEAN NOT NULL,
    mobile_number TEXT,
    disabled BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agents_organization_id ON agents (organization_id, id);

CREATE TABLE agent_avatars (
    agent_id TEXT PRIMARY KEY NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE agent_groups (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE agent_group_members (
    group_id TEXT NOT NULL REFERENCES agent_groups (id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, agent_id)
);
CREATE INDEX agent_group_members_agent ON agent_group_members (agent_id);

-- Refresh tokens are stored as SHA-256 hashes. A family is one sign-in; rotating a token marks
-- it rotated and adds its successor, and presenting a rotated token revokes the family.
CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_agent ON refresh_tokens (agent_id);

CREATE TABLE password_reset_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    actor_id TEXT,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    client_address TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_organization ON audit_log (organization_id, id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- Failed sign-ins within the throttle window; not tenant data (the account may not exist).
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    client_address TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, created_at);
CREATE INDEX login_failures_address ON login_failures (client_address, created_at);
