-- SQLite has one writer at a time, so a single counter row per agent and bucket queues nobody
-- that the database's lock did not queue already: the triggers add to it in place, and nothing
-- is left for housekeeping to fold. Appending, as PostgreSQL does, cost every inbound text 50
-- more rows and held texts back while housekeeping folded them (BENCHMARKS.md, "Issue 11,
-- fourth session").
DROP TRIGGER unread_tallies_arrived;
DROP TRIGGER unread_tallies_gone;
DROP TRIGGER unread_tallies_moved;
DROP INDEX unread_tallies_agent;
DROP INDEX unread_tallies_unfolded;

DELETE FROM unread_tallies;
INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
    follow_up, waiting, n, compacted)
SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up,
    waiting_since IS NOT NULL, COUNT(*), 1
FROM unread_conversations
GROUP BY agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting_since IS NOT NULL;

-- One row per agent and bucket; the owners are compared as '' when nobody owns, as a unique
-- index holds NULLs apart.
CREATE UNIQUE INDEX unread_tallies_bucket ON unread_tallies (agent_id, status,
    ifnull(owner_agent_id, ''), ifnull(owner_group_id, ''), follow_up, waiting);

CREATE TRIGGER unread_tallies_arrived AFTER INSERT ON unread_conversations
BEGIN
    INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
        follow_up, waiting, n, compacted)
    VALUES (NEW.agent_id, NEW.organization_id, NEW.status, NEW.owner_agent_id, NEW.owner_group_id,
        NEW.follow_up, NEW.waiting_since IS NOT NULL, 1, 1)
    ON CONFLICT (agent_id, status, ifnull(owner_agent_id, ''), ifnull(owner_group_id, ''), follow_up, waiting)
    DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER unread_tallies_gone AFTER DELETE ON unread_conversations
BEGIN
    UPDATE unread_tallies SET n = n - 1
    WHERE agent_id = OLD.agent_id AND status = OLD.status
        AND ifnull(owner_agent_id, '') = ifnull(OLD.owner_agent_id, '')
        AND ifnull(owner_group_id, '') = ifnull(OLD.owner_group_id, '')
        AND follow_up = OLD.follow_up AND waiting = (OLD.waiting_since IS NOT NULL);
END;

CREATE TRIGGER unread_tallies_moved
AFTER UPDATE OF status, owner_agent_id, owner_group_id, follow_up, waiting_since ON unread_conversations
WHEN OLD.status IS NOT NEW.status OR OLD.owner_agent_id IS NOT NEW.owner_agent_id
    OR OLD.owner_group_id IS NOT NEW.owner_group_id OR OLD.follow_up IS NOT NEW.follow_up
    OR (OLD.waiting_since IS NULL) IS NOT (NEW.waiting_since IS NULL)
BEGIN
    UPDATE unread_tallies SET n = n - 1
    WHERE agent_id = OLD.agent_id AND status = OLD.status
        AND ifnull(owner_agent_id, '') = ifnull(OLD.owner_agent_id, '')
        AND ifnull(owner_group_id, '') = ifnull(OLD.owner_group_id, '')
        AND follow_up = OLD.follow_up AND waiting = (OLD.waiting_since IS NOT NULL);
    INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
        follow_up, waiting, n, compacted)
    VALUES (NEW.agent_id, NEW.organization_id, NEW.status, NEW.owner_agent_id, NEW.owner_group_id,
        NEW.follow_up, NEW.waiting_since IS NOT NULL, 1, 1)
    ON CONFLICT (agent_id, status, ifnull(owner_agent_id, ''), ifnull(owner_group_id, ''), follow_up, waiting)
    DO UPDATE SET n = n + 1;
END;
