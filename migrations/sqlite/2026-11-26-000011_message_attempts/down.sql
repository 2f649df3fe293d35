ALTER TABLE messages DROP COLUMN attempted_at;
