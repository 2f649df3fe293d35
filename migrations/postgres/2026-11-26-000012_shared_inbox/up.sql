-- The shared inbox: who owns a conversation, its flags, keyword assignment rules, round robin,
-- presence and saved views.

-- An owner is nobody, an agent, a group, or an agent within a group.
ALTER TABLE conversations ADD COLUMN owner_agent_id TEXT REFERENCES agents (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN owner_group_id TEXT REFERENCES agent_groups (id) ON DELETE SET NULL;
-- The business number the conversation is with: the number of its newest text.
ALTER TABLE conversations ADD COLUMN number_id TEXT REFERENCES numbers (id) ON DELETE SET NULL;
UPDATE conversations SET number_id = (
    SELECT m.number_id FROM messages m
    WHERE m.conversation_id = conversations.id AND m.number_id IS NOT NULL
    ORDER BY m.created_at DESC LIMIT 1
);
-- Set by any agent, kept through transfers, cleared by closing.
ALTER TABLE conversations ADD COLUMN follow_up BOOLEAN NOT NULL DEFAULT FALSE;
-- When the contact's oldest unanswered text came in; an agent's reply or closing clears it.
-- "Waiting for reply" is this being older than the organization's threshold, so the flag turns
-- on as time passes without anything being written.
ALTER TABLE conversations ADD COLUMN waiting_since TIMESTAMP;
-- Whether the newest text (notes aside) came in or went out: who replied last.
ALTER TABLE conversations ADD COLUMN last_text_direction TEXT;
UPDATE conversations SET last_text_direction = (
    SELECT m.direction FROM messages m
    WHERE m.conversation_id = conversations.id AND m.direction IN ('inbound', 'outbound')
        AND m.purpose = 'normal'
    ORDER BY m.created_at DESC LIMIT 1
);
-- Who wrote the newest outbound message (agent, api_client or system): `system` is the
-- auto-replied flag.
ALTER TABLE conversations ADD COLUMN last_outbound_author TEXT;
-- Handed to a round-robin group while none of its members was online: waits there until one
-- comes online.
ALTER TABLE conversations ADD COLUMN awaiting_agent BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX conversations_owner_agent ON conversations (owner_agent_id) WHERE owner_agent_id IS NOT NULL;
CREATE INDEX conversations_owner_group ON conversations (owner_group_id) WHERE owner_group_id IS NOT NULL;
CREATE INDEX conversations_open_activity ON conversations (organization_id, last_message_at, id) WHERE status = 'open';
CREATE INDEX conversations_number ON conversations (number_id, last_message_at);
CREATE INDEX conversations_awaiting ON conversations (owner_group_id, opened_at) WHERE awaiting_agent;

ALTER TABLE agent_groups ADD COLUMN round_robin BOOLEAN NOT NULL DEFAULT FALSE;
-- Round robin hands the next conversation to the online member served longest ago.
ALTER TABLE agent_group_members ADD COLUMN last_assigned_at TIMESTAMP;

-- Admins' keyword rules: the first inbound text of a new conversation that contains the
-- pattern (a word or phrase, `*` standing for any letters) goes to the agent or group. Rules
-- are tried in `position` order; a rule for one business number only applies to its texts.
CREATE TABLE assignment_rules (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    number_id TEXT REFERENCES numbers (id) ON DELETE CASCADE,
    pattern TEXT NOT NULL,
    agent_id TEXT REFERENCES agents (id) ON DELETE CASCADE,
    group_id TEXT REFERENCES agent_groups (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX assignment_rules_organization ON assignment_rules (organization_id, position);

-- One row per browser tab with the Message Center open, refreshed by its heartbeat: an agent
-- is online while one of their rows is fresh. Every server process reads the same rows.
CREATE TABLE presence (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    tab_id TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agent_id, tab_id)
);
CREATE INDEX presence_organization ON presence (organization_id, seen_at);

-- Custom views: a saved filter and sort, shared with the organization (no owner) or personal.
CREATE TABLE views (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    owner_agent_id TEXT REFERENCES agents (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    filter TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_by TEXT REFERENCES agents (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX views_organization ON views (organization_id, position);
