-- Mail Textdesk sends: notifications, password resets, answers to refused replies by email and
-- notices to admins. A row is written in the transaction that causes the mail, with a job that
-- hands it to the SMTP server (or, with none configured, keeps it for the Mail outbox page).
-- message_id stays the same on every attempt, so a mail sent twice after a crash between the
-- server's answer and our record of it is one mail to the reader's client.
CREATE TABLE mails (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id TEXT REFERENCES agents (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    message_id TEXT NOT NULL,
    -- The conversation's notifications to one agent thread under one made-up root message.
    thread_root TEXT,
    conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    -- Replies to reply_to (reply+<token>@REPLY_DOMAIN) answer the conversation as the agent;
    -- found by the token's hash, which is cleared to revoke the address.
    reply_to TEXT,
    reply_token_hash TEXT,
    -- The one-click address (List-Unsubscribe) that turns off the notification choices
    -- (topics) this mail followed, and its token's hash.
    unsubscribe_url TEXT,
    unsubscribe_token_hash TEXT,
    topics TEXT NOT NULL,
    status TEXT NOT NULL,
    smtp_response TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mails_organization ON mails (organization_id, created_at);
CREATE INDEX mails_agent ON mails (agent_id, created_at);
CREATE UNIQUE INDEX mails_message_id ON mails (message_id);
CREATE UNIQUE INDEX mails_reply_token ON mails (reply_token_hash);
CREATE UNIQUE INDEX mails_unsubscribe_token ON mails (unsubscribe_token_hash);
CREATE INDEX mails_created ON mails (created_at);

-- What an agent is to be told about a conversation, gathered until the burst is over: texts
-- from `since` on, and the transfers (sentences) in the meantime.
CREATE TABLE notification_batches (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    topics TEXT NOT NULL,
    transfers TEXT NOT NULL,
    since TIMESTAMP NOT NULL,
    first_at TIMESTAMP NOT NULL,
    last_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
);

-- Replies by email already handled, by their Message-ID: an inbound-mail service that posts
-- one again, or a pipe run twice, sends no second text.
CREATE TABLE received_mails (
    message_id TEXT PRIMARY KEY NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX received_mails_received ON received_mails (received_at);

-- Sign-in page requests for a reset mail, counted per address and per client for throttling.
CREATE TABLE password_reset_requests (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    client_address TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX password_reset_requests_email ON password_reset_requests (email, created_at);
CREATE INDEX password_reset_requests_client ON password_reset_requests (client_address, created_at);

-- The conversation a Message Center tab shows, so its agent is not mailed about what they see.
ALTER TABLE presence ADD COLUMN conversation_id TEXT;
