-- PostgreSQL's migration 000009 puts the message id first in the provider-id key so batch
-- lookups probe the index once per id. SQLite already seeks both columns of the existing key
-- for IN lists (EXPLAIN QUERY PLAN: "USING COVERING INDEX ... (provider_account=? AND
-- provider_message_id=?)"), so its schema stays as it is.
SELECT 1;
