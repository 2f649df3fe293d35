-- Media of MMS messages. Inbound media is fetched by the worker from the provider (pending
-- until then); outbound media is uploaded first and attached when the message is sent.
-- Bytes live in the database so every server process can serve them.
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    message_id TEXT REFERENCES messages (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    bytes BYTEA,
    source_url TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'stored', 'failed')),
    error TEXT,
    -- The provider fetches outbound media from an unguessable address that stops working.
    access_token TEXT UNIQUE,
    access_expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_message ON media (message_id);
