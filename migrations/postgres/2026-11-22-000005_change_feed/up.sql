-- The change feed without a per-organization counter row. Writers no longer take turns: each
-- event gets a number from one sequence and records the transaction that wrote it. Readers
-- order by (tx, seq) and read only transactions older than every transaction still running
-- (pg_snapshot_xmin), so nothing can later appear before a position a reader has passed.
-- The feed's retained history starts again here; clients reload, as after any gap.
DROP TABLE events;
CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    -- No foreign key: its check would lock the organization's row for every event.
    organization_id TEXT NOT NULL,
    -- Only this agent receives it (their own read states); everyone in the organization when null.
    agent_id TEXT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_feed ON events (organization_id, tx, seq);
ALTER TABLE organizations DROP COLUMN next_event_seq;

-- Conversation numbers come from one sequence per organization: taking one never waits for
-- another transaction (gaps after a rollback are harmless). SQLite, with one writer at a
-- time, keeps counting in organizations.next_conversation_number.
DO $$
DECLARE organization RECORD;
BEGIN
    FOR organization IN SELECT id, next_conversation_number FROM organizations LOOP
        EXECUTE format('CREATE SEQUENCE %I START WITH %s',
            'conversation_numbers_' || replace(organization.id, '-', ''),
            organization.next_conversation_number);
    END LOOP;
END $$;
