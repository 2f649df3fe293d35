-- Inbound batches look up many provider message ids of one account at once
-- (provider_message_id = ANY(...)). With the account first in the key, PostgreSQL 15 used only
-- the account as the index condition and filtered every message of the account; with the
-- message id first, each id is one index probe.
ALTER TABLE messages DROP CONSTRAINT messages_provider_account_provider_message_id_key;
ALTER TABLE messages ADD CONSTRAINT messages_provider_id_key UNIQUE (provider_message_id, provider_account);
