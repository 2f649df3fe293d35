-- When a message was last handed to its provider. After an attempt whose answer never came
-- back, the provider is asked for a matching message sent since then (not since the message
-- was queued, possibly hours before), so a like text sent by anything else in between is not
-- taken for it.
ALTER TABLE messages ADD COLUMN attempted_at TIMESTAMP;
