ALTER TABLE messages DROP CONSTRAINT messages_provider_id_key;
ALTER TABLE messages ADD CONSTRAINT messages_provider_account_provider_message_id_key UNIQUE (provider_account, provider_message_id);
