-- Answers to requests sent with an Idempotency-Key header, kept a day so that a retried
-- request gets the first answer instead of acting twice. A row is inserted before its request
-- runs (locked_at set, no answer yet): the primary key makes a second request with the same
-- key, on whichever server process, wait for the first instead of running beside it.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    locked_at TIMESTAMP,
    response_status INTEGER,
    response_headers TEXT,
    response_body BYTEA,
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
