-- Messaging core: business numbers, contacts, conversations, messages, per-agent read state,
-- the durable job queue and the change feed.

-- Conversation numbers are short and per organization; the change feed's sequence is per
-- organization too. Both are taken by updating the organization's row, which serialises the
-- writers of one organization, so sequence order is commit order.
ALTER TABLE organizations ADD COLUMN next_conversation_number BIGINT NOT NULL DEFAULT 1001;
ALTER TABLE organizations ADD COLUMN next_event_seq BIGINT NOT NULL DEFAULT 1;

CREATE TABLE numbers (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    provider TEXT NOT NULL,
    account_sid TEXT,
    -- AES-256-GCM under a key derived from the server's secret: a dump alone reveals nothing.
    auth_token_sealed TEXT,
    enabled BOOLEAN NOT NULL,
    auto_assign_agent_id TEXT REFERENCES agents (id) ON DELETE SET NULL,
    auto_assign_group_id TEXT REFERENCES agent_groups (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX numbers_organization ON numbers (organization_id, id);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    company TEXT NOT NULL,
    email TEXT,
    custom_fields TEXT NOT NULL,
    labels TEXT NOT NULL,
    opted_out BOOLEAN NOT NULL,
    opted_out_at TIMESTAMP,
    consent TEXT NOT NULL CHECK (consent IN ('none', 'pending', 'yes', 'no')),
    last_number_id TEXT REFERENCES numbers (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, phone_number)
);
CREATE INDEX contacts_organization ON contacts (organization_id, id);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    closed_by TEXT REFERENCES agents (id) ON DELETE SET NULL,
    last_message_at TIMESTAMP NOT NULL,
    last_message_preview TEXT NOT NULL,
    last_direction TEXT,
    UNIQUE (organization_id, number)
);
-- At most one open conversation per thread.
CREATE UNIQUE INDEX conversations_one_open ON conversations (contact_id) WHERE status = 'open';
CREATE INDEX conversations_activity ON conversations (organization_id, last_message_at, id);
CREATE INDEX conversations_contact ON conversations (contact_id, opened_at);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    number_id TEXT REFERENCES numbers (id) ON DELETE SET NULL,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'note', 'system')),
    body TEXT NOT NULL,
    from_number TEXT NOT NULL,
    to_number TEXT NOT NULL,
    author_kind TEXT NOT NULL,
    author_id TEXT,
    provider_account TEXT,
    provider_message_id TEXT,
    status TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    segments INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    lane INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    delivered_at TIMESTAMP,
    -- Ingest is idempotent: a provider's retry of the same message stores nothing new.
    UNIQUE (provider_account, provider_message_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Each agent's own read state of a conversation.
CREATE TABLE read_states (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    read_at TIMESTAMP,
    marked_unread BOOLEAN NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
);

-- Everything that leaves Textdesk goes through this queue. Lane 0 (agents' replies) is served
-- before lane 1 (automations) and lane 2 (bulk).
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT REFERENCES organizations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    lane INTEGER NOT NULL,
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_ready ON jobs (lane, run_at);

CREATE TABLE events (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, seq)
);
