-- The shared inbox at scale (BENCHMARKS.md, "Issue 11: the shared inbox at scale"), measured
-- with 200,000 conversations (20,000 open) and 1,000,000 messages.
--
-- The Follow-Up view: its first page and its unread count find the flagged conversations
-- through this index instead of reading every conversation. Not a partial index: the view's
-- filter is `follow_up = ?` with a bound value, which SQLite does not match to `WHERE follow_up`.
CREATE INDEX conversations_follow_up ON conversations (organization_id, follow_up, last_message_at, id);
-- The Waiting view: conversations whose contact's text is unanswered (replies and closing clear
-- `waiting_since`), by how long they have waited. The view's filter (`waiting_since` at or
-- before the cutoff) is a range of this index; with the view ordered by `(waiting_since, id)`
-- alone its first page is the index's first rows (see BENCHMARKS.md).
CREATE INDEX conversations_waiting ON conversations (organization_id, waiting_since, id) WHERE waiting_since IS NOT NULL;
