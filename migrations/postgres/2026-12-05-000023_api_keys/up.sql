-- API keys: stored as SHA-256 hashes of their secrets (random 256-bit values, so a fast hash
-- is as safe as a slow one), with their scopes as a JSON array.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    prefix TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    requests_per_minute INTEGER NOT NULL
);
CREATE UNIQUE INDEX api_keys_secret ON api_keys (secret_hash);
CREATE INDEX api_keys_organization ON api_keys (organization_id, created_at);

-- Each key's requests per minute, counted in the database so every server process shares the
-- count; old minutes are purged by housekeeping.
CREATE TABLE api_key_minutes (
    key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    minute TIMESTAMP NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (key_id, minute)
);
