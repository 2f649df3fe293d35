-- Unread state is kept, not computed: a row says the agent has something unread in the
-- conversation. Counting the views' unread conversations then reads one agent's rows instead of
-- every conversation of the organization against the agent's read times (BENCHMARKS.md,
-- "Issue 11"). A contact's text adds a row for every enabled agent of the organization; reading
-- removes the reader's; a reply from the team or closing removes everybody's but those an agent
-- marked unread themselves (`marked`), which only that agent's reading removes.
CREATE TABLE unread_conversations (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    marked BOOLEAN NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
);
CREATE INDEX unread_conversations_conversation ON unread_conversations (conversation_id);

-- What was unread under the read times stays unread: the contact's text is unanswered and came
-- after the agent last read the conversation and last marked everything read; or they marked it.
INSERT INTO unread_conversations (agent_id, conversation_id, organization_id, marked)
SELECT agents.id, conversations.id, conversations.organization_id, COALESCE(read_states.marked_unread, false)
FROM conversations
JOIN agents ON agents.organization_id = conversations.organization_id AND NOT agents.disabled
LEFT JOIN read_states ON read_states.agent_id = agents.id AND read_states.conversation_id = conversations.id
LEFT JOIN read_all_marks ON read_all_marks.agent_id = agents.id
WHERE COALESCE(read_states.marked_unread, false)
   OR (conversations.waiting_since IS NOT NULL
       AND (read_states.read_at IS NULL OR conversations.last_message_at > read_states.read_at)
       AND (read_all_marks.read_at IS NULL OR conversations.last_message_at > read_all_marks.read_at));

DROP TABLE read_states;
DROP TABLE read_all_marks;
