DROP TABLE relay_messages;
ALTER TABLE agents DROP COLUMN relay_enabled;
ALTER TABLE agents DROP COLUMN relay_number_id;
ALTER TABLE numbers DROP COLUMN relay;
