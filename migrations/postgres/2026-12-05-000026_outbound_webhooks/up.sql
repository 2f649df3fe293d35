-- Outbound webhooks: the endpoints an organization registers, each event once with its body as
-- sent (so every attempt, retry or redelivery, signs the same bytes), one delivery per event and
-- endpoint, and every attempt of a delivery with its answer and latency. The secrets that sign
-- deliveries are kept sealed, as providers' credentials are.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    event_types TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_expires_at TIMESTAMP,
    enabled BOOLEAN NOT NULL,
    disabled_at TIMESTAMP,
    disabled_reason TEXT,
    disabled_by TEXT,
    created_by TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_endpoints_organization ON webhook_endpoints (organization_id, created_at);

CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    ordering_key TEXT,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

-- ordering_key (a conversation or contact) keeps one subject's deliveries in order: a delivery
-- waits while an earlier one to the same endpoint for the same subject is pending.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    ordering_key TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    -- While an attempt is under way: until when it holds the delivery.
    leased_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, ordering_key, created_at)
    WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    response_status INTEGER,
    error TEXT,
    latency_ms INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
