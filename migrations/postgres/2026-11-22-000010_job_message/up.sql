-- The message a job is about, so the worker finds a message's send job by key (to send the
-- consent text ahead of the first message) instead of comparing every waiting job's payload.
ALTER TABLE jobs ADD COLUMN message_id TEXT;
UPDATE jobs SET message_id = payload::json ->> 'message_id';
CREATE INDEX jobs_message ON jobs (message_id);
