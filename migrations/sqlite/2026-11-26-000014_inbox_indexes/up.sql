-- The shared inbox at scale (BENCHMARKS.md, "Issue 11: the shared inbox at scale"), measured
-- with 200,000 conversations (20,000 open) and 1,000,000 messages:
--
-- The Follow-Up view (follow-up flags are on open conversations only, one in ten here): its
-- first page and its unread count find the flagged conversations directly instead of walking
-- every conversation by activity.
CREATE INDEX conversations_follow_up ON conversations (organization_id, last_message_at, id) WHERE follow_up;
-- The Waiting view: open conversations whose contact's text is unanswered, by how long it has
-- waited. The view's filter (waiting_since at or before the cutoff) is a range of this index.
CREATE INDEX conversations_waiting ON conversations (organization_id, waiting_since, id)
    WHERE status = 'open' AND waiting_since IS NOT NULL;
