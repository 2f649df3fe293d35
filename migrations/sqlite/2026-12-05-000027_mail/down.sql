ALTER TABLE presence DROP COLUMN conversation_id;
DROP TABLE password_reset_requests;
DROP TABLE received_mails;
DROP TABLE notification_batches;
DROP TABLE mails;
