-- How many conversations each agent has unread, by what the built-in views filter on, so the
-- views' unread counts read a few tallies instead of every unread row (BENCHMARKS.md, "Issue 11,
-- third session"). The triggers below append one row per change (+1 or -1) rather than update a
-- single counter, so concurrent texts never queue on one agent's counter row; housekeeping folds
-- the appended rows, a chunk per transaction, into one row per agent and bucket (`compacted`).
--
-- `waiting` says the contact's text is unanswered (waiting_since is set); whether it has waited
-- past the organization's threshold is decided when counting, from the few rows newer than it.
CREATE TABLE unread_tallies (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    owner_agent_id TEXT,
    owner_group_id TEXT,
    follow_up BOOLEAN NOT NULL,
    waiting BOOLEAN NOT NULL,
    n INTEGER NOT NULL,
    compacted BOOLEAN NOT NULL
);
-- An agent's tallies, bucket by bucket: counting reads them by agent, folding finds the folded
-- row of each bucket; and the appended ones, oldest first, which folding takes in chunks.
CREATE INDEX unread_tallies_agent ON unread_tallies (agent_id, status, owner_agent_id, owner_group_id, follow_up, waiting);
CREATE INDEX unread_tallies_unfolded ON unread_tallies (id) WHERE NOT compacted;
-- The unread rows whose clock started within the threshold: the correction to the tallies.
CREATE INDEX unread_conversations_waiting ON unread_conversations (agent_id, waiting_since);

CREATE TRIGGER unread_tallies_arrived AFTER INSERT ON unread_conversations
BEGIN
    INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
        follow_up, waiting, n, compacted)
    VALUES (NEW.agent_id, NEW.organization_id, NEW.status, NEW.owner_agent_id, NEW.owner_group_id,
        NEW.follow_up, NEW.waiting_since IS NOT NULL, 1, 0);
END;

CREATE TRIGGER unread_tallies_gone AFTER DELETE ON unread_conversations
BEGIN
    INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
        follow_up, waiting, n, compacted)
    VALUES (OLD.agent_id, OLD.organization_id, OLD.status, OLD.owner_agent_id, OLD.owner_group_id,
        OLD.follow_up, OLD.waiting_since IS NOT NULL, -1, 0);
END;

CREATE TRIGGER unread_tallies_moved
AFTER UPDATE OF status, owner_agent_id, owner_group_id, follow_up, waiting_since ON unread_conversations
WHEN OLD.status IS NOT NEW.status OR OLD.owner_agent_id IS NOT NEW.owner_agent_id
    OR OLD.owner_group_id IS NOT NEW.owner_group_id OR OLD.follow_up IS NOT NEW.follow_up
    OR (OLD.waiting_since IS NULL) IS NOT (NEW.waiting_since IS NULL)
BEGIN
    INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
        follow_up, waiting, n, compacted)
    VALUES (OLD.agent_id, OLD.organization_id, OLD.status, OLD.owner_agent_id, OLD.owner_group_id,
        OLD.follow_up, OLD.waiting_since IS NOT NULL, -1, 0),
        (NEW.agent_id, NEW.organization_id, NEW.status, NEW.owner_agent_id, NEW.owner_group_id,
        NEW.follow_up, NEW.waiting_since IS NOT NULL, 1, 0);
END;

INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
    follow_up, waiting, n, compacted)
SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up,
    waiting_since IS NOT NULL, COUNT(*), 1
FROM unread_conversations
GROUP BY agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting_since IS NOT NULL;
