-- Old changes are purged from the feed; this is where each organization's retained feed now
-- starts. A client whose cursor lies before it has missed changes and must load afresh.
CREATE TABLE feed_purges (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    tx BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    purged_at TIMESTAMP NOT NULL
);
