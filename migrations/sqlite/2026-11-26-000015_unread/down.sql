DROP TRIGGER unread_conversations_follow;
CREATE TABLE read_states (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    read_at TIMESTAMP,
    marked_unread BOOLEAN NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
);
CREATE TABLE read_all_marks (
    agent_id TEXT PRIMARY KEY NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    read_at TIMESTAMP NOT NULL
);
-- Only the marks survive the way back: everything else reads as read.
INSERT INTO read_states (agent_id, conversation_id, organization_id, read_at, marked_unread)
SELECT agent_id, conversation_id, organization_id, NULL, 1 FROM unread_conversations WHERE marked;
DROP TABLE unread_conversations;
