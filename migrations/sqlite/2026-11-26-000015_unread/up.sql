-- Unread state is kept, not computed: a row says the agent has something unread in the
-- conversation. Counting the views' unread conversations then reads one agent's rows instead of
-- every conversation of the organization against the agent's read times (BENCHMARKS.md,
-- "Issue 11"). A contact's text adds a row for every enabled agent of the organization; reading
-- removes the reader's; a reply from the team or closing removes everybody's but those an agent
-- marked unread themselves (`marked`), which only that agent's reading removes.
--
-- A row keeps a copy of its conversation's columns the built-in views filter on, so the unread
-- counts of the built-in views read the agent's rows alone, never the conversations; the
-- trigger below keeps the copies current.
CREATE TABLE unread_conversations (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    marked BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    owner_agent_id TEXT,
    owner_group_id TEXT,
    follow_up BOOLEAN NOT NULL,
    waiting_since TIMESTAMP,
    PRIMARY KEY (agent_id, conversation_id)
) WITHOUT ROWID;
CREATE INDEX unread_conversations_conversation ON unread_conversations (conversation_id);

CREATE TRIGGER unread_conversations_follow
AFTER UPDATE OF status, owner_agent_id, owner_group_id, follow_up, waiting_since ON conversations
WHEN OLD.status IS NOT NEW.status OR OLD.owner_agent_id IS NOT NEW.owner_agent_id
    OR OLD.owner_group_id IS NOT NEW.owner_group_id OR OLD.follow_up IS NOT NEW.follow_up
    OR OLD.waiting_since IS NOT NEW.waiting_since
BEGIN
    UPDATE unread_conversations SET status = NEW.status, owner_agent_id = NEW.owner_agent_id,
        owner_group_id = NEW.owner_group_id, follow_up = NEW.follow_up, waiting_since = NEW.waiting_since
    WHERE conversation_id = NEW.id;
END;

-- What was unread under the read times stays unread: the contact's text is unanswered and came
-- after the agent last read the conversation and last marked everything read; or they marked it.
INSERT INTO unread_conversations (agent_id, conversation_id, organization_id, marked,
    status, owner_agent_id, owner_group_id, follow_up, waiting_since)
SELECT agents.id, conversations.id, conversations.organization_id, COALESCE(read_states.marked_unread, 0),
    conversations.status, conversations.owner_agent_id, conversations.owner_group_id,
    conversations.follow_up, conversations.waiting_since
FROM conversations
JOIN agents ON agents.organization_id = conversations.organization_id AND NOT agents.disabled
LEFT JOIN read_states ON read_states.agent_id = agents.id AND read_states.conversation_id = conversations.id
LEFT JOIN read_all_marks ON read_all_marks.agent_id = agents.id
WHERE COALESCE(read_states.marked_unread, 0)
   OR (conversations.waiting_since IS NOT NULL
       AND (read_states.read_at IS NULL OR conversations.last_message_at > read_states.read_at)
       AND (read_all_marks.read_at IS NULL OR conversations.last_message_at > read_all_marks.read_at));

DROP TABLE read_states;
DROP TABLE read_all_marks;
