-- The organization's switch for the contact's name tags at the start of a conversation's first
-- message (seed 003's "Auto-Append Dynamic Text").
ALTER TABLE organizations ADD COLUMN name_tags_in_first_message BOOLEAN NOT NULL DEFAULT FALSE;
