-- Text relay (seed 003 "Reply to a Message Using TXT Relay"): business numbers set aside for
-- relay, each agent's relay number and switch, and the texts between a relay number and
-- agents' own phones, which are no conversation's: they never reach contacts, keywords or
-- the inbox.
ALTER TABLE numbers ADD COLUMN relay BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE agents ADD COLUMN relay_number_id TEXT REFERENCES numbers (id) ON DELETE SET NULL;
ALTER TABLE agents ADD COLUMN relay_enabled BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE relay_messages (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    number_id TEXT NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
    -- outbound: to the agent's phone; inbound: from it.
    direction TEXT NOT NULL,
    agent_phone TEXT NOT NULL,
    body TEXT NOT NULL,
    conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    -- queued, sent or failed (outbound); received, answered or refused (inbound).
    status TEXT NOT NULL,
    provider_message_id TEXT,
    error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX relay_messages_phone ON relay_messages (agent_phone, created_at);
CREATE INDEX relay_messages_agent ON relay_messages (agent_id, created_at);
-- A provider's delivery repeated is kept once (texts not yet accepted have no id: NULLs differ).
CREATE UNIQUE INDEX relay_messages_provider ON relay_messages (number_id, provider_message_id);
