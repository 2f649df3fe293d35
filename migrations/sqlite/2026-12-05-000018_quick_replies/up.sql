-- Quick replies: saved texts an agent puts into the composer; shared with the organization
-- (owner_agent_id NULL, changed by owners and admins) or an agent's own.
CREATE TABLE quick_replies (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    owner_agent_id TEXT REFERENCES agents (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT REFERENCES agents (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX quick_replies_organization ON quick_replies (organization_id, owner_agent_id);
