-- Compliance (issue 4): opt-out and opt-in keywords, consent and double opt-in, quiet hours
-- and MMS text-only mode, with a history of every consent change.

-- Whether an inbound START/UNSTOP opts back in by itself, or only records a request an agent
-- confirms (seed 003, "Handset Opt-In").
ALTER TABLE organizations ADD COLUMN opt_in_by_keyword BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE organizations ADD COLUMN double_opt_in BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organizations ADD COLUMN double_opt_in_text TEXT NOT NULL
    DEFAULT 'Reply YES to confirm that you want to receive our texts. Reply STOP to opt out.';
ALTER TABLE organizations ADD COLUMN opt_out_confirmation_text TEXT NOT NULL
    DEFAULT 'You are unsubscribed and will receive no more messages. Reply START to resubscribe.';
ALTER TABLE organizations ADD COLUMN opt_in_confirmation_text TEXT NOT NULL
    DEFAULT 'You are subscribed again. Reply STOP to opt out, HELP for help.';
-- Automated and bulk messages go out only inside this window of the contact's local day
-- (minutes after midnight; 08:00 to 21:00 as the TCPA allows).
ALTER TABLE organizations ADD COLUMN quiet_hours_start_minute INTEGER NOT NULL DEFAULT 480;
ALTER TABLE organizations ADD COLUMN quiet_hours_end_minute INTEGER NOT NULL DEFAULT 1260;
-- A message with media may carry up to 2,000 characters of text (seed 003).
ALTER TABLE organizations ADD COLUMN mms_text_only BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE contacts ADD COLUMN time_zone TEXT;
ALTER TABLE contacts ADD COLUMN consent_message_sent_at TIMESTAMP;
ALTER TABLE contacts ADD COLUMN opt_in_requested_at TIMESTAMP;

-- Confirmations, help replies and consent requests are kept but left out of the thread view.
ALTER TABLE messages ADD COLUMN purpose TEXT NOT NULL DEFAULT 'normal';
-- When a message held for quiet hours goes out.
ALTER TABLE messages ADD COLUMN scheduled_at TIMESTAMP;

CREATE TABLE consent_changes (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    -- opted_out or consent
    field TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    -- keyword, agent, api or provider
    source TEXT NOT NULL,
    keyword TEXT,
    agent_id TEXT REFERENCES agents (id) ON DELETE SET NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consent_changes_contact ON consent_changes (contact_id, created_at);
