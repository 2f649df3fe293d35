DROP TRIGGER unread_tallies_moved;
DROP TRIGGER unread_tallies_gone;
DROP TRIGGER unread_tallies_arrived;
DROP INDEX unread_tallies_bucket;
CREATE INDEX unread_tallies_agent ON unread_tallies (agent_id, status, owner_agent_id, owner_group_id, follow_up, waiting);
CREATE INDEX unread_tallies_unfolded ON unread_tallies (id) WHERE NOT compacted;

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
