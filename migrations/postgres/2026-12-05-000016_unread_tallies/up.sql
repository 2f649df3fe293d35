-- How many conversations each agent has unread, by what the built-in views filter on, so the
-- views' unread counts read a few tallies instead of every unread row (BENCHMARKS.md, "Issue 11,
-- third session"). The triggers below append rows (+n or -n) rather than update a single
-- counter, so concurrent texts never queue on one agent's counter row; housekeeping folds each
-- agent's appended rows into one row per bucket (`compacted`) and vacuums the table, so the
-- folded rows leave no dead ones behind even where autovacuum is off.
--
-- `waiting` says the contact's text is unanswered (waiting_since is set); whether it has waited
-- past the organization's threshold is decided when counting, from the few rows newer than it.
CREATE TABLE unread_tallies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
-- Counting reads an agent's tallies from this index alone once housekeeping has vacuumed them.
CREATE INDEX unread_tallies_agent ON unread_tallies (agent_id)
    INCLUDE (organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting, n);
-- The unread rows whose clock started within the threshold: the correction to the tallies.
CREATE INDEX unread_conversations_waiting ON unread_conversations (agent_id, waiting_since);

-- Statement triggers see all of a statement's rows at once (a text unread for fifty agents is
-- one statement), so each appends one row per agent and bucket, not one per unread row.
CREATE FUNCTION unread_tallies_arrived() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
        follow_up, waiting, n, compacted)
    SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up,
        waiting_since IS NOT NULL, COUNT(*), false
    FROM arrived
    GROUP BY agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting_since IS NOT NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER unread_tallies_arrived AFTER INSERT ON unread_conversations
REFERENCING NEW TABLE AS arrived FOR EACH STATEMENT EXECUTE FUNCTION unread_tallies_arrived();

CREATE FUNCTION unread_tallies_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
        follow_up, waiting, n, compacted)
    SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up,
        waiting_since IS NOT NULL, -COUNT(*), false
    FROM gone
    GROUP BY agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting_since IS NOT NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER unread_tallies_gone AFTER DELETE ON unread_conversations
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION unread_tallies_gone();

-- A row moved between buckets counts -1 in the old and +1 in the new; rows that stayed (a mark
-- set, a clock restarted) cancel out and append nothing.
CREATE FUNCTION unread_tallies_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
        follow_up, waiting, n, compacted)
    SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting,
        SUM(n), false
    FROM (
        SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up,
            waiting_since IS NOT NULL AS waiting, -1 AS n
        FROM before_change
        UNION ALL
        SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up,
            waiting_since IS NOT NULL AS waiting, 1 AS n
        FROM after_change
    ) AS changes
    GROUP BY agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting
    HAVING SUM(n) <> 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER unread_tallies_moved AFTER UPDATE ON unread_conversations
REFERENCING OLD TABLE AS before_change NEW TABLE AS after_change
FOR EACH STATEMENT EXECUTE FUNCTION unread_tallies_moved();

INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id,
    follow_up, waiting, n, compacted)
SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up,
    waiting_since IS NOT NULL, COUNT(*), true
FROM unread_conversations
GROUP BY agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting_since IS NOT NULL;
