-- The change feed in one global order. SQLite has one writer at a time, so the order numbers
-- are taken in is the order transactions commit in, and tx stays 0 (see the PostgreSQL tree).
DROP TABLE events;
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    tx BIGINT NOT NULL DEFAULT 0,
    organization_id TEXT NOT NULL,
    agent_id TEXT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_feed ON events (organization_id, tx, seq);
ALTER TABLE organizations DROP COLUMN next_event_seq;
