DROP INDEX jobs_message;
ALTER TABLE jobs DROP COLUMN message_id;
