ALTER TABLE presence DROP COLUMN conversation_id;
DROP TABLE password_reset_requests;
DROP TABLE notification_batches;
DROP TABLE mails;
