-- "Mark all read" (seed 001): one mark per agent instead of a read state for every
-- conversation; a conversation is read when the agent read it or marked all read after the
-- contact's last message.
CREATE TABLE read_all_marks (
    agent_id TEXT PRIMARY KEY NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    read_at TIMESTAMP NOT NULL
);
